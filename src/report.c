/* What every report shares: cell values made safe for spreadsheets (formula
 * neutralizing for CSV, cutting at the cell limit, RFC 4180 quoting) and reading one
 * import's journal with streaming queries, the paper of a PDF. The formats
 * live in report-xlsx.c, report-pdf.c, report-csv.c and report-json.c. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "report-int.h"
#include "xmalloc.h"

/* --- Cell values -------------------------------------------------------- */

int
report_cell_is_formula(const char *s)
{
	return s != NULL && s[0] != '\0' && strchr("=+-@\t\r\n", s[0]) != NULL;
}

/* Length of the well-formed UTF-8 sequence at s[0..len) and its code point
 * in *cp, or 0 when s[0] does not start one. */
static size_t
report_utf8_decode(const unsigned char *s, size_t len, unsigned long *cp)
{
	unsigned long c;
	size_t n;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		c = s[0] & 0x1f;
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		c = s[0] & 0x0f;
		n = 3;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		c = s[0] & 0x07;
		n = 4;
	} else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* UTF-16 code units of valid UTF-8 text s[0..len): Excel counts these. */
static size_t
report_utf16_units(const char *s, size_t len)
{
	size_t units = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)s[i];
		if ((b & 0xc0) != 0x80)
			units += b >= 0xf0 ? 2 : 1;
	}
	return units;
}

char *
report_cell_text(const char *s, size_t max, int neutralize, unsigned *what)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), o = 0, chars = 0;
	unsigned did = 0;
	/* At worst every byte becomes \xNN, after a leading '. */
	char *out = xmalloc(4 * len + 2);

	if (neutralize && report_cell_is_formula(s)) {
		out[o++] = '\'';
		did |= REPORT_NEUTRALIZED;
	} else if (neutralize && s[0] == '\'') {
		/* Doubled, so that taking off the quote a formula gets gives
		 * the value back as it was ('=x as ''=x). */
		out[o++] = '\'';
	}
	/* Bytes that are not UTF-8 are shown as the journal shows them. */
	for (size_t i = 0; i < len; chars++) {
		unsigned long cp;
		size_t n = report_utf8_decode(u + i, len - i, &cp);
		if (n == 0) {
			o += (size_t)sprintf(out + o, "\\x%02x", u[i]);
			i++;
		} else {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';

	if (max > 0 && report_utf16_units(out, o) > max) {
		char *marker = xasprintf(_("… [cut: %zu characters]"), chars);
		size_t mlen = strlen(marker);
		size_t munits = report_utf16_units(marker, mlen);
		size_t keep = max > munits ? max - munits : 0, units = 0, end = 0;
		/* Keep whole characters while they fit. */
		while (end < o) {
			unsigned char b = (unsigned char)out[end];
			size_t n = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
			size_t w = n == 4 ? 2 : 1;
			if (units + w > keep)
				break;
			units += w;
			end += n;
		}
		out = xrealloc(out, end + mlen + 1);
		memcpy(out + end, marker, mlen + 1);
		free(marker);
		did |= REPORT_CUT;
	}
	if (what != NULL)
		*what = did;
	return out;
}

char *
report_csv_quote(const char *s)
{
	size_t len = strlen(s);
	if (strpbrk(s, ",\"\r\n") == NULL && (len == 0 || (s[0] != ' ' && s[len - 1] != ' ')))
		return xstrdup(s);
	char *out = xmalloc(2 * len + 3), *o = out;
	*o++ = '"';
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			*o++ = '"';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* Whether the file at other is the one st describes. */
static int
report_same_file(const struct stat *st, const char *other)
{
	struct stat o;
	return other != NULL && stat(other, &o) == 0 && o.st_dev == st->st_dev &&
	    o.st_ino == st->st_ino;
}

/* The directory a report at path goes into, a new string. */
static char *
report_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
report_check_path(const char *path, const char *db, const char *source, char **cause)
{
	struct stat st;
	if (!strcmp(path, "-"))
		return 0;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			*cause = xasprintf(_("Cannot write the report to %s: it is a directory. "
					     "Give a file name, e.g. %s/report.xlsx."),
			    path, path);
			return -1;
		}
		static const char *const suffixes[] = { "", "-wal", "-journal", "-shm" };
		for (size_t i = 0; db != NULL && i < sizeof suffixes / sizeof *suffixes; i++) {
			char *f = xasprintf("%s%s", db, suffixes[i]);
			int same = report_same_file(&st, f);
			free(f);
			if (same) {
				*cause = xasprintf(
				    _("That is the database itself (or one of its files): a report written to %s would destroy it. Give another file name."),
				    path);
				return -1;
			}
		}
		if (report_same_file(&st, source)) {
			*cause = xasprintf(
			    _("That is the file that was imported: a report written to %s would destroy it. Give another file name."),
			    path);
			return -1;
		}
	}
	/* The report is written beside its path, then renamed onto it. */
	char *dir = report_dir(path);
	int rc = access(dir, W_OK | X_OK);
	if (rc != 0)
		*cause = xasprintf(_("Cannot write the report to %s: %s. "
				     "Give a path in a directory you can write to."),
		    path, strerror(errno));
	free(dir);
	return rc == 0 ? 0 : -1;
}

int
report_path_exists(const char *path)
{
	struct stat st;
	if (strcmp(path, "-") == 0 || lstat(path, &st) != 0)
		return 0;
	/* A device or a pipe is written into, not replaced; so is a link to
	 * one. A link to a file, or to nothing, would be replaced. */
	if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
		return 1;
	return S_ISREG(st.st_mode);
}

char *
report_temp_beside(const char *path, char **cause)
{
	struct stat st;
	/* A device or a pipe (/dev/stdout, a FIFO) takes the report as it is
	 * written: there is nothing to replace. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return xstrdup(path);
	char *dir = report_dir(path);
	char *tmp = xasprintf("%s/.sluice-report-XXXXXX", dir);
	free(dir);
	int fd = mkstemp(tmp);
	if (fd == -1) {
		*cause = xasprintf(_("Cannot write the report to %s: %s. "
				     "Give a path in a directory you can write to."),
		    path, strerror(errno));
		free(tmp);
		return NULL;
	}
	close(fd);
	return tmp;
}

int
report_put_in_place(char *tmp, const char *path, int rc, char **cause)
{
	if (strcmp(tmp, path) == 0) {
		/* Written into a device or a pipe: nothing to move or remove. */
		free(tmp);
		return rc;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		*cause = xasprintf(_("Cannot write the report to %s: %s. "
				     "Give a path in a directory you can write to."),
		    path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
report_paper_parse(const char *name)
{
	if (!strcasecmp(name, "a4"))
		return REPORT_PAPER_A4;
	if (!strcasecmp(name, "letter"))
		return REPORT_PAPER_LETTER;
	return -1;
}

enum report_paper
report_paper_from_locale(void)
{
	/* The countries whose locales print on Letter. */
	static const char *const letter[] = { "US", "CA", "MX", "PH", "PR", "CL", "CO", "CR", "GT",
		"NI", "PA", "SV", "VE", "DO", "BZ" };
	static const char *const vars[] = { "LC_ALL", "LC_PAPER", "LC_MEASUREMENT", "LANG" };
	for (size_t v = 0; v < sizeof vars / sizeof *vars; v++) {
		const char *loc = getenv(vars[v]);
		if (loc == NULL || *loc == '\0')
			continue;
		/* language_COUNTRY.codeset@modifier */
		const char *u = strchr(loc, '_');
		if (u == NULL || strlen(u + 1) < 2)
			return REPORT_PAPER_A4;
		for (size_t i = 0; i < sizeof letter / sizeof *letter; i++)
			if (!strncmp(u + 1, letter[i], 2) && !isalpha((unsigned char)u[3]))
				return REPORT_PAPER_LETTER;
		return REPORT_PAPER_A4;
	}
	return REPORT_PAPER_A4;
}

int
report_write_file(const char *db_path, int64_t id, const char *path, char **cause)
{
	size_t len = strlen(path);
	if (len > 4 && !strcasecmp(path + len - 4, ".pdf")) {
		const struct report_pdf_options o = { REPORT_PAPER_LOCALE, REPORT_PDF_ERRORS };
		return report_write_pdf(db_path, id, path, &o, NULL, cause);
	}
	return report_write_xlsx(db_path, id, path, NULL, cause);
}

double
report_duration(double duration_s)
{
	return round(duration_s * 1000.0) / 1000.0;
}

/* --- Reading the journal -------------------------------------------------- */

char *
report_journal_error(struct report_journal *rj)
{
	return xasprintf(_("Cannot read the journal of import %lld in %s (%s); "
			   "check the database and try again."),
	    (long long)rj->import.id, rj->db_path, journal_errmsg(rj->journal));
}

static int
report_read_import(struct report_journal *rj, int64_t id, char **cause)
{
	int rc = journal_import(rj->journal, id, &rj->import);
	rj->import.id = id;
	if (rc != 1) {
		*cause = rc == 0 ?
		    xasprintf(_("There is no import %lld in %s; sluice history lists them."),
			(long long)id, rj->db_path) :
		    report_journal_error(rj);
		return -1;
	}
	/* A running import whose process is gone is reported as sluice show
	 * reports it. */
	rj->import.status = journal_status_seen(&rj->import);
	rj->total = rj->import.total >= 0 ? (uint64_t)rj->import.total : rj->import.rows_done;
	return 0;
}

/* The mapping and the headers by column from the mapping JSON, and how
 * many columns the Rejected rows need: a row with surplus cells widens
 * them. */
static int
report_read_columns(struct report_journal *rj)
{
	json_t *arr = rj->import.mapping ? json_loads(rj->import.mapping, 0, NULL) : NULL;
	size_t n = 0, i;
	json_t *m;
	json_array_foreach(arr, i, m)
	{
		json_int_t col = json_integer_value(json_object_get(m, "column"));
		if (col >= 0 && col < 100000 && (size_t)col + 1 > n)
			n = (size_t)col + 1;
	}
	rj->headers = xcalloc(n + 1, sizeof *rj->headers);
	rj->mapping = xcalloc(json_array_size(arr) + 1, sizeof *rj->mapping);
	json_array_foreach(arr, i, m)
	{
		json_int_t col = json_integer_value(json_object_get(m, "column"));
		const char *h = json_string_value(json_object_get(m, "header"));
		const char *field = json_string_value(json_object_get(m, "field"));
		if (col >= 0 && (size_t)col < n && h != NULL && rj->headers[col] == NULL)
			rj->headers[col] = xstrdup(h);
		struct report_column *rc = &rj->mapping[rj->nmapping++];
		rc->column = col;
		rc->header = h ? xstrdup(h) : NULL;
		rc->field = field ? xstrdup(field) : NULL;
	}
	json_decref(arr);
	rj->ncolumns = n;

	size_t width;
	if (journal_reject_width(rj->journal, rj->import.id, &width) != 0)
		return -1;
	if (width > rj->ncolumns)
		rj->ncolumns = width;
	return 0;
}

int
report_journal_open(struct report_journal *rj, const char *db_path, int64_t id, char **cause)
{
	memset(rj, 0, sizeof *rj);
	rj->db_path = store_target_shown(db_path);
	rj->import.id = id;
	if (!store_target_exists(db_path)) {
		*cause = xasprintf(_("There is no database %s; give the --db path an import used."),
		    db_path);
		report_journal_close(rj);
		return -1;
	}
	rj->store = store_open(db_path, cause);
	if (rj->store == NULL) {
		report_journal_close(rj);
		return -1;
	}
	rj->journal = journal_open(rj->store);
	if (journal_read_begin(rj->journal) != STORE_OK) {
		*cause = report_journal_error(rj);
		report_journal_close(rj);
		return -1;
	}
	if (report_read_import(rj, id, cause) != 0) {
		report_journal_close(rj);
		return -1;
	}
	if (report_read_columns(rj) != 0 ||
	    (rj->import.restore_id > 0 &&
		journal_restore(rj->journal, rj->import.restore_id, &rj->restore, &rj->nrestore) !=
		    0)) {
		*cause = report_journal_error(rj);
		report_journal_close(rj);
		return -1;
	}
	return 0;
}

void
report_journal_close(struct report_journal *rj)
{
	journal_imports_free(rj->restore, rj->nrestore);
	rj->restore = NULL;
	rj->nrestore = 0;
	if (rj->journal != NULL) {
		journal_read_end(rj->journal);
		journal_close(rj->journal);
	}
	store_close(rj->store);
	store_import_row_clear(&rj->import);
	for (size_t c = 0; rj->headers != NULL && c < rj->ncolumns; c++)
		free(rj->headers[c]);
	free(rj->headers);
	for (size_t i = 0; i < rj->nmapping; i++) {
		free(rj->mapping[i].header);
		free(rj->mapping[i].field);
	}
	free(rj->mapping);
	free(rj->db_path);
	memset(rj, 0, sizeof *rj);
}

/* The rejected rows joined with their errors by walking both in row
 * order: one row and its errors in memory at a time. */
struct report_rejects {
	struct report_journal *rj;
	struct store_iter *rows;
	struct store_iter *errors;
	const struct error_row *error; /* the errors cursor's row */
	int error_rc;		       /* its last step */
	char *text;
	size_t text_len, text_alloc;
	struct report_reject row;
};

struct report_rejects *
report_rejects_open(struct report_journal *rj)
{
	struct report_rejects *it = xcalloc(1, sizeof *it);
	it->rj = rj;
	it->rows = journal_each_reject(rj->journal, rj->import.id);
	it->errors = journal_each_error(rj->journal, rj->import.id);
	if (it->rows == NULL || it->errors == NULL) {
		report_rejects_close(it);
		return NULL;
	}
	it->error_rc = store_next_error(it->errors, &it->error);
	return it;
}

static void
report_text_add(struct report_rejects *it, const char *s)
{
	size_t n = strlen(s);
	if (it->text_len + n + 1 > it->text_alloc) {
		it->text_alloc = (it->text_len + n + 1) * 2;
		it->text = xrealloc(it->text, it->text_alloc);
	}
	memcpy(it->text + it->text_len, s, n + 1);
	it->text_len += n;
}

int
report_rejects_next(struct report_rejects *it, const struct report_reject **out)
{
	const struct reject_row *rr;
	int rc = store_next_reject(it->rows, &rr);
	if (rc != 1)
		return rc;
	struct report_reject *r = &it->row;
	r->row_no = rr->row_no;
	r->line_no = rr->line_no;
	r->outcome = rr->outcome;
	r->cells = rr->cells;
	r->ncells = rr->ncells;

	it->text_len = 0;
	char *head =
	    xasprintf(_("row %lld (line %lld)"), (long long)r->row_no, (long long)r->line_no);
	report_text_add(it, head);
	free(head);
	int nerrors = 0;
	while (it->error_rc == 1 && it->error->row_no <= r->row_no) {
		if (it->error->row_no == r->row_no) {
			report_text_add(it, nerrors++ ? "; " : ": ");
			if (it->error->field != NULL) {
				report_text_add(it, it->error->field);
				report_text_add(it, ": ");
			}
			report_text_add(it, it->error->message ? it->error->message : "");
		}
		it->error_rc = store_next_error(it->errors, &it->error);
	}
	if (it->error_rc < 0)
		return -1;
	r->error = it->text;
	*out = r;
	return 1;
}

void
report_rejects_close(struct report_rejects *it)
{
	if (it == NULL)
		return;
	store_iter_close(it->rows);
	store_iter_close(it->errors);
	free(it->text);
	free(it);
}
