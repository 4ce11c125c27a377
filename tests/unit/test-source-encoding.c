/* Unit tests of encoding detection and conversion: encoding_detect() on
 * samples, and CSV files in Windows-1252, ISO-8859-15, UTF-16 and UTF-8
 * read through source_open(), bad bytes named by their offset in the file. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "source-encoding.h"
#include "xmalloc.h"

static char fixture_dir[] = "/tmp/sluice-test-source-encoding-XXXXXX";

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

/* UTF-16 of ASCII text, little or big endian, with or without a BOM. */
static char *
utf16(const char *ascii_or_utf8, int big, int bom, size_t *len)
{
	const unsigned char *p = (const unsigned char *)ascii_or_utf8;
	char *out = xmalloc(4 * strlen(ascii_or_utf8) + 4);
	size_t n = 0;

	if (bom) {
		out[n++] = big ? '\xfe' : '\xff';
		out[n++] = big ? '\xff' : '\xfe';
	}
	while (*p != '\0') {
		unsigned cp;

		if (*p < 0x80)
			cp = *p++;
		else if (*p < 0xe0)
			cp = (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f), p += 2;
		else
			cp = (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 |
			    (p[2] & 0x3f),
			p += 3;
		out[n++] = (char)(big ? cp >> 8 : cp & 0xff);
		out[n++] = (char)(big ? cp & 0xff : cp >> 8);
	}
	*len = n;
	return out;
}

static struct source *
open_ok(const char *path, const char *encoding)
{
	struct source_options opts = { .encoding = encoding };
	char *cause = NULL;
	struct source *s = source_open(path, &opts, &cause);

	ck_assert_msg(s != NULL, "source_open failed: %s", cause);
	return s;
}

static struct row *
next_row(struct source *s)
{
	struct row *row = NULL;
	char *cause = NULL;
	int rc = source_next(s, &row, &cause);

	ck_assert_msg(rc == 1, "source_next gave %d: %s", rc, cause != NULL ? cause : "");
	return row;
}

static void
assert_detects(const char *sample, size_t len, const char *want, size_t want_bom)
{
	size_t bom = 99;
	char *got = encoding_detect((const unsigned char *)sample, len, true, &bom);

	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(bom, want_bom);
	free(got);
}

/* A sample without NUL bytes and without a BOM. */
#define DETECTS(sample, want) assert_detects(sample, sizeof sample - 1, want, 0)

START_TEST(detects_boms_utf8_and_8_bit_text)
{
	size_t len;
	char *u;

	assert_detects("\xef\xbb\xbfname\n", 8, "UTF-8", 0);
	assert_detects("\xff\xfen\0a\0", 6, "UTF-16LE", 2);
	assert_detects("\xfe\xff\0n\0a", 6, "UTF-16BE", 2);
	DETECTS("name,city\nZo\xc3\xab,K\xc3\xb6ln\n", "UTF-8");
	DETECTS("plain ascii\n", "UTF-8");
	/* Mostly UTF-8 with a stray Latin-1 byte: UTF-8, whose bad row is
	 * rejected, rather than mojibake everywhere else. */
	DETECTS("Jos\xc3\xa9,Garc\xc3\xad"
		"a\nRen\xe9"
		"e,x\n",
	    "UTF-8");
	DETECTS("First Name,Last Name\nJos\xe9,M\xfcller\nRen\xe9"
		"e,Lef\xe8vre\n",
	    "WINDOWS-1252");
	DETECTS("Name,Note\nRen\xe9"
		"e,caf\xe9 \x93quoted\x94\n",
	    "WINDOWS-1252");
	u = utf16("name,city\nAnn,Paris\n", 0, 0, &len);
	assert_detects(u, len, "UTF-16LE", 0);
	free(u);
	u = utf16("name,city\nAnn,Paris\n", 1, 0, &len);
	assert_detects(u, len, "UTF-16BE", 0);
	free(u);
}
END_TEST

START_TEST(windows_1252_csv_is_converted)
{
	static const char text[] = "First Name;Last Name;Note\n"
				   "Jos\xe9;M\xfcller;\x93"
				   "caf\xe9\x94 \x80"
				   "5\n";
	struct source *s = open_ok(fixture("w1252.csv", text, sizeof text - 1), NULL);
	const char *const *header;
	struct row *row;
	size_t n;

	ck_assert_str_eq(source_encoding(s), "WINDOWS-1252");
	ck_assert_str_eq(source_describe(s), "CSV, delimiter ';', encoding WINDOWS-1252");
	header = source_header(s, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(header[2], "Note");
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[0], "José");
	ck_assert_str_eq(row->cells[1], "Müller");
	ck_assert_str_eq(row->cells[2],
	    "\xe2\x80\x9c"
	    "café"
	    "\xe2\x80\x9d \xe2\x82\xac"
	    "5");
	source_close(s);
}
END_TEST

START_TEST(forced_encoding_is_used)
{
	static const char text[] = "name,price\nEuro,\xa4"
				   "5\n";
	const char *path = fixture("latin9.csv", text, sizeof text - 1);
	struct source_options opts = { .encoding = "no-such-encoding" };
	struct source *s = open_ok(path, "iso-8859-15");
	char *cause = NULL;

	ck_assert_str_eq(source_encoding(s), "ISO-8859-15");
	ck_assert_str_eq(next_row(s)->cells[1], "€5");
	source_close(s);

	ck_assert_ptr_null(source_open(path, &opts, &cause));
	ck_assert_msg(strstr(cause, "does not know the encoding \"NO-SUCH-ENCODING\"") != NULL,
	    "%s", cause);
	free(cause);
}
END_TEST

START_TEST(utf16_with_bom_is_not_binary)
{
	size_t len;
	char *u = utf16("First Name,Last Name\r\nJosé,Müller\r\n山田,太郎\r\n", 0, 1, &len);
	struct source *s = open_ok(fixture("utf16le.csv", u, len), NULL);
	struct row *row;

	ck_assert_str_eq(source_encoding(s), "UTF-16LE");
	row = next_row(s);
	ck_assert_str_eq(row->cells[0], "José");
	ck_assert_str_eq(row->cells[1], "Müller");
	ck_assert_uint_eq(row->line, 2);
	row = next_row(s);
	ck_assert_str_eq(row->cells[0], "山田");
	ck_assert_uint_eq(row->line, 3);
	source_close(s);
	free(u);

	u = utf16("a;b\nZoë;x\n", 1, 1, &len);
	s = open_ok(fixture("utf16be.csv", u, len), NULL);
	ck_assert_str_eq(source_encoding(s), "UTF-16BE");
	ck_assert_str_eq(next_row(s)->cells[0], "Zoë");
	source_close(s);
	free(u);
}
END_TEST

START_TEST(undecodable_bytes_reject_their_row_with_offset)
{
	/* 0x81 means nothing in Windows-1252; it is at offset 15 + 4. */
	static const char text[] = "name,city\n" /* 10 */
				   "Ren\xe9,x\n" /* 7 */
				   "Bad\x81,y\n"
				   "Zo\xeb,z\n";
	struct source *s = open_ok(fixture("bad1252.csv", text, sizeof text - 1), NULL);
	struct row *row;

	ck_assert_str_eq(source_encoding(s), "WINDOWS-1252");
	ck_assert_ptr_null(next_row(s)->error);
	row = next_row(s);
	ck_assert_str_eq(row->error,
	    "Row 2 (line 3) holds bytes that are not WINDOWS-1252 "
	    "text at byte offset 20 of the file; if the file is in another encoding, import it "
	    "again with --encoding NAME.");
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[0], "Zoë");
	source_close(s);
}
END_TEST

START_TEST(lone_surrogate_in_utf16_rejects_its_row)
{
	size_t len, i;
	char *u = utf16("a,b\nx,y\nz,w\n", 0, 1, &len);
	struct source *s;
	struct row *row;

	/* Replace "y" (code unit 6 after the BOM) by a lone high surrogate. */
	i = 2 + 2 * 6;
	u[i] = '\x00';
	u[i + 1] = '\xd8';
	s = open_ok(fixture("surrogate.csv", u, len), NULL);
	row = next_row(s);
	ck_assert_msg(row->error != NULL && strstr(row->error, "byte offset 14 of the file"), "%s",
	    row->error ? row->error : "(no error)");
	ck_assert_ptr_null(next_row(s)->error);
	source_close(s);
	free(u);
}
END_TEST

/* Characters cut by the end of a read buffer are read whole. */
START_TEST(long_converted_file_streams)
{
	size_t rows = 30000, i, n = 0, len;
	char *text = xmalloc(rows * 16 + 64), *u;
	struct source *s;
	struct row *row;

	n += (size_t)sprintf(text, "name,n\n");
	for (i = 0; i < rows; i++)
		n += (size_t)sprintf(text + n, "Jos\xe9 %zu,\xe9\n", i);
	s = open_ok(fixture("long1252.csv", text, n), NULL);
	for (i = 0; i < rows; i++) {
		row = next_row(s);
		ck_assert_ptr_null(row->error);
		ck_assert_str_eq(row->cells[1], "é");
	}
	source_close(s);

	n = (size_t)sprintf(text, "name,n\n");
	for (i = 0; i < rows; i++)
		n += (size_t)sprintf(text + n, "Zoë %zu,€\n", i);
	u = utf16(text, 0, 1, &len);
	s = open_ok(fixture("long16.csv", u, len), NULL);
	for (i = 0; i < rows; i++) {
		row = next_row(s);
		ck_assert_ptr_null(row->error);
		ck_assert_str_eq(row->cells[1], "€");
	}
	source_close(s);
	free(u);
	free(text);
}
END_TEST

static Suite *
source_encoding_suite(void)
{
	Suite *suite = suite_create("source-encoding");
	TCase *tc = tcase_create("encoding");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, detects_boms_utf8_and_8_bit_text);
	tcase_add_test(tc, windows_1252_csv_is_converted);
	tcase_add_test(tc, forced_encoding_is_used);
	tcase_add_test(tc, utf16_with_bom_is_not_binary);
	tcase_add_test(tc, undecodable_bytes_reject_their_row_with_offset);
	tcase_add_test(tc, lone_surrogate_in_utf16_rejects_its_row);
	tcase_add_test(tc, long_converted_file_streams);
	suite_add_tcase(suite, tc);
	return suite;
}

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
	runner = srunner_create(source_encoding_suite());
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	remove_fixtures();
	return failed == 0 ? 0 : 1;
}
