/* Unit tests of the CSV source through source_open(): sniffing, quoting,
 * line numbers, row errors and the files sluice refuses. Fixtures are
 * written into a temporary directory by each test. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "xmalloc.h"

static char fixture_dir[] = "/tmp/sluice-test-source-csv-XXXXXX";

/* Writes len bytes of data to a file called name in the fixture directory
 * and returns its path, valid until the next call. */
static const char *
fixture(const char *name, const char *data, size_t len)
{
	static char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static const char *
fixture_text(const char *name, const char *text)
{
	return fixture(name, text, strlen(text));
}

static struct source *
open_ok(const char *path, int delimiter)
{
	struct source_options opts = { .delimiter = delimiter };
	char *cause = NULL;
	struct source *s = source_open(path, &opts, &cause);

	ck_assert_msg(s != NULL, "source_open failed: %s", cause);
	return s;
}

/* source_open() refuses path, saying before, the path, then after. */
static void
assert_refused(const char *path, const char *before, const char *after)
{
	char *cause = NULL, *expected = xasprintf("%s%s%s", before, path, after);
	struct source *s = source_open(path, NULL, &cause);

	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, expected);
	free(cause);
	free(expected);
}

static struct row *
next_row(struct source *s)
{
	struct row *row = NULL;
	char *cause = NULL;
	int rc = source_next(s, &row, &cause);

	ck_assert_msg(rc == 1, "source_next gave %d: %s", rc, cause != NULL ? cause : "(no cause)");
	return row;
}

static void
assert_end(struct source *s)
{
	struct row *row = NULL;
	char *cause = NULL;

	ck_assert_int_eq(source_next(s, &row, &cause), 0);
}

static void
assert_header(struct source *s, size_t n, const char *const *names)
{
	size_t got, i;
	const char *const *header = source_header(s, &got);

	ck_assert_uint_eq(got, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(header[i], names[i]);
}

static void
assert_cells(const struct row *row, size_t n, const char *const *cells)
{
	size_t i;

	ck_assert_uint_eq(row->ncells, n);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(row->cells[i], cells[i]);
		ck_assert_uint_eq(row->lens[i], strlen(cells[i]));
	}
}

START_TEST(notes_above_the_header_are_skipped_and_named)
{
	struct source *s =
	    open_ok(fixture_text("notes.csv",
			"Notes:\n"
			"\"Some addresses are missing, see https://example.com/help.\"\n"
			"\n"
			"First Name,Email Address,Company\n"
			"Ann,ann@example.org,Acme\n"),
		0);
	struct row *row;

	assert_header(s, 3, (const char *[]){ "First Name", "Email Address", "Company" });
	ck_assert_uint_eq(source_header_line(s), 4);
	ck_assert_str_eq(source_describe(s),
	    "CSV, delimiter ','; header on line 4, lines 1-3 skipped");
	row = next_row(s);
	ck_assert_uint_eq(row->number, 1);
	ck_assert_uint_eq(row->line, 5);
	assert_cells(row, 3, (const char *[]){ "Ann", "ann@example.org", "Acme" });
	assert_end(s);
	source_close(s);

	/* A first row of data-like values is no header either; but with no
	 * row that looks like one, the first row is the header. */
	s = open_ok(fixture_text("data-first.csv",
			"ann@example.org,+1 650 253 0000\n"
			"bob@example.org,+1 650 253 0001\n"),
	    0);
	ck_assert_uint_eq(source_header_line(s), 1);
	source_close(s);
}
END_TEST

START_TEST(header_line_option_names_the_header)
{
	const char *path = fixture_text("title.csv",
	    "Contacts,exported 2024-05-01\n"
	    "name,email\n"
	    "Ann,ann@example.org\n");
	struct source_options opts = { .header_line = 2 };
	char *cause = NULL;
	struct source *s = source_open(path, &opts, &cause);

	ck_assert_ptr_nonnull(s);
	assert_header(s, 2, (const char *[]){ "name", "email" });
	ck_assert_uint_eq(next_row(s)->line, 3);
	source_close(s);
	/* Without it, the title (no value looks like data) is the header. */
	s = open_ok(path, 0);
	ck_assert_uint_eq(source_header_line(s), 1);
	source_close(s);
	opts.header_line = 9;
	ck_assert_ptr_null(source_open(path, &opts, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "title.csv has no row on line 9 or after it"));
	free(cause);
}
END_TEST

START_TEST(sniffs_semicolon)
{
	struct source *s = open_ok(fixture_text("semicolon.csv",
				       "name;email;city\n"
				       "Ann;ann@example.org;Paris, France\n"
				       "Bob;bob@example.org;Lyon\n"),
	    0);
	struct row *row;

	ck_assert_str_eq(source_format(s), "csv");
	ck_assert_str_eq(source_describe(s), "CSV, delimiter ';'");
	assert_header(s, 3, (const char *[]){ "name", "email", "city" });
	row = next_row(s);
	assert_cells(row, 3, (const char *[]){ "Ann", "ann@example.org", "Paris, France" });
	ck_assert_ptr_null(row->error);
	next_row(s);
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(sniffs_tab)
{
	struct source *s = open_ok(fixture_text("tab.tsv",
				       "name\temail\tnote\n"
				       "Ann\tann@example.org\tlikes a, b; and c\n"),
	    0);

	ck_assert_str_eq(source_describe(s), "CSV, delimiter TAB");
	assert_header(s, 3, (const char *[]){ "name", "email", "note" });
	assert_cells(next_row(s), 3,
	    (const char *[]){ "Ann", "ann@example.org", "likes a, b; and c" });
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(sniffs_pipe)
{
	struct source *s = open_ok(fixture_text("pipe.csv",
				       "name|email\n"
				       "Ann|ann@example.org\n"
				       "\"Bob, Jr.\"|bob@example.org\n"),
	    0);

	ck_assert_str_eq(source_describe(s), "CSV, delimiter '|'");
	next_row(s);
	assert_cells(next_row(s), 2, (const char *[]){ "Bob, Jr.", "bob@example.org" });
	source_close(s);
}
END_TEST

START_TEST(sniff_prefers_the_more_frequent_of_two_regular_delimiters)
{
	struct source *s = open_ok(fixture_text("regular.csv",
				       "name;email;phone;city,zip\n"
				       "Ann;ann@example.org;1;Paris,75001\n"),
	    0);

	ck_assert_str_eq(source_describe(s), "CSV, delimiter ';'");
	source_close(s);
}
END_TEST

START_TEST(single_column_uses_comma)
{
	struct source *s = open_ok(fixture_text("one-column.csv", "email\nann@example.org\n"), 0);

	ck_assert_str_eq(source_describe(s), "CSV, delimiter ','");
	assert_header(s, 1, (const char *[]){ "email" });
	assert_cells(next_row(s), 1, (const char *[]){ "ann@example.org" });
	source_close(s);
}
END_TEST

START_TEST(bom_is_dropped)
{
	struct source *s =
	    open_ok(fixture_text("bom.csv", "\xef\xbb\xbfname,email\nAnn,ann@example.org\n"), 0);

	assert_header(s, 2, (const char *[]){ "name", "email" });
	ck_assert_uint_eq(next_row(s)->line, 2);
	source_close(s);
}
END_TEST

/* An unquoted cell is the file's bytes, the spaces and tabs around it
 * included (values are trimmed where they are checked, not here); a quoted
 * cell is what is inside its quotes; blank lines are no rows. */
START_TEST(unquoted_cells_keep_their_blanks)
{
	struct source *s = open_ok(
	    fixture_text("blanks.csv", "a,b,c\n  x , y\t,\" q \" \n  ,  \"a, b\"  ,z\n   \n1,2,3\n"),
	    ',');
	struct row *row;

	assert_header(s, 3, (const char *[]){ "a", "b", "c" });
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	assert_cells(row, 3, (const char *[]){ "  x ", " y\t", " q " });
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	assert_cells(row, 3, (const char *[]){ "  ", "a, b", "z" });
	row = next_row(s);
	assert_cells(row, 3, (const char *[]){ "1", "2", "3" });
	ck_assert_uint_eq(row->line, 5);
	assert_end(s);
	source_close(s);

	s = open_ok(fixture_text("blanks.tsv", "a\tb\n x \t y \n"), '\t');
	assert_cells(next_row(s), 2, (const char *[]){ " x ", " y " });
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(header_cells_are_trimmed)
{
	struct source *s =
	    open_ok(fixture_text("spaces.csv", "\" name \",  email\t,\"\xc2\xa0phone\"\n1,2,3\n"), 0);

	assert_header(s, 3, (const char *[]){ "name", "email", "phone" });
	source_close(s);
}
END_TEST

START_TEST(crlf_and_cr_line_ends)
{
	struct source *s = open_ok(
	    fixture_text("line-ends.csv", "a,b\r\n1,2\r\n3,\"x\r\ny\"\r\n4,5\r6,7\r\r8,9\n10,11"), 0);
	struct row *row;

	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "1", "2" });
	ck_assert_uint_eq(row->line, 2);
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "3", "x\r\ny" });
	ck_assert_uint_eq(row->line, 3);
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "4", "5" });
	ck_assert_uint_eq(row->line, 5);
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "6", "7" });
	ck_assert_uint_eq(row->line, 6);
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "8", "9" });
	ck_assert_uint_eq(row->line, 8);
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "10", "11" });
	ck_assert_uint_eq(row->line, 9);
	ck_assert_ptr_null(row->error);
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(quoted_delimiter_quote_and_newline)
{
	struct source *s = open_ok(fixture_text("quotes.csv",
				       "name,note\n"
				       "\"Smith, Ann\",\"She said \"\"hi\"\"\nand left\"\n"
				       "Bob,\"\"\n"),
	    0);
	struct row *row;

	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "Smith, Ann", "She said \"hi\"\nand left" });
	ck_assert_ptr_null(row->error);
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "Bob", "" });
	ck_assert_uint_eq(row->line, 4);
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(stray_quote_in_unquoted_field_is_kept)
{
	struct source *s =
	    open_ok(fixture_text("stray-quote.csv", "name,size\nab\"c,12\" screen\nBob,1\n"), 0);
	struct row *row;

	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "ab\"c", "12\" screen" });
	ck_assert_ptr_null(row->error);
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "Bob", "1" });
	ck_assert_uint_eq(row->line, 3);
	source_close(s);
}
END_TEST

START_TEST(line_numbers_count_multiline_and_blank_lines)
{
	struct source *s = open_ok(fixture_text("lines.csv",
				       "\n"
				       "  \n"
				       "name,note\n"
				       "\n"
				       "Ann,\"a\n"
				       "\n"
				       "c\"\n"
				       "\r\n"
				       "\n"
				       "Bob,x\n"
				       "\n"),
	    0);
	struct row *row;

	assert_header(s, 2, (const char *[]){ "name", "note" });
	row = next_row(s);
	ck_assert_uint_eq(row->number, 1);
	ck_assert_uint_eq(row->line, 5);
	assert_cells(row, 2, (const char *[]){ "Ann", "a\n\nc" });
	row = next_row(s);
	ck_assert_uint_eq(row->number, 2);
	ck_assert_uint_eq(row->line, 10);
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(empty_fields_row_is_returned)
{
	struct source *s = open_ok(fixture_text("empty-fields.csv", "a,b,c\n,,\n"), 0);
	struct row *row = next_row(s);

	assert_cells(row, 3, (const char *[]){ "", "", "" });
	ck_assert_ptr_null(row->error);
	source_close(s);
}
END_TEST

START_TEST(too_few_fields_is_row_error)
{
	struct source *s = open_ok(fixture_text("too-few.csv",
				       "a,b,c,d,e,f\n"
				       "1,2,3,4,5,6\n1,2,3,4,5,6\n1,2,3,4,5,6\n"
				       "1,2,3,4,5,6\n1,2,3,4,5,6\n1,2,3,4,5,6\n"
				       "\n"
				       "1,2,3,4\n"
				       "1,2,3,4,5,6\n"),
	    0);
	struct row *row;
	int i;

	for (i = 0; i < 6; i++)
		ck_assert_ptr_null(next_row(s)->error);
	row = next_row(s);
	ck_assert_str_eq(row->error,
	    "Row 7 (line 9) has 4 fields but the "
	    "header has 6; check for a missing or extra delimiter.");
	assert_cells(row, 4, (const char *[]){ "1", "2", "3", "4" });
	ck_assert_ptr_null(next_row(s)->error);
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(too_many_fields_is_row_error)
{
	struct source *s = open_ok(fixture_text("too-many.csv", "a,b\n1,2,3\n1,2\n"), 0);
	struct row *row = next_row(s);

	ck_assert_str_eq(row->error,
	    "Row 1 (line 2) has 3 fields but the "
	    "header has 2; check for a missing or extra delimiter.");
	assert_cells(row, 3, (const char *[]){ "1", "2", "3" });
	ck_assert_ptr_null(next_row(s)->error);
	source_close(s);
}
END_TEST

START_TEST(invalid_utf8_names_row_and_offset)
{
	/* "Ren\xe9" is Latin-1; its bad byte is at offset 20 + 3. */
	const char text[] = "name,city\n" /* 10 bytes */
			    "Ann,Paris\n" /* 10 bytes */
			    "Ren\xe9,Caf\xc3\xa9\n"
			    "Bob,Lyon\n";
	struct source *s = open_ok(fixture_text("latin1.csv", text), 0);
	struct row *row;

	ck_assert_ptr_null(next_row(s)->error);
	row = next_row(s);
	ck_assert_str_eq(row->error,
	    "Row 2 (line 3) is not valid UTF-8 at "
	    "byte offset 23 of the file; convert the file to UTF-8 and "
	    "import it again.");
	ck_assert_str_eq(row->cells[0], "Ren\xe9");
	ck_assert_ptr_null(next_row(s)->error);
	assert_end(s);
	source_close(s);
}
END_TEST

/* A character cut by the end of a 64 KiB read is not invalid. */
START_TEST(utf8_split_across_reads_is_valid)
{
	size_t size = 65536 + 16;
	char *text = xmalloc(size);
	struct source *s;
	struct row *row;

	memset(text, '\n', size);
	memcpy(text, "name,note\n1,", 12);
	memset(text + 12, 'x', 65535 - 12);
	memcpy(text + 65535, "\xc3\xa9\r\n2,y\n", 8);
	s = open_ok(fixture("split-utf8.csv", text, size), 0);
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_uint_eq(row->lens[1], 65535 - 12 + 2);
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "2", "y" });
	ck_assert_uint_eq(row->line, 3);
	assert_end(s);
	source_close(s);
	free(text);
}
END_TEST

/* A CR LF cut by the end of a 64 KiB read is one line end. */
START_TEST(crlf_split_across_reads_is_one_line_end)
{
	size_t size = 65536 + 10;
	char *text = xmalloc(size);
	struct source *s;
	struct row *row;

	memset(text, 'x', size);
	memcpy(text, "name,note\n1,", 12);
	text[65535] = '\r';
	text[65536] = '\n';
	memcpy(text + 65537, "2,yyyy\n\n\n", 9);
	s = open_ok(fixture("split-crlf.csv", text, size), 0);
	row = next_row(s);
	ck_assert_uint_eq(row->lens[1], 65535 - 12);
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "2", "yyyy" });
	ck_assert_uint_eq(row->line, 3);
	assert_end(s);
	source_close(s);
	free(text);
}
END_TEST

START_TEST(unclosed_quote_at_eof)
{
	struct source *s = open_ok(fixture_text("unclosed.csv", "a,b\n1,2\n3,\"open\nmore\n"), 0);
	struct row *row;

	ck_assert_ptr_null(next_row(s)->error);
	row = next_row(s);
	ck_assert_str_eq(row->error,
	    "Row 2 (line 3): a quoted field is "
	    "never closed before the end of the file.");
	assert_cells(row, 2, (const char *[]){ "3", "open\nmore\n" });
	assert_end(s);
	source_close(s);

	s = open_ok(fixture_text("unclosed-no-newline.csv", "a,b\n3,\"open"), 0);
	row = next_row(s);
	ck_assert_str_eq(row->error,
	    "Row 1 (line 2): a quoted field is "
	    "never closed before the end of the file.");
	assert_cells(row, 2, (const char *[]){ "3", "open" });
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(last_row_without_line_end_is_read)
{
	struct source *s = open_ok(fixture_text("no-newline.csv", "a,b\n1,\"two\""), 0);
	struct row *row = next_row(s);

	assert_cells(row, 2, (const char *[]){ "1", "two" });
	ck_assert_ptr_null(row->error);
	assert_end(s);
	source_close(s);
}
END_TEST

/* A 2 MiB field after row_start, then end: the row comes with an error
 * naming the row, its line, the field and its size, the field's cell is
 * empty, and the row after it is read as usual. */
static void
assert_huge_field_rejects_its_row(const char *name, const char *row_start, const char *end,
    const char *expected)
{
	size_t start = strlen(row_start), field = 2 * 1024 * 1024, size;
	const char *next = "2,after\n";
	char *text;
	struct source *s;
	struct row *row;

	size = start + field + strlen(end) + strlen(next);
	text = xmalloc(size);
	memcpy(text, row_start, start);
	memset(text + start, 'x', field);
	memcpy(text + start + field, end, strlen(end));
	memcpy(text + start + field + strlen(end), next, strlen(next));
	s = open_ok(fixture(name, text, size), 0);
	row = next_row(s);
	ck_assert_ptr_nonnull(row->error);
	ck_assert_str_eq(row->error, expected);
	assert_cells(row, 2, (const char *[]){ "1", "" });
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	assert_cells(row, 2, (const char *[]){ "2", "after" });
	assert_end(s);
	source_close(s);
	free(text);
}

START_TEST(huge_field_rejects_its_row_only)
{
	assert_huge_field_rejects_its_row("huge-quoted.csv", "a,b\n1,\"", "\"\n",
	    "Row 1 (line 2): the field \"b\" (column 2) holds 2097152 bytes, more than the 1 MiB "
	    "a field may hold; shorten it, or import the file with a larger --max-field-size.");
	assert_huge_field_rejects_its_row("huge-plain.csv", "a,b\n1,", "\n",
	    "Row 1 (line 2): the field \"b\" (column 2) holds 2097152 bytes, more than the 1 MiB "
	    "a field may hold; shorten it, or import the file with a larger --max-field-size.");
	assert_huge_field_rejects_its_row("huge-quoted-spaces.csv", "a,b\n1,\"", "\"  \n",
	    "Row 1 (line 2): the field \"b\" (column 2) holds 2097152 bytes, more than the 1 MiB "
	    "a field may hold; shorten it, or import the file with a larger --max-field-size.");
}
END_TEST

/* The limit is the source's option: a field of 2 KiB is too long for
 * 1 KiB, and a quote never closed is said so even when the rest of the
 * file is longer than a field may be. */
START_TEST(field_limit_is_an_option)
{
	char text[4096 + 64];
	struct source_options opts = { .max_field = 1024 };
	struct source *s;
	struct row *row;
	char *cause = NULL;

	strcpy(text, "a,b\n1,");
	memset(text + 6, 'y', 2048);
	strcpy(text + 6 + 2048, "\n2,\"open\n");
	memset(text + strlen(text), 'z', 2048);
	text[6 + 2048 + 9 + 2048] = '\0';
	s = source_open(fixture("limit.csv", text, strlen(text)), &opts, &cause);
	ck_assert_msg(s != NULL, "source_open failed: %s", cause);
	row = next_row(s);
	ck_assert_str_eq(row->error,
	    "Row 1 (line 2): the field \"b\" (column 2) holds 2048 bytes, more than the 1 KiB "
	    "a field may hold; shorten it, or import the file with a larger --max-field-size.");
	row = next_row(s);
	ck_assert_str_eq(row->error,
	    "Row 2 (line 3): a quoted field is never closed before the end of the file.");
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(field_of_one_mib_is_read)
{
	size_t field = 1024 * 1024, size = 6 + field + 1;
	char *text = xmalloc(size);
	struct source *s;
	struct row *row;

	memcpy(text, "a,b\n1,", 6);
	memset(text + 6, 'x', field);
	text[size - 1] = '\n';
	s = open_ok(fixture("one-mib.csv", text, size), 0);
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_uint_eq(row->lens[1], field);
	assert_end(s);
	source_close(s);
	free(text);
}
END_TEST

START_TEST(binary_file_refused)
{
	static const char data[] = "name\0\1\2\3,email\n";

	assert_refused(fixture("photo.csv", data, sizeof data - 1), "",
	    " is not a spreadsheet or CSV file (it contains binary data).");
}
END_TEST

START_TEST(empty_file_refused)
{
	assert_refused(fixture("empty.csv", "", 0), "The file ",
	    " is empty: there is no header row.");
	assert_refused(fixture_text("blank.csv", "\n\r\n  \n"), "The file ",
	    " holds only blank lines: there is no header row.");
}
END_TEST

/* A file is read by its content: a ZIP cut short is a damaged workbook,
 * whatever its name says. */
START_TEST(truncated_zip_refused_as_damaged_workbook)
{
	static const char data[] = "PK\3\4\x14\0\6\0\x08\0\0\0!\0";

	assert_refused(fixture("contacts.csv", data, sizeof data - 1), "",
	    " cannot be read as an XLSX workbook: its ZIP archive is truncated "
	    "or damaged. Save it again from the spreadsheet program, or ask for "
	    "a new copy of the file.");
}
END_TEST

START_TEST(png_named_csv_refused)
{
	static const char data[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

	assert_refused(fixture("photo-named.csv", data, sizeof data - 1), "",
	    " is not a spreadsheet or CSV file (it contains binary data).");
}
END_TEST

START_TEST(utf8_file_reports_its_encoding)
{
	struct source *s =
	    open_ok(fixture_text("utf8.csv", "name;city\nZo\xc3\xab;K\xc3\xb6ln\n"), 0);

	ck_assert_str_eq(source_encoding(s), "UTF-8");
	ck_assert_str_eq(source_describe(s), "CSV, delimiter ';'");
	ck_assert_int_eq(source_delimiter(s), ';');
	source_close(s);
}
END_TEST

START_TEST(missing_file_and_directory_refused)
{
	char *path = xasprintf("%s/missing.csv", fixture_dir);

	assert_refused(path, "The file ", " cannot be opened: No such file or directory.");
	assert_refused(fixture_dir, "The file ", " cannot be read: Is a directory.");
	free(path);
}
END_TEST

START_TEST(reads_large_file_in_constant_memory)
{
	char *path = xasprintf("%s/large.csv", fixture_dir);
	FILE *f = fopen(path, "w");
	uint64_t rows = 0, done, total;
	struct source *s;
	struct row *row;
	char *cause = NULL;
	int i, rc;

	ck_assert_ptr_nonnull(f);
	fputs("id,name,email,phone\n", f);
	for (i = 1; i <= 200000; i++) {
		fprintf(f,
		    "%d,\"Name %d\",user%d@example.org,+33 6 12 34 56 "
		    "%02d\n",
		    i, i, i, i % 100);
	}
	ck_assert_int_eq(fclose(f), 0);

	s = open_ok(path, 0);
	while ((rc = source_next(s, &row, &cause)) == 1) {
		rows++;
		ck_assert_ptr_null(row->error);
		ck_assert_uint_eq(row->number, rows);
		ck_assert_uint_eq(row->line, rows + 1);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(rows, 200000);
	source_progress(s, &done, &total);
	ck_assert_uint_eq(done, total);
	source_close(s);
	free(path);
}
END_TEST

START_TEST(forced_delimiter_option)
{
	struct source *s = open_ok(fixture_text("forced.csv", "a;b,c\n1;2,3\n4;5,6\n"), ',');

	ck_assert_str_eq(source_describe(s), "CSV, delimiter ','");
	assert_header(s, 2, (const char *[]){ "a;b", "c" });
	assert_cells(next_row(s), 2, (const char *[]){ "1;2", "3" });
	source_close(s);
}
END_TEST

static Suite *
source_csv_suite(void)
{
	Suite *suite = suite_create("source-csv");
	TCase *tc = tcase_create("csv");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sniffs_semicolon);
	tcase_add_test(tc, sniffs_tab);
	tcase_add_test(tc, sniffs_pipe);
	tcase_add_test(tc, sniff_prefers_the_more_frequent_of_two_regular_delimiters);
	tcase_add_test(tc, single_column_uses_comma);
	tcase_add_test(tc, bom_is_dropped);
	tcase_add_test(tc, header_cells_are_trimmed);
	tcase_add_test(tc, unquoted_cells_keep_their_blanks);
	tcase_add_test(tc, crlf_and_cr_line_ends);
	tcase_add_test(tc, quoted_delimiter_quote_and_newline);
	tcase_add_test(tc, stray_quote_in_unquoted_field_is_kept);
	tcase_add_test(tc, line_numbers_count_multiline_and_blank_lines);
	tcase_add_test(tc, empty_fields_row_is_returned);
	tcase_add_test(tc, too_few_fields_is_row_error);
	tcase_add_test(tc, too_many_fields_is_row_error);
	tcase_add_test(tc, invalid_utf8_names_row_and_offset);
	tcase_add_test(tc, utf8_split_across_reads_is_valid);
	tcase_add_test(tc, crlf_split_across_reads_is_one_line_end);
	tcase_add_test(tc, unclosed_quote_at_eof);
	tcase_add_test(tc, last_row_without_line_end_is_read);
	tcase_add_test(tc, huge_field_rejects_its_row_only);
	tcase_add_test(tc, field_limit_is_an_option);
	tcase_add_test(tc, field_of_one_mib_is_read);
	tcase_add_test(tc, binary_file_refused);
	tcase_add_test(tc, empty_file_refused);
	tcase_add_test(tc, truncated_zip_refused_as_damaged_workbook);
	tcase_add_test(tc, png_named_csv_refused);
	tcase_add_test(tc, utf8_file_reports_its_encoding);
	tcase_add_test(tc, missing_file_and_directory_refused);
	tcase_add_test(tc, reads_large_file_in_constant_memory);
	tcase_add_test(tc, forced_delimiter_option);
	tcase_add_test(tc, notes_above_the_header_are_skipped_and_named);
	tcase_add_test(tc, header_line_option_names_the_header);
	suite_add_tcase(suite, tc);
	return suite;
}

/* Removes the fixture directory and what the tests wrote in it. */
static void
remove_fixtures(void)
{
	DIR *dir = opendir(fixture_dir);
	struct dirent *entry;
	char *path;

	if (dir == NULL)
		return;
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", fixture_dir, entry->d_name);
		unlink(path);
		free(path);
	}
	closedir(dir);
	rmdir(fixture_dir);
}

int
main(void)
{
	SRunner *runner;
	int failed;

	if (mkdtemp(fixture_dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	runner = srunner_create(source_csv_suite());
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	remove_fixtures();
	return failed == 0 ? 0 : 1;
}
