/* The PDF report, drawn with cairo and laid out by pango (the only file that
 * calls either): page 1 the import at a glance (file, target, status, the
 * outcome counts, facts, a restore's tables with their counts and two
 * charts), then errors by type and by field, the first errors, the batches
 * in brief, the mapping and the fixes. */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <libintl.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "report-int.h"
#include "summary.h"
#include "text.h"
#include "xmalloc.h"

/* Page sizes in points, and the margin around the text. */
#define PDF_A4_W 595.276
#define PDF_A4_H 841.89
#define PDF_LETTER_W 612.0
#define PDF_LETTER_H 792.0
#define PDF_MARGIN 48.0
#define PDF_FOOTER 24.0
#define PDF_FONT "DejaVu Sans"

/* Lines of a table cell at most; the rest is ellipsized. */
#define PDF_CELL_LINES 2
/* Batches listed whole when there are no more; else only the noteworthy. */
#define PDF_BATCHES_LISTED 30
/* Fixes listed at most. */
#define PDF_FIXES_LISTED 100
/* Bars of the errors-by-field chart. */
#define PDF_FIELD_BARS 8

/* A table being drawn: its titles are drawn again on each new page. */
struct pdf_table {
	size_t n;
	const double *widths;
	const char *const *titles;
	const PangoFontDescription *font; /* the titles' font; NULL: bold */
};

struct pdf {
	struct report_journal *rj;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pango;
	PangoFontDescription *title, *heading, *body, *bold, *small, *small_bold;
	double width, height; /* the page */
	double y;	      /* where the next line goes */
	unsigned page;
	const struct pdf_table *table; /* the table whose rows are being drawn */
	struct report_stats stats;
};

/* --- Text ------------------------------------------------------------------ */

static PangoFontDescription *
pdf_font(int weight, double size)
{
	PangoFontDescription *f = pango_font_description_from_string(PDF_FONT);
	pango_font_description_set_weight(f, (PangoWeight)weight);
	pango_font_description_set_size(f, (gint)(size * PANGO_SCALE));
	return f;
}

/* A layout of text (plain text, never markup) in width points, at most
 * lines lines (0: any). */
static PangoLayout *
pdf_layout(struct pdf *p, const char *text, const PangoFontDescription *font, double width, int lines)
{
	PangoLayout *l = pango_layout_new(p->pango);
	pango_layout_set_font_description(l, font);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (lines > 0) {
		pango_layout_set_height(l, -lines);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	pango_layout_set_text(l, text, -1);
	return l;
}

static double
pdf_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void
pdf_show(struct pdf *p, PangoLayout *l, double x, double y)
{
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

/* A value from the journal as a page shows it: control characters and
 * bytes that are not UTF-8 as \xNN, as everywhere else. */
static char *
pdf_value(const char *s)
{
	return text_escape(s != NULL ? s : "");
}

/* n with the locale's thousands separator. */
static char *
pdf_count(uint64_t n)
{
	return xasprintf("%'llu", (unsigned long long)n);
}

/* --- Pages ------------------------------------------------------------------ */

static void pdf_row(struct pdf *p, const char *const *cells, const PangoFontDescription *font,
    int header);

/* Ends the page: its number and what it is the report of at the foot. */
static void
pdf_page_end(struct pdf *p)
{
	char *foot = xasprintf(_("Import %lld · page %u"), (long long)p->rj->import.id, p->page);
	PangoLayout *l = pdf_layout(p, foot, p->small, p->width - 2 * PDF_MARGIN, 1);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
	pdf_show(p, l, PDF_MARGIN, p->height - PDF_MARGIN + 8);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	g_object_unref(l);
	free(foot);
	cairo_show_page(p->cr);
}

static void
pdf_page_start(struct pdf *p)
{
	p->page++;
	p->y = PDF_MARGIN;
	/* A table going on from the page before shows its titles again. */
	if (p->table != NULL)
		pdf_row(p, p->table->titles, p->table->font ? p->table->font : p->bold, 1);
}

/* Makes room for h points, on a new page when this one is full. */
static void
pdf_need(struct pdf *p, double h)
{
	if (p->y + h <= p->height - PDF_MARGIN - PDF_FOOTER || p->y <= PDF_MARGIN + 1)
		return;
	pdf_page_end(p);
	pdf_page_start(p);
}

static void
pdf_new_page(struct pdf *p)
{
	if (p->y > PDF_MARGIN + 1) {
		pdf_page_end(p);
		pdf_page_start(p);
	}
}

static void
pdf_text(struct pdf *p, const char *text, const PangoFontDescription *font, double after)
{
	PangoLayout *l = pdf_layout(p, text, font, p->width - 2 * PDF_MARGIN, 0);
	double h = pdf_height(l);
	pdf_need(p, h);
	pdf_show(p, l, PDF_MARGIN, p->y);
	p->y += h + after;
	g_object_unref(l);
}

static void
pdf_heading(struct pdf *p, const char *text)
{
	pdf_need(p, 60);
	p->y += 10;
	pdf_text(p, text, p->heading, 6);
}

/* --- Tables ----------------------------------------------------------------- */

/* One row of the current table; a header row on a light background. */
static void
pdf_row(struct pdf *p, const char *const *cells, const PangoFontDescription *font, int header)
{
	const struct pdf_table *t = p->table;
	PangoLayout **ls = xcalloc(t->n, sizeof *ls);
	double h = 0;
	for (size_t c = 0; c < t->n; c++) {
		ls[c] = pdf_layout(p, cells[c] ? cells[c] : "", font, t->widths[c] - 6,
		    header ? 0 : PDF_CELL_LINES);
		double ch = pdf_height(ls[c]);
		if (ch > h)
			h = ch;
	}
	h += 3;
	if (!header)
		pdf_need(p, h);
	double x = PDF_MARGIN, total = 0;
	for (size_t c = 0; c < t->n; c++)
		total += t->widths[c];
	if (header) {
		cairo_set_source_rgb(p->cr, 0.87, 0.89, 0.93);
		cairo_rectangle(p->cr, x, p->y, total, h);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	for (size_t c = 0; c < t->n; c++) {
		pdf_show(p, ls[c], x + 3, p->y + 1.5);
		x += t->widths[c];
		g_object_unref(ls[c]);
	}
	free(ls);
	p->y += h;
	cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
	cairo_set_line_width(p->cr, 0.4);
	cairo_move_to(p->cr, PDF_MARGIN, p->y);
	cairo_line_to(p->cr, PDF_MARGIN + total, p->y);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* The natural width, in points, of the first n bytes of text in font. */
static double
pdf_text_width(struct pdf *p, const char *text, int n, const PangoFontDescription *font)
{
	PangoLayout *l = pango_layout_new(p->pango);
	pango_layout_set_font_description(l, font);
	pango_layout_set_text(l, text, n);
	int width, height;
	pango_layout_get_size(l, &width, &height);
	g_object_unref(l);
	return (double)width / PANGO_SCALE;
}

/* The natural width, in points, of text's widest word in font. */
static double
pdf_widest_word(struct pdf *p, const char *text, const PangoFontDescription *font)
{
	double widest = 0;
	const char *w = text;
	while (*w != '\0') {
		size_t n = strcspn(w, " ");
		if (n > 0) {
			double width = pdf_text_width(p, w, (int)n, font);
			if (width > widest)
				widest = width;
		}
		w += n;
		w += strspn(w, " ");
	}
	return widest;
}

/* Widths for a table whose titles must not break inside a word (a count's
 * title over a narrow column: "Unchan-ged"): each column gets at least its
 * title's widest word, and least[c] points for its values; what is left
 * goes to the columns as widths (shares summing to 1) asked. The titles'
 * font is made smaller, down to 5.5 points, until every word fits; it is
 * returned (pango_font_description_free it). NULL when none does: widths
 * stay as asked. */
static PangoFontDescription *
pdf_fit_titles(struct pdf *p, const char *const *titles, const double *least, double *widths, size_t n)
{
	double room = p->width - 2 * PDF_MARGIN;
	PangoFontDescription *font = pango_font_description_copy(p->small_bold);
	double *min = xcalloc(n, sizeof *min);
	for (int size = 16; size >= 11; size--) { /* half points: 8 down to 5.5 */
		pango_font_description_set_size(font, size * PANGO_SCALE / 2);
		double sum = 0;
		for (size_t c = 0; c < n; c++) {
			double w = pdf_widest_word(p, titles[c], font);
			min[c] = (w > least[c] ? w : least[c]) + 7; /* the cell's padding */
			sum += min[c];
		}
		if (sum > room)
			continue;
		/* Each column its share of the room left over the minimums. */
		double share = 0;
		for (size_t c = 0; c < n; c++)
			share += widths[c];
		for (size_t c = 0; c < n; c++)
			widths[c] = (min[c] + (room - sum) * widths[c] / share) / room;
		free(min);
		return font;
	}
	free(min);
	pango_font_description_free(font);
	return NULL;
}

/* Starts table t (widths as shares of the text's width, summing to 1). */
static void
pdf_table_start(struct pdf *p, struct pdf_table *t, double *widths)
{
	for (size_t c = 0; c < t->n; c++)
		widths[c] *= p->width - 2 * PDF_MARGIN;
	t->widths = widths;
	pdf_need(p, 40);
	p->table = t;
	pdf_row(p, t->titles, t->font ? t->font : p->bold, 1);
}

static void
pdf_table_end(struct pdf *p)
{
	p->table = NULL;
	p->y += 8;
}

/* A label and its value, as a row of a two-column table, in font. */
static void
pdf_pair_font(struct pdf *p, const char *label, const char *value, const PangoFontDescription *font)
{
	if (value == NULL || *value == '\0')
		return;
	char *v = pdf_value(value);
	const char *cells[] = { label, v };
	pdf_row(p, cells, font, 0);
	free(v);
}

static void
pdf_pair(struct pdf *p, const char *label, const char *value)
{
	pdf_pair_font(p, label, value, p->body);
}

static void
pdf_pair_small(struct pdf *p, const char *label, const char *value)
{
	pdf_pair_font(p, label, value, p->small);
}

/* --- Charts ------------------------------------------------------------------ */

/* Horizontal bars: a label, a bar as long as its share of the largest, and
 * the count. rgb holds a colour for each bar (3 doubles each). */
static void
pdf_bars(struct pdf *p, const char *title, const char *const *names, const uint64_t *values,
    size_t n, const double *rgb)
{
	const double bar_h = 10, gap = 3, label_w = 130, count_w = 60;
	double full = p->width - 2 * PDF_MARGIN - label_w - count_w;
	uint64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	pdf_need(p, 24 + (double)n * (bar_h + gap));
	pdf_text(p, title, p->bold, 4);
	for (size_t i = 0; i < n; i++) {
		char *label = pdf_value(names[i]);
		PangoLayout *l = pdf_layout(p, label, p->small, label_w - 6, 1);
		pdf_show(p, l, PDF_MARGIN, p->y);
		g_object_unref(l);
		free(label);
		double w = max > 0 ? full * (double)values[i] / (double)max : 0;
		if (values[i] > 0 && w < 1)
			w = 1;
		cairo_set_source_rgb(p->cr, rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
		cairo_rectangle(p->cr, PDF_MARGIN + label_w, p->y + 1, w, bar_h - 2);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		char *count = pdf_count(values[i]);
		l = pdf_layout(p, count, p->small, count_w, 1);
		pdf_show(p, l, PDF_MARGIN + label_w + w + 4, p->y);
		g_object_unref(l);
		free(count);
		p->y += bar_h + gap;
	}
	p->y += 8;
}

static void
pdf_outcome_chart(struct pdf *p)
{
	static const double rgb[3 * OUTCOME_DELETED] = {
		0.20, 0.60, 0.30, /* created */
		0.20, 0.45, 0.75, /* updated */
		0.30, 0.65, 0.70, /* merged */
		0.60, 0.60, 0.60, /* unchanged */
		0.75, 0.75, 0.75, /* skipped */
		0.90, 0.55, 0.15, /* rejected */
		0.80, 0.20, 0.20, /* failed */
		0.40, 0.40, 0.40, /* not processed */
	};
	const char *names[OUTCOME_DELETED];
	for (int o = 0; o < OUTCOME_DELETED; o++)
		names[o] = outcome_label((enum outcome)o);
	pdf_bars(p, _("Rows by outcome"), names, p->rj->import.n, OUTCOME_DELETED, rgb);
}

static void
pdf_field_chart(struct pdf *p, const struct name_count *counts, size_t n)
{
	const char *names[PDF_FIELD_BARS + 1];
	uint64_t values[PDF_FIELD_BARS + 1];
	double rgb[3 * (PDF_FIELD_BARS + 1)];
	size_t k = 0;
	uint64_t others = 0;
	for (size_t i = 0; i < n; i++) {
		if (k < PDF_FIELD_BARS) {
			names[k] = counts[i].name;
			values[k++] = counts[i].n;
		} else
			others += counts[i].n;
	}
	if (others > 0) {
		names[k] = _("(other fields)");
		values[k++] = others;
	}
	for (size_t i = 0; i < k; i++) {
		rgb[3 * i] = 0.90;
		rgb[3 * i + 1] = 0.55;
		rgb[3 * i + 2] = 0.15;
	}
	pdf_bars(p, _("Errors by field"), names, values, k, rgb);
}

/* --- Page 1 ------------------------------------------------------------------ */

static void
pdf_facts(struct pdf *p)
{
	const struct import_row *im = &p->rj->import;
	char *s = xasprintf("%lld", (long long)im->id);
	struct pdf_table t = { .n = 2, .titles = (const char *const[]){ _("Import"), s } };
	double widths[] = { 0.28, 0.72 };
	pdf_table_start(p, &t, widths);
	pdf_pair(p, _("Status"), status_label(im->status));
	if (im->dry_run)
		pdf_pair(p, _("Dry run"), _("yes: nothing was written"));
	pdf_pair(p, _("File"), im->source_path);
	pdf_pair_small(p, _("SHA-256"), im->source_sha256);
	pdf_pair(p, _("Read as"), im->source_description);
	pdf_pair(p, _("Database"), p->rj->db_path);
	pdf_pair(p, _("Table"), im->target_table);
	pdf_pair(p, _("Schema"), im->schema_name);
	pdf_pair(p, _("Strategy"), im->strategy);
	pdf_pair(p, _("Key conflicts"), im->on_key_conflict);
	pdf_pair(p, _("Started"), im->started_at);
	pdf_pair(p, _("Finished"), im->finished_at);
	free(s);
	if (im->duration_s >= 0) {
		s = xasprintf("%.3f s", report_duration(im->duration_s));
		pdf_pair(p, _("Duration"), s);
		free(s);
		if (im->duration_s > 0) {
			s = xasprintf("%'.0f", (double)p->rj->total / im->duration_s);
			pdf_pair(p, _("Rows per second"), s);
			free(s);
		}
	}
	pdf_pair(p, _("Stopped early"), im->last_error);
	pdf_table_end(p);
}

/* The outcome counts, the success rate and the other facts. */
static void
pdf_counts(struct pdf *p, uint64_t dropped, const struct batch_facts *bf)
{
	const struct import_row *im = &p->rj->import;
	struct pdf_table t = { .n = 3,
		.titles = (const char *const[]){ _("Outcome"), _("Rows"), _("Share") } };
	double widths[] = { 0.4, 0.3, 0.3 };
	pdf_table_start(p, &t, widths);
	uint64_t total = p->rj->total;
	for (int o = 0; o < OUTCOME_DELETED; o++) {
		char *n = pdf_count(im->n[o]);
		char *share = total > 0 ?
		    xasprintf("%.1f %%", 100.0 * (double)im->n[o] / (double)total) :
		    xstrdup("");
		const char *cells[] = { outcome_label((enum outcome)o), n, share };
		pdf_row(p, cells, p->body, 0);
		free(n);
		free(share);
	}
	char *n = pdf_count(total);
	const char *cells[] = { _("Total"), n, "" };
	pdf_row(p, cells, p->bold, 0);
	free(n);
	/* Not rows of the file: records --strategy replace deleted. */
	if (im->n[OUTCOME_DELETED] > 0) {
		n = pdf_count(im->n[OUTCOME_DELETED]);
		const char *del[] = { _("records deleted"), n, "" };
		pdf_row(p, del, p->body, 0);
		free(n);
	}

	double rate = summary_success_rate(im->n, total);
	char *v = rate >= 0 ? xasprintf("%.1f %%", 100 * rate) : xstrdup("—");
	const char *rate_cells[] = { _("Success rate"), v, "" };
	pdf_row(p, rate_cells, p->bold, 0);
	free(v);
	const struct {
		const char *label;
		uint64_t n;
	} facts[] = {
		{ _("Values dropped"), dropped },
		{ _("Batches"), bf->batches },
		{ _("Failed batches"), bf->failed_batches },
		{ _("Retries"), bf->retries },
	};
	for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
		n = pdf_count(facts[i].n);
		const char *c[] = { facts[i].label, n, "" };
		pdf_row(p, c, p->body, 0);
		free(n);
	}
	pdf_table_end(p);
	pdf_text(p,
	    _("Success rate: the rows created, updated, merged, unchanged or skipped, over all rows."),
	    p->small, 4);
}

/* A restore's import: one line per table of the restore with its counts,
 * then the line of every table (as the XLSX Summary gives them). */
static void
pdf_restore(struct pdf *p)
{
	const struct report_journal *rj = p->rj;
	if (rj->nrestore == 0)
		return;
	json_t *r = summary_restore_json(rj->restore, rj->nrestore, rj->import.restore_id);
	char *s = xasprintf(
	    ngettext("Restore %lld: its %zu table", "Restore %lld: its %zu tables", rj->nrestore),
	    (long long)rj->import.restore_id, rj->nrestore);
	pdf_heading(p, s);
	free(s);
	static const char *const keys[] = { "processed", "created", "updated", "unchanged",
		"skipped", "rejected", "failed", "not_processed" };
	enum { NKEYS = sizeof keys / sizeof *keys };
	const char *titles[3 + NKEYS] = { _("Table"), _("Import"), _("Status"), _("Processed"),
		_("Created"), _("Updated"), _("Unchanged"), _("Skipped"), _("Rejected"),
		_("Failed"), _("Not processed") };
	/* The titles whole (in a smaller font if need be), each count whole:
	 * the widest the overall line has, in its bold; the rest of the width
	 * to the table's name and its status. */
	double least[3 + NKEYS] = { 0 }, widths[3 + NKEYS] = { 0.5, 0, 0.5 };
	json_t *o = json_object_get(r, "overall");
	json_int_t most = json_integer_value(json_object_get(o, "processed"));
	char *widest = pdf_count(most > 0 ? (uint64_t)most : 0);
	for (size_t k = 0; k < NKEYS; k++)
		least[3 + k] = pdf_widest_word(p, widest, p->small_bold);
	free(widest);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(r, "tables"), i, row)
	{
		char *id =
		    xasprintf("%lld", (long long)json_integer_value(json_object_get(row, "import")));
		double w = pdf_widest_word(p, id, p->small);
		least[1] = w > least[1] ? w : least[1];
		free(id);
		w = pdf_widest_word(p,
		    summary_status_text(json_string_value(json_object_get(row, "status"))), p->small);
		least[2] = w > least[2] ? w : least[2];
		w = pdf_widest_word(p, json_string_value(json_object_get(row, "table")), p->small);
		least[0] = w > least[0] ? w : least[0];
	}
	/* "All tables" on one line. */
	double w = pdf_text_width(p, _("All tables"), -1, p->small_bold);
	least[0] = w > least[0] ? w : least[0];
	/* Names too long for that break where they must. */
	PangoFontDescription *font = pdf_fit_titles(p, titles, least, widths, 3 + NKEYS);
	if (font == NULL) {
		least[0] = 0;
		font = pdf_fit_titles(p, titles, least, widths, 3 + NKEYS);
	}
	if (font == NULL) {
		static const double asked[3 + NKEYS] = { 0.13, 0.08, 0.13, 0.0825, 0.0825, 0.0825,
			0.0825, 0.0825, 0.0825, 0.0825, 0.0825 };
		memcpy(widths, asked, sizeof widths);
		font = pango_font_description_copy(p->small_bold);
	}
	struct pdf_table t = { .n = 3 + NKEYS, .titles = titles, .font = font };
	pdf_table_start(p, &t, widths);
	char *cells[3 + NKEYS];
	json_array_foreach(json_object_get(r, "tables"), i, row)
	{
		cells[0] = pdf_value(json_string_value(json_object_get(row, "table")));
		cells[1] =
		    xasprintf("%lld", (long long)json_integer_value(json_object_get(row, "import")));
		cells[2] =
		    xstrdup(summary_status_text(json_string_value(json_object_get(row, "status"))));
		for (size_t k = 0; k < NKEYS; k++) {
			json_int_t n = json_integer_value(json_object_get(row, keys[k]));
			if (!strcmp(keys[k], "updated"))
				n += json_integer_value(json_object_get(row, "merged"));
			cells[3 + k] = pdf_count((uint64_t)n);
		}
		pdf_row(p, (const char *const *)cells, p->small, 0);
		for (size_t c = 0; c < 3 + NKEYS; c++)
			free(cells[c]);
	}
	cells[0] = xstrdup(_("All tables"));
	cells[1] = xstrdup("");
	cells[2] = xstrdup("");
	for (size_t k = 0; k < NKEYS; k++) {
		json_int_t n = json_integer_value(json_object_get(o, keys[k]));
		if (!strcmp(keys[k], "updated"))
			n += json_integer_value(json_object_get(o, "merged"));
		cells[3 + k] = pdf_count((uint64_t)n);
	}
	pdf_row(p, (const char *const *)cells, p->small_bold, 0);
	for (size_t c = 0; c < 3 + NKEYS; c++)
		free(cells[c]);
	pdf_table_end(p);
	pango_font_description_free(font);
	json_decref(r);
}

/* --- The pages after ----------------------------------------------------------- */

static void
pdf_name_counts(struct pdf *p, const char *title, const struct name_count *counts, size_t n)
{
	if (n == 0)
		return;
	struct pdf_table t = { .n = 2, .titles = (const char *const[]){ title, _("Errors") } };
	double widths[] = { 0.7, 0.3 };
	pdf_table_start(p, &t, widths);
	for (size_t i = 0; i < n; i++) {
		char *name = pdf_value(counts[i].name);
		char *c = pdf_count(counts[i].n);
		const char *cells[] = { name, c };
		pdf_row(p, cells, p->body, 0);
		free(name);
		free(c);
	}
	pdf_table_end(p);
}

/* The first errors, as many as limit, then how many more there are. */
static int
pdf_errors(struct pdf *p, unsigned limit, uint64_t total)
{
	if (total == 0)
		return 0;
	pdf_heading(p, _("First errors"));
	struct pdf_table t = { .n = 5,
		.titles = (const char *const[]){ _("Row"), _("Line"), _("Field"), _("Value"),
		    _("Message") } };
	double widths[] = { 0.07, 0.07, 0.12, 0.22, 0.52 };
	pdf_table_start(p, &t, widths);
	struct store_iter *it = journal_each_error(p->rj->journal, p->rj->import.id);
	if (it == NULL)
		return -1;
	const struct error_row *e;
	int rc = 0;
	while (p->stats.errors < limit && (rc = store_next_error(it, &e)) == 1) {
		char *row = xasprintf("%lld", (long long)e->row_no);
		char *line = xasprintf("%lld", (long long)e->line_no);
		char *field = pdf_value(e->field ? e->field : "(row)");
		char *value = pdf_value(e->value);
		char *msg = pdf_value(e->message);
		const char *cells[] = { row, line, field, value, msg };
		pdf_row(p, cells, p->small, 0);
		free(row);
		free(line);
		free(field);
		free(value);
		free(msg);
		p->stats.errors++;
	}
	store_iter_close(it);
	pdf_table_end(p);
	if (rc < 0)
		return -1;
	if (total > p->stats.errors) {
		char *more = pdf_count(total - p->stats.errors);
		char *s = xasprintf(_("… and %s more: see the XLSX report (sluice report %lld --xlsx "
				      "FILE)."),
		    more, (long long)p->rj->import.id);
		pdf_text(p, s, p->body, 8);
		free(s);
		free(more);
	}
	return 0;
}

/* A batch as the brief list keeps it. */
struct pdf_batch {
	uint64_t batch_no, first_row, rows, written, rejected, failed, duration_ms;
	unsigned attempts;
	int replayed;
};

static void
pdf_batch_row(struct pdf *p, const struct pdf_batch *b)
{
	char *v[8];
	v[0] = xasprintf("%llu", (unsigned long long)b->batch_no);
	v[1] = pdf_count(b->first_row);
	v[2] = pdf_count(b->rows);
	v[3] = pdf_count(b->written);
	v[4] = pdf_count(b->rejected + b->failed);
	v[5] = xasprintf("%u", b->attempts);
	v[6] = xasprintf("%.3f", (double)b->duration_ms / 1000.0);
	v[7] = xstrdup(b->replayed ? _("written row by row") : _("committed"));
	pdf_row(p, (const char *const *)v, p->small, 0);
	for (int i = 0; i < 8; i++)
		free(v[i]);
}

/* Every batch when there are few; else how long they took and the
 * noteworthy ones (retried, or refused as a whole). */
static int
pdf_batches(struct pdf *p)
{
	struct store_iter *it = journal_each_batch(p->rj->journal, p->rj->import.id);
	if (it == NULL)
		return -1;
	struct pdf_batch first[PDF_BATCHES_LISTED], noted[PDF_BATCHES_LISTED], slowest = { 0 };
	size_t nfirst = 0, nnoted = 0;
	uint64_t n = 0, nnoteworthy = 0, ms = 0;
	const struct batch_row *b;
	int rc;
	while ((rc = store_next_batch(it, &b)) == 1) {
		struct pdf_batch pb = {
			.batch_no = b->batch_no,
			.first_row = b->first_row,
			.rows = b->rows,
			.written =
			    b->n[OUTCOME_CREATED] + b->n[OUTCOME_UPDATED] + b->n[OUTCOME_MERGED],
			.rejected = b->n[OUTCOME_REJECTED],
			.failed = b->n[OUTCOME_FAILED],
			.duration_ms = b->duration_ms,
			.attempts = b->attempts,
			.replayed = b->status != NULL && !strcmp(b->status, "replayed"),
		};
		n++;
		ms += b->duration_ms;
		if (pb.duration_ms >= slowest.duration_ms)
			slowest = pb;
		if (nfirst < PDF_BATCHES_LISTED)
			first[nfirst++] = pb;
		if (pb.attempts > 1 || pb.replayed) {
			nnoteworthy++;
			if (nnoted < PDF_BATCHES_LISTED)
				noted[nnoted++] = pb;
		}
	}
	store_iter_close(it);
	if (rc < 0)
		return -1;
	if (n == 0)
		return 0;
	pdf_heading(p, _("Batches"));
	char *count = pdf_count(n);
	char *s =
	    xasprintf(ngettext("%s batch, %.3f s on average; the slowest, batch %llu, took %.3f s.",
			  "%s batches, %.3f s on average; the slowest, batch %llu, took %.3f s.",
			  (unsigned long)n),
		count, (double)ms / 1000.0 / (double)n, (unsigned long long)slowest.batch_no,
		(double)slowest.duration_ms / 1000.0);
	pdf_text(p, s, p->body, 6);
	free(s);
	free(count);
	const struct pdf_batch *list = first;
	size_t nlist = nfirst;
	if (n > PDF_BATCHES_LISTED) {
		list = noted;
		nlist = nnoted;
		if (nnoteworthy == 0) {
			pdf_text(p, _("No batch was retried or refused as a whole."), p->body, 8);
			return 0;
		}
		s = nnoteworthy > nnoted ?
		    xasprintf(_("The first %zu of the %llu batches retried or refused as a whole "
				"(sluice report %lld --json lists every batch):"),
			nnoted, (unsigned long long)nnoteworthy, (long long)p->rj->import.id) :
		    xstrdup(_("The batches retried or refused as a whole:"));
		pdf_text(p, s, p->body, 6);
		free(s);
	}
	struct pdf_table t = { .n = 8,
		.titles = (const char *const[]){ _("Batch"), _("First row"), _("Rows"), _("Written"),
		    _("Rejected or failed"), _("Attempts"), _("Duration (s)"), _("Status") } };
	double widths[] = { 0.09, 0.12, 0.1, 0.11, 0.14, 0.11, 0.13, 0.2 };
	pdf_table_start(p, &t, widths);
	for (size_t i = 0; i < nlist; i++)
		pdf_batch_row(p, &list[i]);
	pdf_table_end(p);
	return 0;
}

static void
pdf_mapping(struct pdf *p)
{
	if (p->rj->nmapping == 0)
		return;
	pdf_heading(p, _("Mapping"));
	struct pdf_table t = { .n = 3,
		.titles = (const char *const[]){ _("Column"), _("Source column"), _("Field") } };
	double widths[] = { 0.12, 0.5, 0.38 };
	pdf_table_start(p, &t, widths);
	for (size_t i = 0; i < p->rj->nmapping; i++) {
		const struct report_column *m = &p->rj->mapping[i];
		char *col = xasprintf("%lld", (long long)m->column + 1);
		char *header = pdf_value(m->header);
		const char *cells[] = { col, header, m->field ? m->field : _("(not imported)") };
		pdf_row(p, cells, p->body, 0);
		free(col);
		free(header);
	}
	pdf_table_end(p);
}

static int
pdf_fixes(struct pdf *p)
{
	struct store_iter *it = journal_each_fix(p->rj->journal, p->rj->import.id);
	if (it == NULL)
		return -1;
	struct pdf_table t = { .n = 4,
		.titles =
		    (const char *const[]){ _("Row"), _("Source column"), _("Was"), _("Fixed to") } };
	double widths[] = { 0.1, 0.3, 0.3, 0.3 };
	const struct fix_row *f;
	uint64_t n = 0;
	int rc;
	while ((rc = store_next_fix(it, &f)) == 1) {
		if (n++ == 0) {
			pdf_heading(p, _("Cells fixed before the import"));
			pdf_table_start(p, &t, widths);
		}
		if (n > PDF_FIXES_LISTED)
			continue;
		char *row = xasprintf("%llu", (unsigned long long)f->row_no);
		char *col = f->header ? pdf_value(f->header) :
					xasprintf(_("column %lld"), (long long)f->column_no + 1);
		char *was = pdf_value(f->original);
		char *to = pdf_value(f->value);
		const char *cells[] = { row, col, was, to };
		pdf_row(p, cells, p->small, 0);
		free(row);
		free(col);
		free(was);
		free(to);
	}
	store_iter_close(it);
	if (n > 0)
		pdf_table_end(p);
	if (n > PDF_FIXES_LISTED) {
		char *more = pdf_count(n - PDF_FIXES_LISTED);
		char *s = xasprintf(_("… and %s more: see the XLSX report."), more);
		pdf_text(p, s, p->body, 8);
		free(s);
		free(more);
	}
	return rc < 0 ? -1 : 0;
}

/* --- The document ------------------------------------------------------------- */

static int
pdf_draw(struct pdf *p, unsigned errors_limit)
{
	const struct import_row *im = &p->rj->import;
	struct name_count *by_type = NULL, *by_field = NULL, *by_effect = NULL;
	size_t ntype = 0, nfield = 0, neffect = 0;
	struct batch_facts bf;
	if (journal_error_counts(p->rj->journal, im->id, STORE_COUNT_BY_TYPE, &by_type, &ntype) != 0 ||
	    journal_error_counts(p->rj->journal, im->id, STORE_COUNT_BY_FIELD, &by_field, &nfield) !=
		0 ||
	    journal_error_counts(p->rj->journal, im->id, STORE_COUNT_BY_EFFECT, &by_effect,
		&neffect) != 0 ||
	    journal_batch_facts(p->rj->journal, im->id, &bf) != 0) {
		journal_counts_free(by_type, ntype);
		journal_counts_free(by_field, nfield);
		journal_counts_free(by_effect, neffect);
		return -1;
	}
	uint64_t errors = 0, dropped = 0;
	for (size_t i = 0; i < ntype; i++)
		errors += by_type[i].n;
	for (size_t i = 0; i < neffect; i++)
		if (!strcmp(by_effect[i].name, "value_dropped"))
			dropped = by_effect[i].n;

	pdf_page_start(p);
	char *file = pdf_value(im->source_path);
	char *title = xasprintf(_("Import %lld of %s"), (long long)im->id, file);
	pdf_text(p, title, p->title, 4);
	free(title);
	free(file);
	pdf_text(p, status_label(im->status), p->heading, 10);
	pdf_facts(p);
	pdf_counts(p, dropped, &bf);
	pdf_restore(p);
	pdf_outcome_chart(p);
	if (nfield > 0)
		pdf_field_chart(p, by_field, nfield);

	int rc = 0;
	if (errors > 0) {
		pdf_new_page(p);
		pdf_heading(p, _("Errors"));
		pdf_name_counts(p, _("Type"), by_type, ntype);
		pdf_name_counts(p, _("Field"), by_field, nfield);
		rc = pdf_errors(p, errors_limit, errors);
	}
	journal_counts_free(by_type, ntype);
	journal_counts_free(by_field, nfield);
	journal_counts_free(by_effect, neffect);
	if (rc == 0)
		rc = pdf_batches(p);
	if (rc == 0) {
		pdf_mapping(p);
		rc = pdf_fixes(p);
	}
	pdf_page_end(p);
	p->stats.pages = p->page;
	return rc;
}

static void
pdf_close(struct pdf *p)
{
	if (p->pango != NULL)
		g_object_unref(p->pango);
	PangoFontDescription *fonts[] = { p->title, p->heading, p->body, p->bold, p->small,
		p->small_bold };
	for (size_t i = 0; i < sizeof fonts / sizeof *fonts; i++)
		if (fonts[i] != NULL)
			pango_font_description_free(fonts[i]);
	if (p->cr != NULL)
		cairo_destroy(p->cr);
}

int
report_write_pdf(const char *db_path, int64_t id, const char *path,
    const struct report_pdf_options *o, struct report_stats *stats, char **cause)
{
	struct report_journal rj;
	if (report_journal_open(&rj, db_path, id, cause) != 0)
		return -1;
	char *tmp = NULL;
	if (report_check_path(path, db_path, rj.import.source_path, cause) != 0 ||
	    (tmp = report_temp_beside(path, cause)) == NULL) {
		report_journal_close(&rj);
		return -1;
	}
	enum report_paper paper =
	    o->paper == REPORT_PAPER_LOCALE ? report_paper_from_locale() : o->paper;
	struct pdf p = { .rj = &rj };
	p.width = paper == REPORT_PAPER_LETTER ? PDF_LETTER_W : PDF_A4_W;
	p.height = paper == REPORT_PAPER_LETTER ? PDF_LETTER_H : PDF_A4_H;
	errno = 0;
	p.surface = cairo_pdf_surface_create(tmp, p.width, p.height);
	if (cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS) {
		*cause = xasprintf(_("Cannot write the report to %s: %s. Give a path in a "
				     "directory you can write to."),
		    path,
		    errno != 0 ? strerror(errno) :
				 cairo_status_to_string(cairo_surface_status(p.surface)));
		cairo_surface_destroy(p.surface);
		report_journal_close(&rj);
		return report_put_in_place(tmp, path, -1, cause);
	}
	char *file = text_escape(rj.import.source_path ? rj.import.source_path : "");
	char *title = xasprintf(_("Import %lld of %s"), (long long)id, file);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_STRING);
	free(title);
	free(file);
	p.cr = cairo_create(p.surface);
	p.pango = pango_cairo_create_context(p.cr);
	/* Points are the page's unit: a 9-point font is 9 units high. */
	pango_cairo_context_set_resolution(p.pango, 72);
	p.title = pdf_font(PANGO_WEIGHT_BOLD, 16);
	p.heading = pdf_font(PANGO_WEIGHT_BOLD, 12);
	p.body = pdf_font(PANGO_WEIGHT_NORMAL, 9);
	p.bold = pdf_font(PANGO_WEIGHT_BOLD, 9);
	p.small = pdf_font(PANGO_WEIGHT_NORMAL, 8);
	p.small_bold = pdf_font(PANGO_WEIGHT_BOLD, 8);

	int rc = pdf_draw(&p, o->errors);
	if (rc != 0)
		*cause = report_journal_error(&rj);
	report_journal_close(&rj);
	pdf_close(&p);
	errno = 0;
	cairo_surface_finish(p.surface);
	cairo_status_t st = cairo_surface_status(p.surface);
	if (rc == 0 && st != CAIRO_STATUS_SUCCESS) {
		*cause = xasprintf(_("Cannot write the report to %s: %s. Give a path in a directory "
				     "you can write to, on a disk with free space."),
		    path, errno != 0 ? strerror(errno) : cairo_status_to_string(st));
		rc = -1;
	}
	cairo_surface_destroy(p.surface);
	if (report_put_in_place(tmp, path, rc, cause) != 0)
		return -1;
	if (stats != NULL)
		*stats = p.stats;
	return 0;
}
