/* What an import wrote, for sluice export: the records it created, updated
 * or merged, one each in record order, with the values they hold now and
 * the outcome of the import's first change to each, read from the journal
 * of changes and the target table in one read snapshot. The CSV and XLSX
 * writers are report-csv.c's and report-xlsx.c's. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "report-int.h"
#include "schema.h"
#include "xmalloc.h"

struct report_records {
	struct report_journal *rj;
	struct schema *schema;
	struct store_iter *changes;
	unsigned outcomes; /* REPORT_OUTCOME(o) of the outcomes wanted */
	int64_t cur;	   /* the record whose changes are being read, or 0 */
	enum outcome cur_outcome;
	int ended;
	uint64_t gone;
	struct report_record out;
};

int
report_outcomes_parse(const char *list, unsigned *mask)
{
	*mask = 0;
	const char *p = list;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		char *word = xstrndup(p, n);
		int o = outcome_parse(word);
		free(word);
		if (o != OUTCOME_CREATED && o != OUTCOME_UPDATED && o != OUTCOME_MERGED)
			return -1;
		*mask |= REPORT_OUTCOME(o);
		p += n;
		if (*p == ',' && *++p == '\0')
			return -1;
	}
	return *mask != 0 ? 0 : -1;
}

struct report_records *
report_records_open(struct report_journal *rj, unsigned outcomes, char **cause)
{
	const struct import_row *im = &rj->import;
	char *why = NULL;
	struct schema *s = im->schema_path ? schema_load(im->schema_path, &why) : NULL;
	if (s == NULL) {
		free(why);
		why = NULL;
		s = schema_load(im->schema_name ? im->schema_name : "contacts", &why);
	}
	if (s == NULL) {
		*cause = xasprintf(_("Cannot load the schema import %lld used: %s"),
		    (long long)im->id, why);
		free(why);
		return NULL;
	}
	if (im->target_table == NULL || strcmp(im->target_table, s->table) != 0) {
		*cause = xasprintf(
		    _("The schema %s now writes to table %s, not %s as when import %lld ran; restore the schema file first."),
		    s->name, s->table, im->target_table ? im->target_table : "?", (long long)im->id);
		schema_free(s);
		return NULL;
	}
	struct report_records *it = xcalloc(1, sizeof *it);
	it->rj = rj;
	it->schema = s;
	it->outcomes = outcomes;
	if (store_records_prepare(rj->store, s) != STORE_OK ||
	    (it->changes = journal_each_change(rj->journal, im->id, STORE_CHANGES_BY_RECORD)) ==
		NULL) {
		*cause = report_journal_error(rj);
		report_records_close(it);
		return NULL;
	}
	return it;
}

const struct schema *
report_records_schema(const struct report_records *it)
{
	return it->schema;
}

uint64_t
report_records_gone(const struct report_records *it)
{
	return it->gone;
}

/* The record whose changes were read (it->cur): 1 and it->out when it is
 * to be written, 0 when not (another outcome, or gone since), -1 when it
 * cannot be read. */
static int
report_records_take(struct report_records *it)
{
	if (it->cur == 0 || !(it->outcomes & REPORT_OUTCOME(it->cur_outcome)))
		return 0;
	const char *const *values;
	int64_t from;
	int found = store_record_load(it->rj->store, it->cur, &values, &from);
	if (found == 0)
		it->gone++;
	if (found != 1)
		return found;
	it->out =
	    (struct report_record){ .id = it->cur, .outcome = it->cur_outcome, .values = values };
	return 1;
}

int
report_records_next(struct report_records *it, const struct report_record **out)
{
	/* A record's changes come together, its last first: the outcome
	 * kept is that of its first change (created, then updated by a row
	 * repeating it: created). */
	while (!it->ended) {
		const struct change_row *c;
		int rc = store_next_change(it->changes, &c);
		if (rc < 0)
			return -1;
		if (rc == 1 && c->record_id == it->cur) {
			it->cur_outcome = c->outcome;
			continue;
		}
		int taken = report_records_take(it);
		if (taken < 0)
			return -1;
		if (rc == 1) {
			it->cur = c->record_id;
			it->cur_outcome = c->outcome;
		} else
			it->ended = 1;
		if (taken == 1) {
			*out = &it->out;
			return 1;
		}
	}
	return 0;
}

void
report_records_close(struct report_records *it)
{
	if (it == NULL)
		return;
	store_iter_close(it->changes);
	schema_free(it->schema);
	free(it);
}
