/* gen-xlsx: writes XLSX workbooks with libxlsxwriter, another producer
 * than sluice's own tests, for the command-line tests and the benchmark.
 *
 *   gen-xlsx IN.csv OUT.xlsx   the CSV file (UTF-8, comma) as one sheet,
 *                              every cell a shared string as Excel writes
 *                              text; for `make bench` and big-file tests
 *   gen-xlsx --sheets OUT.xlsx NAME=IN.csv…  one sheet per CSV file
 *   gen-xlsx --types OUT.xlsx  a contacts sheet holding numbers, dates,
 *                              booleans, formulas, rich text, a merged
 *                              range and a hidden sheet before it
 *
 * libxlsxwriter's constant_memory mode writes inline strings, not shared
 * ones, so the workbook is built in its normal mode: it holds the cells in
 * memory while writing (about 1 GiB for 1,000,000 rows of contacts). */
#include "config.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

struct convert {
	lxw_worksheet *ws;
	lxw_row_t row;
	lxw_col_t col;
	char *cell;
	size_t size;
};

static void
on_field(void *data, size_t len, void *arg)
{
	struct convert *c = arg;

	if (len + 1 > c->size) {
		c->size = 2 * (len + 1);
		c->cell = realloc(c->cell, c->size);
		if (c->cell == NULL)
			abort();
	}
	memcpy(c->cell, data, len);
	c->cell[len] = '\0';
	if (len > 0)
		worksheet_write_string(c->ws, c->row, c->col, c->cell, NULL);
	c->col++;
}

static void
on_row(int ch, void *arg)
{
	struct convert *c = arg;

	(void)ch;
	c->row++;
	c->col = 0;
}

/* Adds the CSV file in to wb as the sheet name. */
static int
add_sheet(lxw_workbook *wb, const char *name, const char *in)
{
	struct convert c = { .ws = workbook_add_worksheet(wb, name) };
	struct csv_parser p;
	char buf[65536];
	size_t n;
	FILE *f = fopen(in, "rb");

	if (f == NULL) {
		perror(in);
		return 1;
	}
	csv_init(&p, 0);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (csv_parse(&p, buf, n, on_field, on_row, &c) != n) {
			fprintf(stderr, "gen-xlsx: %s: %s\n", in, csv_strerror(csv_error(&p)));
			return 1;
		}
	}
	csv_fini(&p, on_field, on_row, &c);
	csv_free(&p);
	fclose(f);
	free(c.cell);
	return 0;
}

static int
convert(const char *in, const char *out)
{
	lxw_workbook *wb = workbook_new(out);
	if (add_sheet(wb, "Contacts", in) != 0)
		return 1;
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

/* --sheets OUT.xlsx NAME=IN.csv…: one sheet per CSV file. */
static int
sheets(const char *out, int n, char **specs)
{
	lxw_workbook *wb = workbook_new(out);
	for (int i = 0; i < n; i++) {
		char *eq = strchr(specs[i], '=');
		if (eq == NULL)
			return 2;
		*eq = '\0';
		if (add_sheet(wb, specs[i], eq + 1) != 0)
			return 1;
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

static int
types(const char *out)
{
	lxw_workbook *wb = workbook_new(out);
	lxw_worksheet *old = workbook_add_worksheet(wb, "Old");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Contacts");
	lxw_format *date = workbook_add_format(wb), *bold = workbook_add_format(wb);
	lxw_datetime born = { 1985, 4, 12, 0, 0, 0 };
	lxw_rich_string_tuple run1 = { .format = bold, .string = "Mül" };
	lxw_rich_string_tuple run2 = { .format = NULL, .string = "ler" };
	lxw_rich_string_tuple *runs[] = { &run1, &run2, NULL };
	static const char *const header[] = { "First Name", "Last Name", "E-mail Address",
		"Mobile Phone", "Birthday", "Notes" };
	lxw_col_t i;

	format_set_num_format(date, "dd/mm/yyyy");
	format_set_bold(bold);
	worksheet_write_string(old, 0, 0, "old", NULL);
	worksheet_hide(old);
	worksheet_activate(ws);
	for (i = 0; i < 6; i++)
		worksheet_write_string(ws, 0, i, header[i], NULL);
	worksheet_write_string(ws, 1, 0, "José", NULL);
	worksheet_write_rich_string(ws, 1, 1, runs, NULL);
	worksheet_write_string(ws, 1, 2, "jose@example.com", NULL);
	worksheet_write_number(ws, 1, 3, 12015550123.0, NULL);
	worksheet_write_datetime(ws, 1, 4, &born, date);
	worksheet_write_formula_num(ws, 1, 5, "=1=1", NULL, 1);
	/* Row 3 empty; row 4 sparse, its merged note in the top-left cell. */
	worksheet_write_string(ws, 3, 0, "Zoë", NULL);
	worksheet_write_number(ws, 3, 3, 4.1523456780e9, NULL);
	worksheet_merge_range(ws, 3, 5, 4, 6, "merged note", NULL);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--types"))
		return types(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "--sheets"))
		return sheets(argv[2], argc - 3, argv + 3);
	if (argc == 3)
		return convert(argv[1], argv[2]);
	fprintf(stderr,
	    "usage: gen-xlsx IN.csv OUT.xlsx | gen-xlsx --types OUT.xlsx | gen-xlsx --sheets OUT.xlsx NAME=IN.csv…\n");
	return 2;
}
