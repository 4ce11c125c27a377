/* Confirm: what the import will do — file, target, mapping, fixes,
 * strategy, batch size, dry run, who is told — and Enter starts it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

enum {
	CONFIRM_START = TUI_ACT_SCREEN,
	CONFIRM_DRY,
	CONFIRM_BATCH,
	CONFIRM_STRATEGY,
	CONFIRM_NOTIFY,
	CONFIRM_MAIL,
	CONFIRM_MAX_ERRORS,
};

static const struct tui_key confirm_keys[] = {
	{ TUI_ENTER, CONFIRM_START, N_("start"), N_("Start the import as shown.") },
	{ 'd', CONFIRM_DRY, N_("dry run"),
	    N_("Turn the dry run on or off (a dry run writes nothing).") },
	{ 'b', CONFIRM_BATCH, N_("batch size"), N_("Change the number of rows per transaction.") },
	{ 's', CONFIRM_STRATEGY, N_("strategy"),
	    N_("Change what happens to rows that match a stored record.") },
	/* Not in the footer, which has no room left at 80 columns: the Told
	 * line, the budget's line and the keys' help (?) name them. */
	{ 'n', CONFIRM_NOTIFY, NULL,
	    N_("Turn this import's notices (web hooks, mail, command) off or on.") },
	{ 'm', CONFIRM_MAIL, NULL, N_("Change whom to mail when this import ends.") },
	{ 'e', CONFIRM_MAX_ERRORS, NULL,
	    N_("Set an error budget: the import stops once more rows than this are rejected or failed.") },
	{ TUI_ESC, TUI_ACT_BACK, N_("back"), N_("Go back to the duplicates.") },
	TUI_KEYS_COMMON,
};

/* One sentence per strategy, as the Duplicates screen shows them too. */
const char *
tui_strategy_sentence(enum strategy s)
{
	switch (s) {
	case STRATEGY_SKIP:
		return _("skip: a row that matches a stored record leaves the record as it is.");
	case STRATEGY_MERGE:
		return _(
		    "merge: stored values win; empty stored fields are filled and tags are joined.");
	case STRATEGY_REPLACE:
		return _(
		    "replace: rows are written as by update; then the stored records that are not in the file are deleted.");
	default:
		return _(
		    "update: non-empty values from the file overwrite; empty ones keep the stored value.");
	}
}

const char *
tui_key_conflict_sentence(enum key_conflict k)
{
	if (k == KEY_CONFLICT_UPDATE)
		return _(
		    "update: a row matching a record by one key but not by another is written as a match; update replaces the stored key.");
	return _(
	    "reject: a row matching a record by one key but not by another is rejected; no stored key is replaced.");
}

static void
tui_confirm_init(struct screen *s, void *arg)
{
	(void)s;
	(void)arg;
}

static void
tui_confirm_batch_done(struct tui *t, void *ctx, const char *value)
{
	(void)ctx;
	if (value == NULL)
		return;
	char *end;
	unsigned long v = strtoul(value, &end, 10);
	if (*value == '\0' || *end != '\0' || v < 1 || v > 1000000) {
		tui_message(t, 1,
		    _("The batch size must be a whole number from 1 to 1000000, not \"%s\"."), value);
		return;
	}
	t->w.batch_size = (unsigned)v;
}

static void
tui_confirm_budget_done(struct tui *t, void *ctx, const char *value)
{
	(void)ctx;
	if (value == NULL)
		return;
	struct engine_error_budget b = { 0 };
	if (*value != '\0' && engine_error_budget_parse(value, &b) != 0) {
		tui_message(t, 1,
		    _("The error budget is a number of rows (500) or a percentage (5%%), not \"%s\"."),
		    value);
		return;
	}
	t->w.max_errors = b;
}

/* Starts the import as confirmed: 1 when it runs (the progress screen is
 * shown), 0 when it could not start (a message says why). */
static int
tui_confirm_start(struct tui *t)
{
	struct tui_wizard *w = &t->w;
	if (w->run != NULL && tui_run_active(w->run)) {
		tui_message(t, 1,
		    _("An import is already running from this wizard; wait for it to end."));
		return 0;
	}
	/* The dry run holds the database's write lock: stop it first. */
	tui_check_stop(w);
	char *cause = NULL;
	if (w->run)
		tui_run_free(w->run);
	w->run = tui_run_start(t, 0, &cause);
	if (w->run == NULL) {
		tui_message(t, 1, "%s", cause);
		free(cause);
		return 0;
	}
	/* The choices are the import's now; the next one starts afresh. */
	tui_wizard_reset(w);
	tui_pop_to(t, &tui_home_ops);
	tui_push(t, &tui_progress_ops, NULL);
	return 1;
}

/* Replace deletes: it starts only once the table's name is typed. */
static void
tui_confirm_replace_done(struct tui *t, void *ctx, const char *value)
{
	(void)ctx;
	if (value == NULL)
		return;
	if (strcmp(value, t->w.schema->table) != 0) {
		tui_message(t, 1, _("Not the table's name; nothing was started."));
		return;
	}
	tui_confirm_start(t);
}

static int
tui_confirm_key(struct screen *s, int action, int key)
{
	(void)key;
	struct tui *t = s->tui;
	struct tui_wizard *w = &t->w;
	switch (action) {
	case CONFIRM_DRY: w->dry_run = !w->dry_run; return TUI_HANDLED | TUI_REDRAW;
	case CONFIRM_NOTIFY: tui_notify_toggle(&w->notify); return TUI_HANDLED | TUI_REDRAW;
	case CONFIRM_MAIL: tui_notify_ask_mail(t); return TUI_HANDLED | TUI_REDRAW;
	case CONFIRM_STRATEGY:
		w->strategy = w->strategy == STRATEGY_UPDATE ? STRATEGY_MERGE :
		    w->strategy == STRATEGY_MERGE	     ? STRATEGY_SKIP :
		    w->strategy == STRATEGY_SKIP	     ? STRATEGY_REPLACE :
							       STRATEGY_UPDATE;
		return TUI_HANDLED | TUI_REDRAW;
	case CONFIRM_MAX_ERRORS: {
		char buf[32] = "";
		if (w->max_errors.on)
			snprintf(buf, sizeof buf, "%llu%s", (unsigned long long)w->max_errors.limit,
			    w->max_errors.percent ? "%" : "");
		tui_prompt(t, _("Error budget"),
		    _("Stop at a batch boundary once more rows than this are rejected or failed: a number (0 stops at the first) or a percentage such as 5%; empty: no limit."),
		    buf, tui_confirm_budget_done, NULL);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case CONFIRM_BATCH: {
		char buf[32];
		snprintf(buf, sizeof buf, "%u", w->batch_size);
		tui_prompt(t, _("Batch size"),
		    _("Rows written in one transaction (10000 suits most databases):"), buf,
		    tui_confirm_batch_done, NULL);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case CONFIRM_START:
		if (w->strategy == STRATEGY_REPLACE && !w->dry_run) {
			char *text = xasprintf(
			    _("Replace deletes the records of table %s that are not in the file. Type the table's name to start:"),
			    w->schema->table);
			tui_prompt(t, _("Replace"), text, "", tui_confirm_replace_done, NULL);
			free(text);
			return TUI_HANDLED | TUI_REDRAW;
		}
		return tui_confirm_start(t) ? TUI_HANDLED | TUI_NEXT : TUI_HANDLED | TUI_REDRAW;
	}
	return 0;
}

/* The labels of the lines, whose widest sets where the values start. */
static const char *const confirm_labels[] = { N_("File"), N_("Sheet"), N_("Into"), N_("Mapping"),
	N_("Reading"), N_("Fixes"), N_("Duplicates"), N_("Key conflicts"), N_("Batch size"),
	N_("Error budget"), N_("Dry run"), N_("Told"), N_("Checked") };

/* The columns of the widest label in the user's language: 14 at least,
 * 24 at most (a longer one is cut). */
static int
tui_confirm_label_width(void)
{
	int width = 14;
	for (size_t i = 0; i < sizeof confirm_labels / sizeof *confirm_labels; i++) {
		char *clean = tui_text_clean(_(confirm_labels[i]));
		int w = tui_text_width(clean);
		free(clean);
		if (w > width)
			width = w;
	}
	return width < 24 ? width : 24;
}

static void
tui_confirm_line(struct tui *t, int *y, const char *label, const char *value)
{
	int lw = tui_confirm_label_width();
	tui_put(stdscr, *y, 2, lw, label, t->a.bold);
	*y += tui_put_wrapped(stdscr, *y, lw + 3, COLS - lw - 5, 3, value, A_NORMAL);
}

static void
tui_confirm_draw(struct screen *s, int full)
{
	(void)full;
	struct tui *t = s->tui;
	struct tui_wizard *w = &t->w;
	tui_draw_title(t, _("Confirm"), w->file);
	int y = t->message ? 3 : 2;
	tui_put(stdscr, y++, 1, COLS - 2, _("What will happen"), t->a.bold);
	char *v = xasprintf("%s (%s)", w->file, w->description ? w->description : "");
	tui_confirm_line(t, &y, _("File"), v);
	free(v);
	if (w->sheet)
		tui_confirm_line(t, &y, _("Sheet"), w->sheet);
	char *db = store_target_shown(w->db);
	v = xasprintf(_("table %s of %s (schema %s)"), w->schema->table, db, w->schema->name);
	free(db);
	tui_confirm_line(t, &y, _("Into"), v);
	free(v);
	size_t mapped = 0;
	for (size_t c = 0; c < w->ncolumns; c++)
		mapped += w->mapping->field[c] >= 0;
	v = xasprintf(_("%zu of %zu columns are imported; %zu left out."), mapped, w->ncolumns,
	    w->ncolumns - mapped);
	tui_confirm_line(t, &y, _("Mapping"), v);
	free(v);
	const char *region = w->region ? w->region : w->schema->region;
	const char *from, *country;
	v = xasprintf(_("phone region %s · %s"), region && *region ? region : _("none"),
	    tui_wizard_date_order(w, &from, &country) == DATE_DMY ? _("dates day/month/year") :
								    _("dates month/day/year"));
	tui_confirm_line(t, &y, _("Reading"), v);
	free(v);
	v = w->nfixes ?
	    xasprintf(ngettext("%zu cell fixed by hand; the fix is recorded in the journal.",
			  "%zu cells fixed by hand; the fixes are recorded in the journal.",
			  w->nfixes),
		w->nfixes) :
	    xstrdup(_("none"));
	tui_confirm_line(t, &y, _("Fixes"), v);
	free(v);
	tui_confirm_line(t, &y, _("Duplicates"), tui_strategy_sentence(w->strategy));
	tui_confirm_line(t, &y, _("Key conflicts"), tui_key_conflict_sentence(w->on_key_conflict));
	char num[32];
	tui_text_thousands(num, sizeof num, w->batch_size);
	/* engine.h: the default size goes up to ENGINE_DEFAULT_GROUP batches
	 * to a transaction. */
	v = w->batch_size == ENGINE_DEFAULT_BATCH ?
	    xasprintf(_("%s rows per batch, up to %d batches per transaction"), num,
		ENGINE_DEFAULT_GROUP) :
	    xasprintf(_("%s rows per transaction"), num);
	tui_confirm_line(t, &y, _("Batch size"), v);
	free(v);
	if (w->max_errors.on) {
		v = w->max_errors.percent ?
		    xasprintf(
			_("stop once more than %llu%% of the rows written are rejected or failed"),
			(unsigned long long)w->max_errors.limit) :
		    xasprintf(_("stop once more than %llu rows are rejected or failed"),
			(unsigned long long)w->max_errors.limit);
		tui_confirm_line(t, &y, _("Error budget"), v);
		free(v);
	} else
		tui_confirm_line(t, &y, _("Error budget"),
		    _("none: the import goes on whatever is rejected (e sets one)."));
	tui_confirm_line(t, &y, _("Dry run"),
	    w->dry_run ? _("on: everything is checked and counted, nothing is kept.") :
			 _("off: the rows are written."));
	v = tui_notify_describe(&w->notify);
	tui_confirm_line(t, &y, _("Told"), v);
	free(v);
	struct tui_check *c = &w->check;
	if (c->finished && c->generation == w->generation) {
		char a[32], b[32], d[32];
		tui_text_thousands(a, sizeof a, c->result.total);
		/* The check rejects key conflicts whatever is chosen. */
		uint64_t rejected = c->result.counts.n[OUTCOME_REJECTED];
		if (w->on_key_conflict == KEY_CONFLICT_UPDATE)
			rejected -= c->result.key_conflicts;
		tui_text_thousands(b, sizeof b, rejected);
		tui_text_thousands(d, sizeof d, c->result.new_records);
		v = xasprintf(_("%s rows; %s would be rejected; %s new records."), a, b, d);
		if (c->result.values_dropped > 0) {
			char n[32];
			tui_text_thousands(n, sizeof n, c->result.values_dropped);
			char *more = xasprintf(ngettext("%s %s value would be left out.",
						   "%s %s values would be left out.",
						   c->result.values_dropped),
			    v, n);
			free(v);
			v = more;
		}
		tui_confirm_line(t, &y, _("Checked"), v);
		free(v);
	}
	/* A blank line before the last when there is room for it (above
	 * the footer): longer in some languages, the lines above wrap more. */
	if (y + 1 < LINES - 1)
		y++;
	if (y < LINES - 1)
		tui_put(stdscr, y, 2, COLS - 4,
		    w->dry_run ? _("Press Enter to start the dry run.") :
				 _("Press Enter to start the import."),
		    t->a.bold);
	tui_draw_footer(t, confirm_keys);
}

const struct screen_ops tui_confirm_ops = {
	.name = "confirm",
	.keys = confirm_keys,
	.init = tui_confirm_init,
	.key = tui_confirm_key,
	.draw = tui_confirm_draw,
};
