/* Mapping: one line per source column — its header, three sample values,
 * the schema field it feeds and how sure the suggestion is. Enter
 * goes on to the preview, as it goes on from every step; Space picks
 * the field from a list (a field another column feeds is swapped, or that
 * column left out once the person says so); the fields still needed are
 * listed at the top. Going on remembers the mapping for the next file with
 * this header. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

enum {
	MAP_CHANGE = TUI_ACT_SCREEN,
	MAP_CLEAR,
	MAP_GO,
	MAP_SCHEMA,
};

/* Enter goes on, as on every step of the walk; Space acts on the line. */
static const struct tui_key mapping_keys[] = {
	{ TUI_ENTER, MAP_GO, N_("continue"),
	    N_("Go on to the preview (every required field needs a column).") },
	{ ' ', MAP_CHANGE, N_("field"), N_("Choose the field the selected column goes to.") },
	{ '-', MAP_CLEAR, N_("leave out"), N_("Leave the selected column out of the import.") },
	{ 'c', MAP_GO, NULL, N_("Go on to the preview, as Enter does.") },
	{ 't', MAP_SCHEMA, N_("target"), N_("Choose the target schema (contacts, products, …).") },
	{ TUI_ESC, TUI_ACT_BACK, N_("back"), N_("Go back to the file.") },
	TUI_KEYS_COMMON,
};

struct tui_mapping_screen {
	struct tui *t;
	struct tui_list list;
	char **field_items; /* for the picker: "(leave out)" then the fields */
	size_t nitems;
	char **schemas;
	int list_y;  /* where the list starts, set by a full draw */
	int pending; /* the field picked while the question is asked */
};

struct tui_mapping_cols {
	int header, samples, field, sure;
};

static struct tui_mapping_cols
tui_mapping_layout(int width)
{
	struct tui_mapping_cols c;
	c.sure = 11;
	c.field = 16;
	c.header = (width - c.sure - c.field - 3) * 2 / 5;
	if (c.header > 28)
		c.header = 28;
	c.samples = width - c.header - c.field - c.sure - 3;
	return c;
}

static const char *
tui_mapping_sure_label(enum mapping_source s)
{
	switch (s) {
	case MAPPING_SYNONYM: return _("certain");
	case MAPPING_LIKELY: return _("likely");
	case MAPPING_REMEMBERED: return _("remembered");
	case MAPPING_OPTION:
	case MAPPING_WIZARD: return _("your choice");
	default: return "";
	}
}

static void
tui_mapping_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct tui_mapping_screen *m = ctx;
	struct tui *t = m->t;
	struct tui_wizard *wz = &t->w;
	struct tui_mapping_cols c = tui_mapping_layout(width);
	attr_t a = selected ? t->a.sel : A_NORMAL;
	tui_put(w, y, x, c.header, wz->headers[i], a | A_BOLD);
	x += c.header + 1;
	/* Three samples, each in a third of the column. */
	int sw = (c.samples - 2) / 3;
	for (int k = 0; k < 3; k++) {
		const char *v = wz->samples[i * 3 + (size_t)k];
		tui_put(w, y, x + k * (sw + 1), sw, v ? v : "", selected ? a : t->a.dim);
		if (k < 2)
			tui_put(w, y, x + k * (sw + 1) + sw, 1, "", a);
	}
	tui_put(w, y, x + 3 * sw + 2, c.samples - 3 * sw - 2, "", a);
	x += c.samples + 1;
	int f = wz->mapping->field[i];
	if (f >= 0)
		tui_put(w, y, x, c.field, wz->schema->fields[f].name, a);
	else
		tui_put(w, y, x, c.field, _("(left out)"), selected ? a : t->a.dim);
	x += c.field + 1;
	enum mapping_source src = wz->mapping->source[i];
	tui_put(w, y, x, c.sure, tui_mapping_sure_label(src),
	    !selected && src == MAPPING_LIKELY ? t->a.warn : a);
}

static char *
tui_mapping_row_text(void *ctx, size_t i)
{
	struct tui_mapping_screen *m = ctx;
	struct tui_wizard *wz = &m->t->w;
	int f = wz->mapping->field[i];
	return xasprintf("%s %s", wz->headers[i], f >= 0 ? wz->schema->fields[f].name : "");
}

static void
tui_mapping_items(struct tui_mapping_screen *m)
{
	struct tui_wizard *wz = &m->t->w;
	for (size_t i = 0; i < m->nitems; i++)
		free(m->field_items[i]);
	free(m->field_items);
	m->nitems = wz->schema ? wz->schema->nfields + 1 : 1;
	m->field_items = xcalloc(m->nitems, sizeof *m->field_items);
	m->field_items[0] = xstrdup(_("(leave this column out)"));
	for (size_t f = 0; wz->schema && f < wz->schema->nfields; f++) {
		const struct field *fd = &wz->schema->fields[f];
		m->field_items[f + 1] = xasprintf("%-14s %s, %s%s%s", fd->name, fd->label,
		    schema_type_name(fd->type), fd->required ? _(", required") : "",
		    schema_is_match_key(wz->schema, f) ? _(", match key") : "");
	}
}

static void
tui_mapping_init(struct screen *s, void *arg)
{
	(void)arg;
	struct tui_mapping_screen *m = xcalloc(1, sizeof *m);
	s->data = m;
	m->t = s->tui;
	m->list.ctx = m;
	m->list.draw_row = tui_mapping_row;
	m->list.row_text = tui_mapping_row_text;
	tui_list_set(&m->list, s->tui->w.ncolumns);
	tui_mapping_items(m);
	if (s->tui->w.remembered)
		tui_message(s->tui, 0,
		    _("This header was seen before: the mapping chosen then is applied."));
}

static void
tui_mapping_free_screen(struct screen *s)
{
	struct tui_mapping_screen *m = s->data;
	for (size_t i = 0; i < m->nitems; i++)
		free(m->field_items[i]);
	free(m->field_items);
	schema_strings_free(m->schemas);
	free(m);
}

static void
tui_mapping_resize(struct screen *s)
{
	struct tui_mapping_screen *m = s->data;
	m->list.full = 1;
}

static void
tui_mapping_taken(struct tui *t, void *ctx, int choice)
{
	struct tui_mapping_screen *m = ctx;
	if (choice == 0)
		tui_wizard_map(&t->w, m->list.sel, m->pending);
	m->list.full = 1;
}

static void
tui_mapping_picked(struct tui *t, void *ctx, int index)
{
	struct tui_mapping_screen *m = ctx;
	struct tui_wizard *wz = &t->w;
	if (index < 0)
		return;
	size_t c = m->list.sel;
	int f = index - 1, other = mapping_holder(wz->mapping, f, c);
	m->list.full = 1;
	if (other < 0 || wz->mapping->field[c] >= 0) {
		/* Free, or swapped: the other column takes this one's field. */
		if (other >= 0)
			tui_message(t, 0, _("Swapped: %s now feeds %s, and %s feeds %s."),
			    wz->headers[c], wz->schema->fields[f].name, wz->headers[other],
			    wz->schema->fields[wz->mapping->field[c]].name);
		tui_wizard_map(wz, c, f);
		return;
	}
	/* This column had no field to give in exchange: ask. */
	m->pending = f;
	static struct tui_choice choices[2];
	choices[0] = (struct tui_choice){ 'y', _("Yes, leave the other column out") };
	choices[1] = (struct tui_choice){ TUI_ESC, _("No, keep it as it is") };
	char *text = xasprintf(
	    _("The column %s already feeds the field %s. Give the field to %s and leave %s out of the import?"),
	    wz->headers[other], wz->schema->fields[f].name, wz->headers[c], wz->headers[other]);
	tui_ask(t, _("Field already mapped"), text, choices, 2, tui_mapping_taken, m);
	free(text);
}

static void
tui_mapping_schema_picked(struct tui *t, void *ctx, int index)
{
	struct tui_mapping_screen *m = ctx;
	if (index < 0 || m->schemas == NULL)
		return;
	tui_wizard_schema(&t->w, m->schemas[index]);
	if (t->w.schema == NULL) {
		tui_message(t, 1, _("The schema %s cannot be read."), m->schemas[index]);
		tui_wizard_schema(&t->w, "contacts");
	}
	tui_mapping_items(m);
	m->list.full = 1;
}

static int
tui_mapping_key(struct screen *s, int action, int key)
{
	struct tui_mapping_screen *m = s->data;
	struct tui *t = s->tui;
	struct tui_wizard *wz = &t->w;
	int r = tui_list_key(&m->list, key);
	if (r)
		return r;
	switch (action) {
	case MAP_CHANGE: {
		int f = wz->mapping->field[m->list.sel];
		char *title = xasprintf(_("Field for column %s"), wz->headers[m->list.sel]);
		tui_pick(t, title, (const char *const *)m->field_items, m->nitems, (size_t)(f + 1),
		    tui_mapping_picked, m);
		free(title);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case MAP_CLEAR:
		tui_wizard_map(wz, m->list.sel, -1);
		m->list.full = 1;
		return TUI_HANDLED | TUI_REDRAW;
	case MAP_SCHEMA: {
		schema_strings_free(m->schemas);
		m->schemas = schema_list();
		size_t n = 0, sel = 0;
		for (; m->schemas[n]; n++)
			if (!strcmp(m->schemas[n], wz->schema_name))
				sel = n;
		if (n == 0) {
			tui_message(t, 1, _("No schema files were found."));
			return TUI_HANDLED | TUI_REDRAW;
		}
		tui_pick(t, _("Target schema"), (const char *const *)m->schemas, n, sel,
		    tui_mapping_schema_picked, m);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case MAP_GO: {
		char *missing = tui_wizard_missing(wz);
		if (missing) {
			tui_message(t, 1, "%s", missing);
			free(missing);
			return TUI_HANDLED | TUI_REDRAW;
		}
		tui_wizard_remember(wz);
		tui_push(t, &tui_preview_ops, NULL);
		return TUI_HANDLED | TUI_NEXT;
	}
	case TUI_ACT_SEARCH_NEXT:
		if (t->last_search && !tui_list_search(&m->list, t->last_search))
			tui_message(t, 1, _("Nothing matches \"%s\"."), t->last_search);
		return TUI_HANDLED | TUI_REDRAW;
	}
	return 0;
}

static void
tui_mapping_draw(struct screen *s, int full)
{
	struct tui_mapping_screen *m = s->data;
	struct tui *t = s->tui;
	struct tui_wizard *wz = &t->w;
	int y = 2;
	if (full) {
		char *detail =
		    xasprintf("%s \xe2\x86\x92 %s", wz->file, wz->schema ? wz->schema->name : "?");
		tui_draw_title(t, _("Map the columns"), detail);
		free(detail);
		if (t->message)
			y++;
		char *missing = tui_wizard_missing(wz);
		if (missing) {
			y += tui_put_wrapped(stdscr, y, 1, COLS - 2, 2, missing, t->a.fail);
			free(missing);
		} else {
			char *ok = xasprintf(_("Every required field has a column. %s; table %s."),
			    wz->description ? wz->description : "", wz->schema->table);
			/* Wrapped, as the missing fields are: longer in
			 * Spanish than 78 columns. */
			y += tui_put_wrapped(stdscr, y, 1, COLS - 2, 2, ok, t->a.bold);
			free(ok);
		}
		struct tui_mapping_cols c = tui_mapping_layout(COLS - 2);
		int x = 1;
		y++;
		tui_put(stdscr, y, x, c.header, _("Column"), t->a.dim);
		x += c.header + 1;
		tui_put(stdscr, y, x, c.samples, _("Sample values"), t->a.dim);
		x += c.samples + 1;
		tui_put(stdscr, y, x, c.field, _("Field"), t->a.dim);
		x += c.field + 1;
		tui_put(stdscr, y, x, c.sure, _("Sure?"), t->a.dim);
		tui_draw_footer(t, mapping_keys);
		m->list_y = y + 1;
	}
	y = m->list_y;
	m->list.height = LINES - y - 1;
	tui_list_draw(t, &m->list, y, 1, COLS - 2, full);
}

const struct screen_ops tui_mapping_ops = {
	.name = "mapping",
	.keys = mapping_keys,
	.init = tui_mapping_init,
	.free = tui_mapping_free_screen,
	.resize = tui_mapping_resize,
	.key = tui_mapping_key,
	.draw = tui_mapping_draw,
};
