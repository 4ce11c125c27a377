/* Report: one import as the journal tells it — status, counts by outcome,
 * errors by type and by field, and the list of errors to browse (Tab
 * moves between the fields and the errors; Enter on a field shows only its
 * errors). x writes the XLSX report, s the rejected rows as CSV, each after
 * a path prompt (and a question before replacing a file). The journal is
 * read, and the reports written, on background threads. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "journal.h"
#include "report.h"
#include "store.h"
#include "summary.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

#define REPORT_MAX_ERRORS 20000

enum {
	REP_XLSX = TUI_ACT_SCREEN,
	REP_CSV,
	REP_PANE,
	REP_OPEN,
};

static const struct tui_key report_keys[] = {
	{ TUI_ENTER, REP_OPEN, N_("details"),
	    N_("On a field: show only its errors; on an error: show it whole.") },
	{ TUI_TAB, REP_PANE, N_("pane"), N_("Move between the fields and the errors.") },
	{ 'x', REP_XLSX, N_("export XLSX"), N_("Write the report as an XLSX workbook.") },
	{ 's', REP_CSV, N_("rejected CSV"),
	    N_("Write the rejected rows as CSV, ready to correct and import again.") },
	{ TUI_ESC, TUI_ACT_BACK, N_("home"), N_("Go back to the Home screen.") },
	TUI_KEYS_COMMON,
};

struct tui_report_load {
	char *db;
	int64_t id;
	json_t *summary;
	struct error_row *errors;
	size_t nerrors;
	char *error;
};

struct tui_report_export {
	char *db, *path;
	int64_t id;
	int xlsx;
	char *text;
	int failed;
};

struct tui_report_screen {
	struct tui *t;
	int64_t id;
	struct tui_task *load;
	json_t *summary;
	struct error_row *errors;
	size_t nerrors;
	char *load_error;
	/* Fields with errors, "(all)" first. */
	char **fields;
	long long *field_counts;
	size_t nfields;
	size_t *shown; /* indexes of the errors shown */
	size_t nshown;
	struct tui_list field_list;
	struct tui_list error_list;
	int pane; /* 0 errors, 1 fields */
	struct tui_task *export;
	int export_xlsx;
	int list_y;
};

static void *
tui_report_load_task(struct tui_task *task)
{
	struct tui_report_load *l = task->arg;
	char *cause = NULL;
	if (!store_target_exists(l->db)) {
		char *db = store_target_shown(l->db);
		l->error = xasprintf(_("There is no database %s."), db);
		free(db);
		return l;
	}
	struct store *st = store_open(l->db, &cause);
	if (st == NULL) {
		l->error = cause;
		return l;
	}
	struct journal *j = journal_open(st);
	l->summary = summary_from_journal(j, l->id, l->db);
	if (l->summary == NULL) {
		char *db = store_target_shown(l->db);
		l->error = xasprintf(_("There is no import %lld in %s."), (long long)l->id, db);
		free(db);
	} else
		journal_errors(j, l->id, REPORT_MAX_ERRORS, &l->errors, &l->nerrors);
	journal_close(j);
	store_close(st);
	return l;
}

static void *
tui_report_export_task(struct tui_task *task)
{
	struct tui_report_export *x = task->arg;
	struct report_stats stats;
	memset(&stats, 0, sizeof stats);
	char *cause = NULL;
	int rc = x->xlsx ? report_write_xlsx(x->db, x->id, x->path, &stats, &cause) :
			   report_write_csv_rejects(x->db, x->id, x->path, &stats, &cause);
	if (rc != 0) {
		x->failed = 1;
		x->text = cause;
	} else if (x->xlsx)
		x->text = xasprintf(_("Wrote %s: the summary, %llu errors and %llu rejected rows."),
		    x->path, (unsigned long long)stats.errors,
		    (unsigned long long)stats.rejected_rows);
	else
		x->text = xasprintf(
		    ngettext("Wrote %s: %llu rejected row, ready to correct and import again.",
			"Wrote %s: %llu rejected rows, ready to correct and import again.",
			stats.rejected_rows),
		    x->path, (unsigned long long)stats.rejected_rows);
	return x;
}

static void
tui_report_filter(struct tui_report_screen *r)
{
	const char *want = r->field_list.sel > 0 && r->field_list.sel < r->nfields ?
	    r->fields[r->field_list.sel] :
	    NULL;
	free(r->shown);
	size_t n = r->nerrors;
	r->shown = xcalloc(n ? n : 1, sizeof *r->shown);
	r->nshown = 0;
	for (size_t i = 0; i < n; i++) {
		const char *f = r->errors[i].field;
		if (want == NULL || !strcmp(want, f ? f : "(row)"))
			r->shown[r->nshown++] = i;
	}
	r->error_list.sel = r->error_list.top = 0;
	tui_list_set(&r->error_list, r->nshown);
}

static void
tui_report_take(struct tui_report_screen *r, struct tui_report_load *l)
{
	r->summary = l->summary;
	r->errors = l->errors;
	r->nerrors = l->nerrors;
	r->load_error = l->error;
	json_t *by_field = json_object_get(r->summary, "errors_by_field");
	r->nfields = json_object_size(by_field) + 1;
	r->fields = xcalloc(r->nfields, sizeof *r->fields);
	r->field_counts = xcalloc(r->nfields, sizeof *r->field_counts);
	r->fields[0] = xstrdup(_("(all fields)"));
	size_t i = 1;
	const char *key;
	json_t *v;
	json_object_foreach(by_field, key, v)
	{
		r->fields[i] = xstrdup(key);
		r->field_counts[i] = (long long)json_integer_value(v);
		r->field_counts[0] += r->field_counts[i];
		i++;
	}
	tui_list_set(&r->field_list, r->nfields);
	tui_report_filter(r);
	free(l->db);
	free(l);
}

static void
tui_report_field_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct tui_report_screen *r = ctx;
	struct tui *t = r->t;
	attr_t a = selected && r->pane == 1 ? t->a.sel : selected ? A_BOLD : A_NORMAL;
	char num[32];
	tui_text_thousands(num, sizeof num, (unsigned long long)r->field_counts[i]);
	tui_put(w, y, x, width - 8, r->fields[i], a);
	tui_put_right(w, y, x + width - 8, 8, num, a);
}

static void
tui_report_error_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct tui_report_screen *r = ctx;
	struct tui *t = r->t;
	const struct error_row *e = &r->errors[r->shown[i]];
	attr_t a = selected && r->pane == 0 ? t->a.sel : A_NORMAL;
	char row[32];
	snprintf(row, sizeof row, "%lld", (long long)e->row_no);
	const char *field = e->field;
	const char *value = e->value;
	tui_put_right(w, y, x, 7, row, a);
	tui_put(w, y, x + 7, 1, "", a);
	tui_put(w, y, x + 8, 12, field ? field : _("(row)"), a);
	int vw = width > 70 ? 20 : 14;
	char *val = value ? xasprintf("\"%s\"", value) : xstrdup("");
	tui_put(w, y, x + 20, vw, val, selected && r->pane == 0 ? a : t->a.bold);
	free(val);
	tui_put(w, y, x + 20 + vw, 1, "", a);
	/* A value left out of a row that was kept says so first. */
	char *msg = e->dropped ? xasprintf(_("value dropped: %s"), e->message) : NULL;
	tui_put(w, y, x + 21 + vw, width - 21 - vw, msg ? msg : e->message, a);
	free(msg);
}

static char *
tui_report_error_text(void *ctx, size_t i)
{
	struct tui_report_screen *r = ctx;
	const struct error_row *e = &r->errors[r->shown[i]];
	return xasprintf("%lld %s %s %s", (long long)e->row_no, e->field ?: "", e->value ?: "",
	    e->message ?: "");
}

static void
tui_report_init(struct screen *s, void *arg)
{
	struct tui_report_screen *r = xcalloc(1, sizeof *r);
	s->data = r;
	r->t = s->tui;
	r->id = (int64_t)(intptr_t)arg;
	r->field_list.ctx = r;
	r->field_list.draw_row = tui_report_field_row;
	r->error_list.ctx = r;
	r->error_list.draw_row = tui_report_error_row;
	r->error_list.row_text = tui_report_error_text;
	struct tui_report_load *l = xcalloc(1, sizeof *l);
	l->db = xstrdup(s->tui->w.db);
	l->id = r->id;
	r->load = tui_task_start(tui_report_load_task, l);
}

static void
tui_report_export_free(struct tui_report_export *x)
{
	free(x->db);
	free(x->path);
	free(x->text);
	free(x);
}

static void
tui_report_free(struct screen *s)
{
	struct tui_report_screen *r = s->data;
	if (r->load) {
		struct tui_report_load *l = tui_task_finish(r->load);
		json_decref(l->summary);
		journal_errors_free(l->errors, l->nerrors);
		free(l->error);
		free(l->db);
		free(l);
	}
	if (r->export)
		tui_report_export_free(tui_task_finish(r->export));
	json_decref(r->summary);
	journal_errors_free(r->errors, r->nerrors);
	free(r->load_error);
	for (size_t i = 0; i < r->nfields; i++)
		free(r->fields[i]);
	free(r->fields);
	free(r->field_counts);
	free(r->shown);
	free(r);
}

static void
tui_report_resize(struct screen *s)
{
	struct tui_report_screen *r = s->data;
	r->field_list.full = r->error_list.full = 1;
}

static void
tui_report_start_export(struct tui_report_screen *r, const char *path)
{
	struct tui_report_export *x = xcalloc(1, sizeof *x);
	x->db = xstrdup(r->t->w.db);
	x->path = xstrdup(path);
	x->id = r->id;
	x->xlsx = r->export_xlsx;
	r->export = tui_task_start(tui_report_export_task, x);
	tui_message(r->t, 0, _("Writing %s…"), path);
}

static char *tui_report_pending_path;

static void
tui_report_overwrite_answer(struct tui *t, void *ctx, int choice)
{
	(void)t;
	if (choice == 0 && tui_report_pending_path)
		tui_report_start_export(ctx, tui_report_pending_path);
	free(tui_report_pending_path);
	tui_report_pending_path = NULL;
}

static void
tui_report_path_done(struct tui *t, void *ctx, const char *value)
{
	struct tui_report_screen *r = ctx;
	if (value == NULL || *value == '\0')
		return;
	/* The database (and, once the journal says it, the imported file) is
	 * never replaced: no question is asked about it. */
	char *cause = NULL;
	const char *source = json_string_value(json_object_get(r->summary, "file"));
	if (report_check_path(value, r->t->w.db, source, &cause) != 0) {
		char *shown = tui_text_clean(cause);
		tui_message(t, 1, "%s", shown);
		free(shown);
		free(cause);
		return;
	}
	if (report_path_exists(value)) {
		static struct tui_choice choices[2];
		choices[0] = (struct tui_choice){ 'y', _("Replace it") };
		choices[1] = (struct tui_choice){ TUI_ESC, _("Keep it (nothing is written)") };
		free(tui_report_pending_path);
		tui_report_pending_path = xstrdup(value);
		char *text = xasprintf(_("The file %s exists. Replace it?"), value);
		tui_ask(t, _("Replace the file?"), text, choices, 2, tui_report_overwrite_answer, r);
		free(text);
		return;
	}
	tui_report_start_export(r, value);
}

static int
tui_report_key(struct screen *s, int action, int key)
{
	struct tui_report_screen *r = s->data;
	struct tui *t = s->tui;
	struct tui_list *l = r->pane == 1 ? &r->field_list : &r->error_list;
	int m = tui_list_key(l, key);
	if (m)
		return m;
	switch (action) {
	case REP_PANE:
		r->pane = !r->pane;
		r->field_list.full = r->error_list.full = 1;
		return TUI_HANDLED | TUI_REDRAW;
	case REP_OPEN:
		if (r->summary == NULL)
			return TUI_HANDLED;
		if (r->pane == 1) {
			tui_report_filter(r);
			r->pane = 0;
			return TUI_HANDLED | TUI_REDRAW;
		}
		if (r->nshown > 0) {
			const struct error_row *e = &r->errors[r->shown[r->error_list.sel]];
			const char *value = e->value;
			char *text =
			    xasprintf(_("Row %lld (line %lld), field %s, %s error: %s Value: \"%s\""),
				(long long)e->row_no, (long long)e->line_no,
				e->field ?: _("(the whole row)"), record_error_type_name(e->type),
				e->message ?: "", value ? value : "");
			tui_tell(t, _("Error"), text);
			free(text);
		}
		return TUI_HANDLED | TUI_REDRAW;
	case REP_XLSX:
	case REP_CSV: {
		if (r->summary == NULL)
			return TUI_HANDLED;
		if (r->export) {
			tui_message(t, 0, _("A report is being written; a moment."));
			return TUI_HANDLED | TUI_REDRAW;
		}
		r->export_xlsx = action == REP_XLSX;
		char *def = r->export_xlsx ?
		    xasprintf("%s/sluice-import-%lld.xlsx", t->start_dir, (long long)r->id) :
		    xasprintf("%s/sluice-import-%lld-rejected.csv", t->start_dir, (long long)r->id);
		tui_prompt_path(t,
		    r->export_xlsx ? _("Export the XLSX report") : _("Export the rejected rows"),
		    _("Write to this file:"), def, tui_report_path_done, r);
		free(def);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case TUI_ACT_SEARCH_NEXT:
		r->pane = 0;
		if (t->last_search && !tui_list_search(&r->error_list, t->last_search))
			tui_message(t, 1, _("No error matches \"%s\"."), t->last_search);
		return TUI_HANDLED | TUI_REDRAW;
	case TUI_ACT_BACK: tui_pop_to(t, &tui_home_ops); return TUI_HANDLED | TUI_NEXT;
	}
	return 0;
}

static int
tui_report_update(struct screen *s)
{
	struct tui_report_screen *r = s->data;
	int res = 0;
	if (r->load && tui_task_done(r->load)) {
		tui_report_take(r, tui_task_finish(r->load));
		r->load = NULL;
		res |= TUI_REDRAW;
	}
	if (r->export && tui_task_done(r->export)) {
		struct tui_report_export *x = tui_task_finish(r->export);
		r->export = NULL;
		tui_message(r->t, x->failed, "%s", x->text ? x->text : "");
		tui_report_export_free(x);
		res |= TUI_REDRAW;
	}
	return res;
}

static long long
tui_report_int(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void
tui_report_draw(struct screen *s, int full)
{
	struct tui_report_screen *r = s->data;
	struct tui *t = s->tui;
	if (full) {
		char *title = xasprintf(_("Report of import %lld"), (long long)r->id);
		char *db = store_target_shown(t->w.db);
		tui_draw_title(t, title, db);
		free(db);
		free(title);
		tui_draw_footer(t, report_keys);
	}
	int y = 2 + (t->message ? 1 : 0);
	if (r->load) {
		tui_put(stdscr, y, 1, COLS - 2, _("Reading the journal…"), A_NORMAL);
		return;
	}
	if (r->summary == NULL) {
		tui_put_wrapped(stdscr, y, 1, COLS - 2, 4, r->load_error ? r->load_error : "?",
		    t->a.fail);
		return;
	}
	json_t *sm = r->summary;
	if (full) {
		const char *status = json_string_value(json_object_get(sm, "status"));
		char *line =
		    xasprintf(_("%s%s: %s"), json_string_value(json_object_get(sm, "file")) ?: "",
			json_is_true(json_object_get(sm, "dry_run")) ? _(" (dry run)") : "",
			status ? summary_status_text(status) : "?");
		tui_put(stdscr, y++, 1, COLS - 2, line, t->a.bold);
		free(line);
		line = xasprintf(_("%s; schema %s, table %s; strategy %s; batches of %lld rows."),
		    json_string_value(json_object_get(sm, "source")) ?: "",
		    json_string_value(json_object_get(sm, "schema")) ?: "",
		    json_string_value(json_object_get(sm, "table")) ?: "",
		    json_string_value(json_object_get(sm, "strategy")) ?: "",
		    tui_report_int(sm, "batch_size"));
		tui_put(stdscr, y++, 1, COLS - 2, line, A_NORMAL);
		free(line);
		static const char *const keys[] = { "total", "created", "updated", "merged",
			"unchanged", "skipped", "rejected", "failed", "not_processed" };
		static const char *const names[] = { N_("rows"), N_("created"), N_("updated"),
			N_("merged"), N_("unchanged"), N_("skipped"), N_("rejected"), N_("failed"),
			N_("not processed") };
		int cw = (COLS - 2) / 3 > 30 ? 30 : (COLS - 2) / 3;
		for (int k = 0; k < 9; k++) {
			char num[32];
			tui_text_thousands(num, sizeof num,
			    (unsigned long long)tui_report_int(sm, keys[k]));
			int row = y + k / 3, col = 1 + (k % 3) * cw;
			tui_put(stdscr, row, col, cw - 12, _(names[k]), A_NORMAL);
			tui_put_right(stdscr, row, col + cw - 12, 10, num,
			    (k == 6 || k == 7) && tui_report_int(sm, keys[k]) ? t->a.warn : A_BOLD);
		}
		y += 4;
		/* Errors by type, one line. */
		json_t *bt = json_object_get(sm, "errors_by_type");
		char by[256] = "";
		const char *key;
		json_t *v;
		json_object_foreach(bt, key, v)
		{
			char part[64];
			snprintf(part, sizeof part, "%s%s %lld", *by ? ", " : "", key,
			    (long long)json_integer_value(v));
			strncat(by, part, sizeof by - strlen(by) - 1);
		}
		line = xasprintf(_("Errors by type: %s"), *by ? by : _("none"));
		long long dropped = tui_report_int(sm, "values_dropped");
		if (dropped > 0) {
			char *more =
			    xasprintf(ngettext("%s; %lld value dropped from rows that were kept",
					  "%s; %lld values dropped from rows that were kept",
					  (unsigned long)dropped),
				line, dropped);
			free(line);
			line = more;
		}
		tui_put(stdscr, y++, 1, COLS - 2, line, A_NORMAL);
		free(line);
		const char *last = json_string_value(json_object_get(sm, "last_error"));
		if (last) {
			tui_put(stdscr, y++, 1, COLS - 2, last, t->a.fail);
		}
		y++;
		tui_put(stdscr, y, 1, 24, _("Errors by field"), r->pane == 1 ? t->a.sel : t->a.bold);
		char *head = xasprintf(_("Errors (%zu shown)"), r->nshown);
		tui_put(stdscr, y, 27, COLS - 28, head, r->pane == 0 ? t->a.sel : t->a.bold);
		free(head);
		r->list_y = y + 1;
	}
	y = r->list_y;
	int h = LINES - y - 1;
	r->field_list.height = h;
	r->error_list.height = h;
	tui_list_draw(t, &r->field_list, y, 1, 24, full);
	if (r->nshown == 0 && full)
		tui_put(stdscr, y, 28, COLS - 29, _("No errors."), A_NORMAL);
	tui_list_draw(t, &r->error_list, y, 27, COLS - 28, full);
}

const struct screen_ops tui_report_ops = {
	.name = "report",
	.keys = report_keys,
	.init = tui_report_init,
	.free = tui_report_free,
	.resize = tui_report_resize,
	.key = tui_report_key,
	.update = tui_report_update,
	.draw = tui_report_draw,
};
