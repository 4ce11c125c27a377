/* Cells of a spreadsheet as text a person recognizes, and the rows they
 * make under a header, shared by the XLSX and XLS sources. Reading the
 * files is theirs, not this file's. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "source-sheet.h"
#include "text.h"
#include "xmalloc.h"

/* Days from 1970-01-01 to the day before each epoch. */
#define SHEET_EPOCH_1900 (-25569)	/* 1899-12-30, for serials after 1900-02-28 */
#define SHEET_EPOCH_1900_EARLY (-25568) /* 1899-12-31, for serials up to 59 */
#define SHEET_EPOCH_1904 (-24107)	/* 1904-01-01 is serial 0 */
#define SHEET_LAST_1900 2958466.0	/* 10000-01-01 */
#define SHEET_LAST_1904 (2958466.0 - 1462.0)

static locale_t sheet_c_locale;
static pthread_once_t sheet_c_locale_once = PTHREAD_ONCE_INIT;

static void
sheet_make_c_locale(void)
{
	sheet_c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Numbers are written and read with a '.' whatever the user's locale. */
static locale_t
sheet_use_c_locale(void)
{
	pthread_once(&sheet_c_locale_once, sheet_make_c_locale);
	return sheet_c_locale != (locale_t)0 ? uselocale(sheet_c_locale) : (locale_t)0;
}

static void
sheet_restore_locale(locale_t old)
{
	if (old != (locale_t)0)
		uselocale(old);
}

enum sheet_kind
sheet_builtin_kind(unsigned id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
	    (id >= 50 && id <= 58))
		return SHEET_DATE;
	if (id == 22)
		return SHEET_DATETIME;
	if ((id >= 18 && id <= 21) || id == 32 || id == 33 || id == 45 || id == 47)
		return SHEET_TIME;
	if (id == 46)
		return SHEET_ELAPSED;
	return SHEET_NUMBER;
}

enum sheet_kind
sheet_format_kind(const char *code)
{
	bool y = false, d = false, m = false, h = false, s = false, ampm = false;
	bool elapsed = false;
	const char *p, *q;

	if (!strcasecmp(code, "General") || !strcmp(code, "@"))
		return SHEET_NUMBER;
	/* The first section is the one for positive numbers. */
	for (p = code; *p != '\0' && *p != ';'; p++) {
		switch (*p) {
		case '"':
			q = strchr(p + 1, '"');
			if (q == NULL)
				goto done;
			p = q;
			continue;
		case '\\':
		case '_':
		case '*':
			if (p[1] == '\0')
				goto done;
			p++;
			continue;
		case '[':
			q = strchr(p + 1, ']');
			if (q == NULL)
				goto done;
			/* [h], [mm], [ss]: elapsed time; anything else in
			 * brackets is a colour, a condition or a locale. */
			if (q > p + 1 && strspn(p + 1, "hHmMsS") == (size_t)(q - p - 1)) {
				elapsed = true;
				h |= tolower((unsigned char)p[1]) == 'h';
				s |= tolower((unsigned char)p[1]) == 's';
			}
			p = q;
			continue;
		}
		switch (tolower((unsigned char)*p)) {
		case 'y': y = true; break;
		case 'd': d = true; break;
		case 'm': m = true; break;
		case 'h': h = true; break;
		case 's': s = true; break;
		case 'a':
			if (!strncasecmp(p, "am/pm", 5) || !strncasecmp(p, "a/p", 3))
				ampm = true;
			break;
		}
	}
done:
	if ((y || d || (m && !h && !s && !elapsed)) && (h || s || ampm || elapsed))
		return SHEET_DATETIME;
	if (y || d || (m && !h && !s && !elapsed))
		return SHEET_DATE;
	if (elapsed)
		return SHEET_ELAPSED;
	if (h || s || ampm)
		return SHEET_TIME;
	return SHEET_NUMBER;
}

/* Whether s is a number written the shortest way with at most 15
 * significant digits: such a text is what the number reads as already. */
static bool
sheet_is_canonical(const char *s, size_t *len)
{
	const char *p = s;
	size_t digits = 0;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++, digits++;
	else if (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++, digits++;
	} else
		return false;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++, digits++;
		if (p[-1] == '0')
			return false;
	}
	if (*p != '\0' || digits > 15 || !strcmp(s, "-0"))
		return false;
	*len = (size_t)(p - s);
	return true;
}

size_t
sheet_format_number(double v, char *out)
{
	char e[48], digits[24];
	size_t ndigits = 0, n = 0, i;
	int prec, exp, k;
	bool neg;
	locale_t old;
	const char *p;

	if (v == 0 || !isfinite(v)) {
		/* Excel holds no infinity nor NaN; -0 reads as 0. */
		strcpy(out, "0");
		return 1;
	}
	old = sheet_use_c_locale();
	for (prec = 1; prec < 17; prec++) {
		snprintf(e, sizeof e, "%.*e", prec - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(e, sizeof e, "%.16e", v);
	sheet_restore_locale(old);

	neg = e[0] == '-';
	for (p = e + neg; *p != 'e' && *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9' && ndigits < sizeof digits - 1)
			digits[ndigits++] = *p;
	}
	exp = *p == 'e' ? atoi(p + 1) : 0;
	while (ndigits > 1 && digits[ndigits - 1] == '0')
		ndigits--;
	if (neg)
		out[n++] = '-';
	if (exp >= 21 || exp < -7) {
		out[n++] = digits[0];
		if (ndigits > 1) {
			out[n++] = '.';
			for (i = 1; i < ndigits; i++)
				out[n++] = digits[i];
		}
		n += (size_t)snprintf(out + n, SHEET_NUMBER_SIZE - n, "E%c%d", exp < 0 ? '-' : '+',
		    exp < 0 ? -exp : exp);
		return n;
	}
	if (exp < 0) {
		out[n++] = '0';
		out[n++] = '.';
		for (k = -1; k > exp; k--)
			out[n++] = '0';
		for (i = 0; i < ndigits; i++)
			out[n++] = digits[i];
	} else {
		for (i = 0; i < ndigits || (int)i <= exp; i++) {
			if ((int)i == exp + 1)
				out[n++] = '.';
			out[n++] = i < ndigits ? digits[i] : '0';
		}
	}
	out[n] = '\0';
	return n;
}

bool
sheet_parse_number(const char *s, double *v)
{
	locale_t old;
	char *end;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return false;
	old = sheet_use_c_locale();
	*v = strtod(s, &end);
	sheet_restore_locale(old);
	while (*end == ' ')
		end++;
	return *end == '\0' && end != s;
}

size_t
sheet_format_number_text(const char *s, char *out)
{
	size_t len;
	double v;

	while (*s == ' ')
		s++;
	if (sheet_is_canonical(s, &len) && len < SHEET_NUMBER_SIZE) {
		memcpy(out, s, len + 1);
		return len;
	}
	if (!sheet_parse_number(s, &v))
		return 0;
	return sheet_format_number(v, out);
}

/* Year, month and day of the day z days after 1970-01-01 (H. Hinnant's
 * civil_from_days). */
static void
sheet_civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, y0;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y0 = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(y0 + (*m <= 2));
}

size_t
sheet_format_date(double v, enum sheet_kind kind, bool date1904, char *out)
{
	int64_t secs, days;
	unsigned month, day, sod;
	int year, n;

	if (kind == SHEET_NUMBER || !(v >= 0) || v >= (date1904 ? SHEET_LAST_1904 : SHEET_LAST_1900))
		return sheet_format_number(v, out);
	secs = llround(v * 86400.0);
	days = secs / 86400;
	sod = (unsigned)(secs % 86400);
	if (kind == SHEET_TIME) {
		return (size_t)snprintf(out, SHEET_NUMBER_SIZE, "%02u:%02u:%02u", sod / 3600,
		    sod / 60 % 60, sod % 60);
	}
	if (kind == SHEET_ELAPSED) {
		return (size_t)snprintf(out, SHEET_NUMBER_SIZE, "%02lld:%02u:%02u",
		    (long long)(secs / 3600), sod / 60 % 60, sod % 60);
	}
	if (date1904)
		sheet_civil(SHEET_EPOCH_1904 + days, &year, &month, &day);
	else if (days == 60) {
		/* Lotus 1-2-3 took 1900 for a leap year, and Excel kept it:
		 * serial 60 is the 29 February 1900 Excel shows. */
		year = 1900, month = 2, day = 29;
	} else if (days < 60)
		sheet_civil(SHEET_EPOCH_1900_EARLY + days, &year, &month, &day);
	else
		sheet_civil(SHEET_EPOCH_1900 + days, &year, &month, &day);
	if (kind == SHEET_DATE)
		n = snprintf(out, SHEET_NUMBER_SIZE, "%04d-%02u-%02u", year, month, day);
	else {
		n = snprintf(out, SHEET_NUMBER_SIZE, "%04d-%02u-%02uT%02u:%02u:%02u", year, month,
		    day, sod / 3600, sod / 60 % 60, sod % 60);
	}
	return (size_t)n;
}

void
sheet_column_name(unsigned col, char out[4])
{
	char tmp[4];
	size_t n = 0, i;

	col++;
	while (col > 0 && n < 3) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

void
sheet_rows_init(struct sheet_rows *r, const char *name)
{
	memset(r, 0, sizeof *r);
	r->name = name;
	r->text_size = 4096;
	r->text = xmalloc(r->text_size);
	r->text[0] = '\0';
	r->text_len = 1;
}

void
sheet_rows_free(struct sheet_rows *r)
{
	free(r->text);
	free(r->cols);
	free(r->offs);
	free(r->lens);
	free(r->header);
	free(r->header_text);
	free(r->row.cells);
	free(r->row.lens);
	free(r->row.error);
	free(r->problem);
	memset(r, 0, sizeof *r);
}

void
sheet_row_begin(struct sheet_rows *r)
{
	r->text_len = 1;
	r->ncells = 0;
	free(r->problem);
	r->problem = NULL;
}

void
sheet_row_problem(struct sheet_rows *r, char *why)
{
	if (r->problem == NULL)
		r->problem = why;
	else
		free(why);
}

/* Whether the row read has a value in column col already. Cells come in
 * column order in files that spreadsheet programs write: only a cell
 * that does not is looked for among the others. */
static bool
sheet_row_has(const struct sheet_rows *r, unsigned col)
{
	if (r->ncells == 0 || col > r->cols[r->ncells - 1])
		return false;
	for (size_t i = 0; i < r->ncells; i++)
		if (r->cols[i] == col)
			return true;
	return false;
}

int
sheet_row_add(struct sheet_rows *r, unsigned col, const char *v, size_t n, uint64_t line, char **cause)
{
	size_t size;
	char column[4];

	if (sheet_row_has(r, col)) {
		sheet_column_name(col, column);
		sheet_row_problem(r,
		    xasprintf(_("its cell %s%llu is in the file twice, with two values; save "
				"the file again from the spreadsheet program."),
			column, (unsigned long long)line));
		return 0;
	}
	if (r->ncells == SHEET_COLUMNS_MAX) {
		*cause =
		    xasprintf(_("%s is refused: its row %llu holds more than %d cells, more "
				"than a spreadsheet has columns. Save it again from the spreadsheet "
				"program."),
			r->name, (unsigned long long)line, SHEET_COLUMNS_MAX);
		return -1;
	}
	if (r->text_len + n + 1 > SHEET_ROW_TEXT_MAX) {
		*cause = xasprintf(
		    _("%s is refused: its row %llu holds more than 4 MiB of "
		      "text, more than sluice reads in one row; check that this is the right "
		      "file."),
		    r->name, (unsigned long long)line);
		return -1;
	}
	if (v != NULL && r->text_len + n + 1 > r->text_size) {
		size = r->text_size;
		while (size < r->text_len + n + 1)
			size *= 2;
		r->text = xrealloc(r->text, size);
		r->text_size = size;
	}
	if (r->ncells == r->cells_size) {
		r->cells_size = r->cells_size == 0 ? 16 : 2 * r->cells_size;
		r->cols = xreallocarray(r->cols, r->cells_size, sizeof *r->cols);
		r->offs = xreallocarray(r->offs, r->cells_size, sizeof *r->offs);
		r->lens = xreallocarray(r->lens, r->cells_size, sizeof *r->lens);
	}
	if (v != NULL) {
		memcpy(r->text + r->text_len, v, n);
		r->text[r->text_len + n] = '\0';
	}
	r->cols[r->ncells] = col;
	r->offs[r->ncells] = r->text_len;
	r->lens[r->ncells] = n;
	r->ncells++;
	r->text_len += n + 1;
	return 0;
}

bool
sheet_row_is_header(const struct sheet_rows *r, size_t nth, uint64_t line, uint64_t want)
{
	size_t values = 0;

	if (want != 0)
		return line >= want;
	if (nth >= SOURCE_HEADER_ROWS)
		return false;
	for (size_t i = 0; i < r->ncells; i++) {
		const char *p = r->text + r->offs[i];
		size_t len = r->lens[i];
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		if (len == 0)
			continue;
		if (source_is_data(p, len))
			return false;
		values++;
	}
	return values >= 2;
}

char *
sheet_describe_header(const char *description, uint64_t line, uint64_t skipped)
{
	if (skipped == 0)
		return xstrdup(description);
	return xasprintf(ngettext("%s; header on row %llu, %llu row with values above it skipped",
			     "%s; header on row %llu, %llu rows with values above it skipped",
			     skipped),
	    description, (unsigned long long)line, (unsigned long long)skipped);
}

bool
sheet_row_empty(const struct sheet_rows *r)
{
	return r->ncells == 0;
}

/* Makes room for width cells in the row given out. */
static void
sheet_row_reserve(struct sheet_rows *r, size_t width)
{
	if (width <= r->row_size)
		return;
	r->row.cells = xreallocarray(r->row.cells, width, sizeof *r->row.cells);
	r->row.lens = xreallocarray(r->row.lens, width, sizeof *r->row.lens);
	r->row_size = width;
}

/* Places the cells of the row read in their columns, width of them. */
static void
sheet_row_place(struct sheet_rows *r, size_t width)
{
	size_t i;

	sheet_row_reserve(r, width);
	for (i = 0; i < width; i++) {
		r->row.cells[i] = r->text;
		r->row.lens[i] = 0;
	}
	for (i = 0; i < r->ncells; i++) {
		if (r->cols[i] < width) {
			r->row.cells[r->cols[i]] = r->text + r->offs[i];
			r->row.lens[r->cols[i]] = r->lens[i];
		}
	}
	r->row.ncells = width;
}

void
sheet_take_header(struct sheet_rows *r)
{
	size_t width = 0, i;

	for (i = 0; i < r->ncells; i++) {
		if (r->cols[i] + 1 > width)
			width = r->cols[i] + 1;
	}
	sheet_row_place(r, width);
	r->header_text = xmalloc(r->text_len);
	memcpy(r->header_text, r->text, r->text_len);
	r->header = xreallocarray(NULL, width > 0 ? width : 1, sizeof *r->header);
	for (i = 0; i < width; i++)
		r->header[i] = text_trim(r->header_text + (r->row.cells[i] - r->text));
	r->nheader = width;
	r->have_header = true;
}

struct row *
sheet_row_make(struct sheet_rows *r, uint64_t line)
{
	size_t width = r->nheader, i;
	unsigned beyond = SHEET_COLUMNS_MAX;
	char column[4];

	for (i = 0; i < r->ncells; i++) {
		if (r->cols[i] >= r->nheader && r->cols[i] < beyond)
			beyond = r->cols[i];
		if (r->cols[i] + 1 > width)
			width = r->cols[i] + 1;
	}
	sheet_row_place(r, width);
	r->row.number = ++r->rows;
	r->row.line = line;
	free(r->row.error);
	r->row.error = NULL;
	if (r->problem != NULL) {
		r->row.error = xasprintf(_("Row %llu (spreadsheet row %llu): %s"),
		    (unsigned long long)r->row.number, (unsigned long long)line, r->problem);
	} else if (beyond < SHEET_COLUMNS_MAX) {
		sheet_column_name(beyond, column);
		r->row.error = xasprintf(
		    _("Row %llu (spreadsheet row %llu) has a value in "
		      "column %s (cell %s%llu), beyond the %zu columns of the header; give that "
		      "column a header or clear the cell."),
		    (unsigned long long)r->row.number, (unsigned long long)line, column, column,
		    (unsigned long long)line, r->nheader);
	}
	return &r->row;
}

/* The names of the sheets for a message: "A", "B", ... */
static char *
sheet_list(const struct source_sheet_info *infos, size_t n)
{
	char *list = xstrdup(""), *name, *next;
	size_t i;

	for (i = 0; i < n && i < 20; i++) {
		name = text_escape(infos[i].name);
		next = xasprintf("%s%s\"%s\"", list, i > 0 ? ", " : "", name);
		free(name);
		free(list);
		list = next;
	}
	if (n > 20) {
		next = xasprintf("%s, ...", list);
		free(list);
		list = next;
	}
	return list;
}

long
sheet_next_with_cells(const struct source_sheet_info *infos, size_t n, size_t after)
{
	for (size_t i = after + 1; i < n; i++)
		if (!infos[i].hidden && !infos[i].chart)
			return (long)i;
	return -1;
}

long
sheet_choose(const struct source_sheet_info *infos, size_t n, const char *want, const char *file,
    char **cause)
{
	unsigned long number;
	char *list, *esc, *end;
	size_t i;

	if (n == 0) {
		*cause = xasprintf(_("The workbook %s has no sheets. Save it again from the "
				     "spreadsheet program."),
		    file);
		return -1;
	}
	if (want == NULL) {
		for (i = 0; i < n; i++) {
			if (!infos[i].hidden && !infos[i].chart)
				return (long)i;
		}
		for (i = 0; i < n; i++) {
			if (!infos[i].chart)
				return (long)i;
		}
		*cause = xasprintf(_("The workbook %s holds only charts, no sheet of cells to "
				     "import."),
		    file);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!strcmp(infos[i].name, want))
			goto found;
	}
	for (i = 0; i < n; i++) {
		if (!strcasecmp(infos[i].name, want))
			goto found;
	}
	if (want[0] >= '0' && want[0] <= '9') {
		errno = 0;
		number = strtoul(want, &end, 10);
		if (*end == '\0' && errno == 0 && number >= 1 && number <= n) {
			i = number - 1;
			goto found;
		}
	}
	list = sheet_list(infos, n);
	esc = text_escape(want);
	*cause = xasprintf(_("The workbook %s has no sheet \"%s\"; its sheets are %s. Choose "
			     "one with --sheet NAME or --sheet N."),
	    file, esc, list);
	free(esc);
	free(list);
	return -1;

found:
	if (infos[i].chart) {
		esc = text_escape(infos[i].name);
		*cause = xasprintf(_("The sheet \"%s\" of %s is a chart, not a sheet of cells; "
				     "choose another with --sheet (sluice inspect %s lists them)."),
		    esc, file, file);
		free(esc);
		return -1;
	}
	return (long)i;
}
