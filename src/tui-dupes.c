/* Duplicates: what the dry run found — rows that are new, that match a
 * stored record, that repeat an earlier row of the file, that match two
 * records, or that have a key conflict (rejected, or written with k) — the
 * three strategies with a sentence each, and for a few key conflicts and
 * matched records what update and what merge would change, field by field
 * (before → after). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

enum {
	DUP_GO = TUI_ACT_SCREEN,
	DUP_PANE,
	DUP_KEYS,
};

static const struct tui_key dupes_keys[] = {
	{ TUI_ENTER, DUP_GO, N_("continue"),
	    N_("Use the selected strategy and go on to the confirmation.") },
	/* c goes on from every step too, as on Mapping and Preview. */
	{ 'c', DUP_GO, NULL, N_("Go on to the confirmation with the strategy selected.") },
	{ TUI_TAB, DUP_PANE, N_("pane"), N_("Move between the strategies and the examples.") },
	{ 'k', DUP_KEYS, N_("key conflicts"),
	    N_("Reject the rows with a key conflict, or write them as matches (update then replaces the stored key).") },
	{ TUI_ESC, TUI_ACT_BACK, N_("back"), N_("Go back to the preview.") },
	TUI_KEYS_COMMON,
};

static const enum strategy tui_dupes_order[3] = { STRATEGY_UPDATE, STRATEGY_MERGE, STRATEGY_SKIP };

/* One line of the examples: a record's heading or one field's change. */
struct tui_dupes_line {
	int heading;
	const char *key; /* a key conflict's heading: the key that differs */
	long long row, record;
	int from_file; /* the record comes from an earlier row of the file */
	const char *field, *stored, *update, *merge; /* borrowed from the result */
};

struct dupes {
	struct tui *t;
	struct tui_list strategies;
	struct tui_list examples;
	struct tui_dupes_line *lines;
	size_t nlines;
	int pane;
	int checking;
	int list_y;
};

static void
tui_dupes_strategy_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct dupes *d = ctx;
	struct tui *t = d->t;
	attr_t a = selected && d->pane == 0 ? t->a.sel : selected ? A_BOLD : A_NORMAL;
	const char *mark = tui_dupes_order[i] == t->w.strategy ? "(*)" : "( )";
	tui_put(w, y, x, 4, mark, a);
	tui_put(w, y, x + 4, width - 4, tui_strategy_sentence(tui_dupes_order[i]), a);
}

static void
tui_dupes_example_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct dupes *d = ctx;
	struct tui *t = d->t;
	struct tui_dupes_line *l = &d->lines[i];
	attr_t a = selected && d->pane == 1 ? t->a.sel : A_NORMAL;
	if (l->heading) {
		char *s = l->key ?
		    xasprintf(_("Row %lld has another %s than record %lld (a key conflict):"),
			l->row, l->key, l->record) :
		    l->from_file ?
		    xasprintf(_("Row %lld repeats an earlier row of this file:"), l->row) :
		    xasprintf(_("Row %lld matches stored record %lld:"), l->row, l->record);
		tui_put(w, y, x, width, s, a | A_BOLD);
		free(s);
		return;
	}
	int fw = 14, vw = (width - fw - 2) / 3;
	const char *arrow = strcmp(tui_text_ellipsis(), "~") ? " \xe2\x86\x92 " : " -> ";
	tui_put(w, y, x, fw, l->field, a);
	tui_put(w, y, x + fw, vw, l->stored ? l->stored : _("(empty)"), a);
	char *u = xasprintf("%s%s", arrow, l->update ? l->update : _("(empty)"));
	char *m = xasprintf("%s%s", arrow, l->merge ? l->merge : _("(empty)"));
	int same_u = (l->update == NULL && l->stored == NULL) ||
	    (l->update && l->stored && !strcmp(l->update, l->stored));
	int same_m = (l->merge == NULL && l->stored == NULL) ||
	    (l->merge && l->stored && !strcmp(l->merge, l->stored));
	tui_put(w, y, x + fw + vw + 1, vw, u,
	    same_u ? (selected && d->pane == 1 ? a : t->a.dim) : a | A_BOLD);
	tui_put(w, y, x + fw + 2 * vw + 2, vw, m,
	    same_m ? (selected && d->pane == 1 ? a : t->a.dim) : a | A_BOLD);
	free(u);
	free(m);
}

/* The example lines of samples[0..n): a heading, then one per field. */
static void
tui_dupes_add(struct dupes *d, const struct match_sample *samples, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct match_sample *sm = &samples[i];
		d->lines = xreallocarray(d->lines, d->nlines + 1 + sm->nchanges, sizeof *d->lines);
		d->lines[d->nlines++] = (struct tui_dupes_line){
			.heading = 1,
			.key = sm->key,
			.row = (long long)sm->row,
			.record = (long long)sm->record_id,
			.from_file = sm->from_file,
		};
		for (size_t k = 0; k < sm->nchanges; k++)
			d->lines[d->nlines++] = (struct tui_dupes_line){
				.field = sm->changes[k].field,
				.stored = sm->changes[k].stored,
				.update = sm->changes[k].update,
				.merge = sm->changes[k].merge,
			};
	}
}

static void
tui_dupes_build(struct dupes *d)
{
	free(d->lines);
	d->lines = NULL;
	d->nlines = 0;
	const struct engine_result *res = &d->t->w.check.result;
	tui_dupes_add(d, res->conflict_samples, res->nconflict_samples);
	tui_dupes_add(d, res->match_samples, res->nmatch_samples);
	tui_list_set(&d->examples, d->nlines);
}

static void
tui_dupes_init(struct screen *s, void *arg)
{
	(void)arg;
	struct dupes *d = xcalloc(1, sizeof *d);
	s->data = d;
	d->t = s->tui;
	d->strategies.ctx = d;
	d->strategies.draw_row = tui_dupes_strategy_row;
	d->strategies.height = 3;
	tui_list_set(&d->strategies, 3);
	for (size_t i = 0; i < 3; i++)
		if (tui_dupes_order[i] == s->tui->w.strategy)
			tui_list_select(&d->strategies, i);
	d->examples.ctx = d;
	d->examples.draw_row = tui_dupes_example_row;
	tui_check_ensure(s->tui);
	d->checking = 1;
}

static void
tui_dupes_free(struct screen *s)
{
	struct dupes *d = s->data;
	free(d->lines);
	free(d);
}

static void
tui_dupes_resize(struct screen *s)
{
	struct dupes *d = s->data;
	d->strategies.full = d->examples.full = 1;
	tui_check_ensure(s->tui);
	d->checking = 1;
}

static int
tui_dupes_key(struct screen *s, int action, int key)
{
	struct dupes *d = s->data;
	struct tui *t = s->tui;
	struct tui_list *l = d->pane == 0 ? &d->strategies : &d->examples;
	int r = tui_list_key(l, key);
	if (r) {
		if (d->pane == 0) {
			t->w.strategy = tui_dupes_order[d->strategies.sel];
			d->strategies.full = 1;
		}
		return r;
	}
	switch (action) {
	case DUP_PANE:
		d->pane = !d->pane;
		d->strategies.full = d->examples.full = 1;
		return TUI_HANDLED | TUI_DIRTY;
	case DUP_KEYS:
		t->w.on_key_conflict = t->w.on_key_conflict == KEY_CONFLICT_REJECT ?
		    KEY_CONFLICT_UPDATE :
		    KEY_CONFLICT_REJECT;
		return TUI_HANDLED | TUI_REDRAW;
	case DUP_GO:
		if (d->pane == 0)
			t->w.strategy = tui_dupes_order[d->strategies.sel];
		tui_push(t, &tui_confirm_ops, NULL);
		return TUI_HANDLED | TUI_NEXT;
	}
	return 0;
}

static int
tui_dupes_update(struct screen *s)
{
	struct dupes *d = s->data;
	if (!d->checking)
		return 0;
	if (tui_check_poll(s->tui))
		return TUI_DIRTY;
	d->checking = 0;
	tui_dupes_build(d);
	return TUI_REDRAW;
}

static void
tui_dupes_count(struct tui *t, int y, const char *label, uint64_t n, attr_t a)
{
	char num[32];
	tui_text_thousands(num, sizeof num, n);
	tui_put_right(stdscr, y, 2, 10, num, a);
	tui_put(stdscr, y, 13, COLS - 15, label, A_NORMAL);
	(void)t;
}

static void
tui_dupes_draw(struct screen *s, int full)
{
	struct dupes *d = s->data;
	struct tui *t = s->tui;
	struct tui_check *c = &t->w.check;
	int y = 2 + (t->message ? 1 : 0);
	if (full) {
		tui_draw_title(t, _("Duplicates"), t->w.file);
		tui_draw_footer(t, dupes_keys);
	}
	if (d->checking) {
		tui_put(stdscr, y, 1, COLS - 2,
		    _("Checking the file against the records stored in the database (a dry run)…"),
		    A_NORMAL);
		tui_draw_bar(t, y + 1, 1, COLS - 2, c->snap.percent / 100.0);
		return;
	}
	if (c->failed) {
		tui_put_wrapped(stdscr, y, 1, COLS - 2, 6, c->cause ? c->cause : "?", t->a.fail);
		return;
	}
	const struct engine_result *res = &c->result;
	if (full) {
		tui_put(stdscr, y++, 1, COLS - 2, _("How the rows meet the records stored"),
		    t->a.bold);
		tui_dupes_count(t, y++,
		    ngettext("row is a new record", "rows are new records", res->new_records),
		    res->new_records, A_BOLD);
		tui_dupes_count(t, y++,
		    ngettext("row matches a record stored before",
			"rows match a record stored before", res->matched_stored),
		    res->matched_stored, A_BOLD);
		tui_dupes_count(t, y++,
		    ngettext("row repeats an earlier row of this file",
			"rows repeat an earlier row of this file", res->matched_file),
		    res->matched_file, A_BOLD);
		tui_dupes_count(t, y++,
		    ngettext("row matches two different records: it is rejected, not guessed at",
			"rows match two different records: they are rejected, not guessed at",
			res->ambiguous),
		    res->ambiguous, res->ambiguous ? t->a.warn : A_BOLD);
		tui_dupes_count(t, y++,
		    t->w.on_key_conflict == KEY_CONFLICT_REJECT ?
			ngettext("row has a key conflict: rejected (k: write it as a match)",
			    "rows have a key conflict: rejected (k: write them as matches)",
			    res->key_conflicts) :
			ngettext("row has a key conflict: written as a match (k: reject it)",
			    "rows have a key conflict: written as matches (k: reject them)",
			    res->key_conflicts),
		    res->key_conflicts, res->key_conflicts ? t->a.warn : A_BOLD);
		tui_put(stdscr, y++, 1, COLS - 2,
		    _("What to do with a row that matches (Enter uses the selected one)"), t->a.bold);
		d->strategies.height = 3;
		tui_list_draw(t, &d->strategies, y, 1, COLS - 2, 1);
		y += 4;
		if (d->nlines == 0)
			tui_put(stdscr, y, 1, COLS - 2,
			    _("No matched record would change under update or merge."), t->a.bold);
		else {
			tui_put(stdscr, y++, 1, COLS - 2,
			    _("What update and merge would change in a few matched records"),
			    t->a.bold);
			int fw = 14, vw = (COLS - 2 - fw - 2) / 3;
			tui_put(stdscr, y, 1, fw, _("Field"), t->a.dim);
			tui_put(stdscr, y, 1 + fw, vw, _("Stored"), t->a.dim);
			tui_put(stdscr, y, 1 + fw + vw + 1, vw, _("With update"), t->a.dim);
			tui_put(stdscr, y, 1 + fw + 2 * vw + 2, vw, _("With merge"), t->a.dim);
			y++;
		}
		d->list_y = y;
	} else {
		int sy = d->list_y - (d->nlines ? 2 : 0) - 4;
		tui_list_draw(t, &d->strategies, sy, 1, COLS - 2, 0);
	}
	if (d->nlines) {
		d->examples.height = LINES - 1 - d->list_y;
		tui_list_draw(t, &d->examples, d->list_y, 1, COLS - 2, full);
	}
}

const struct screen_ops tui_dupes_ops = {
	.name = "duplicates",
	.keys = dupes_keys,
	.init = tui_dupes_init,
	.free = tui_dupes_free,
	.resize = tui_dupes_resize,
	.key = tui_dupes_key,
	.update = tui_dupes_update,
	.draw = tui_dupes_draw,
};
