/* Unit tests of the vCard source through source_open(): recognising the
 * format, versions 2.1, 3.0 and 4.0, folding, escapes, quoted-printable and
 * charsets, preferred values first, pictures skipped, and the cards that
 * are rows with errors. Fixtures are written into a temporary directory by
 * each test. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "xmalloc.h"

static char fixture_dir[] = "/tmp/sluice-test-source-vcard-XXXXXX";

/* The columns, as the source names them. */
enum {
	FIRST,
	MIDDLE,
	LAST,
	FULL,
	COMPANY,
	DEPARTMENT,
	TITLE,
	EMAIL,
	OTHER_EMAILS,
	PHONE,
	OTHER_PHONES,
	BIRTHDAY,
	COUNTRY,
	TAGS,
	NOTES,
	NCOLUMNS
};

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

static struct source *
open_text(const char *name, const char *text)
{
	char *cause = NULL;
	struct source *s = source_open(fixture(name, text, strlen(text)), NULL, &cause);

	ck_assert_msg(s != NULL, "source_open failed: %s", cause);
	ck_assert_str_eq(source_format(s), "vcard");
	return s;
}

static struct row *
next_row(struct source *s)
{
	struct row *row = NULL;
	char *cause = NULL;
	int rc = source_next(s, &row, &cause);

	ck_assert_msg(rc == 1, "source_next gave %d: %s", rc, cause != NULL ? cause : "(no cause)");
	ck_assert_uint_eq(row->ncells, NCOLUMNS);
	for (size_t i = 0; i < row->ncells; i++)
		ck_assert_uint_eq(strlen(row->cells[i]), row->lens[i]);
	return row;
}

static void
assert_end(struct source *s)
{
	struct row *row = NULL;
	char *cause = NULL;

	ck_assert_int_eq(source_next(s, &row, &cause), 0);
	ck_assert_int_eq(source_next(s, &row, &cause), 0);
}

START_TEST(header_names_the_columns_as_exports_do)
{
	static const char *const want[NCOLUMNS] = { "First Name", "Middle Name", "Last Name",
		"Full Name", "Company", "Department", "Job Title", "Email", "Other Emails", "Phone",
		"Other Phones", "Birthday", "Country", "Tags", "Notes" };
	struct source *s = open_text("h.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n");
	size_t n;
	const char *const *header = source_header(s, &n);

	ck_assert_uint_eq(n, NCOLUMNS);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(header[i], want[i]);
	ck_assert_str_eq(source_describe(s), "vCard");
	source_close(s);
}
END_TEST

START_TEST(version_3_card_gives_every_field)
{
	struct source *s = open_text("v3.vcf",
	    "BEGIN:VCARD\r\n"
	    "VERSION:3.0\r\n"
	    "N:Gump;Forrest;Alexander;Mr.;\r\n"
	    "FN:Forrest Gump\r\n"
	    "ORG:Bubba Gump Shrimp Co.;Sales;East\r\n"
	    "TITLE:Shrimp Man\r\n"
	    "item1.TEL;TYPE=WORK,VOICE:(111) 555-1212\r\n"
	    "TEL;TYPE=CELL,pref:+1 404 555 1212\r\n"
	    "EMAIL;TYPE=INTERNET:forrest@example.com\r\n"
	    "EMAIL;TYPE=INTERNET,HOME:fg@example.org\r\n"
	    "ADR;TYPE=HOME:;;1 Main St;Greenbow;AL;36744;\r\n"
	    "ADR;TYPE=WORK,pref:;;100 Waters Edge;Baytown;LA;30314;United States\r\n"
	    "CATEGORIES:friends,shrimp\\, boats\r\n"
	    "NOTE:Line one\\nline two\\; \\\\ done\r\n"
	    "BDAY:19690415\r\n"
	    "END:VCARD\r\n");
	struct row *row = next_row(s);

	ck_assert_ptr_null(row->error);
	ck_assert_uint_eq(row->number, 1);
	ck_assert_uint_eq(row->line, 1);
	ck_assert_str_eq(row->cells[FIRST], "Forrest");
	ck_assert_str_eq(row->cells[MIDDLE], "Alexander");
	ck_assert_str_eq(row->cells[LAST], "Gump");
	ck_assert_str_eq(row->cells[FULL], "Forrest Gump");
	ck_assert_str_eq(row->cells[COMPANY], "Bubba Gump Shrimp Co.");
	ck_assert_str_eq(row->cells[DEPARTMENT], "Sales, East");
	ck_assert_str_eq(row->cells[TITLE], "Shrimp Man");
	ck_assert_str_eq(row->cells[PHONE], "+1 404 555 1212");
	ck_assert_str_eq(row->cells[OTHER_PHONES], "(111) 555-1212");
	ck_assert_str_eq(row->cells[EMAIL], "forrest@example.com");
	ck_assert_str_eq(row->cells[OTHER_EMAILS], "fg@example.org");
	ck_assert_str_eq(row->cells[COUNTRY], "United States");
	ck_assert_str_eq(row->cells[TAGS], "friends; shrimp, boats");
	ck_assert_str_eq(row->cells[NOTES], "Line one\nline two; \\ done");
	ck_assert_str_eq(row->cells[BIRTHDAY], "1969-04-15");
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(folded_lines_are_joined)
{
	struct source *s = open_text("fold.vcf",
	    "BEGIN:VCARD\nVERSION:3.0\nN:Long;Na\n me\nNOTE:This is a lo\n\tng note\nEND:VCARD\n");
	struct row *row = next_row(s);

	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[FIRST], "Name");
	ck_assert_str_eq(row->cells[NOTES], "This is a long note");
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(version_2_1_quoted_printable_and_charset)
{
	struct source *s = open_text("v21.vcf",
	    "BEGIN:VCARD\r\n"
	    "VERSION:2.1\r\n"
	    "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"
	    "TEL;HOME:030 1234567\r\n"
	    "TEL;CELL;PREF:0151 23456789\r\n"
	    "EMAIL;INTERNET:j@example.de\r\n"
	    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Stra=C3=9Fe=0A=\r\n"
	    "zweite Zeile\r\n"
	    "END:VCARD\r\n");
	struct row *row = next_row(s);

	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[FIRST], "Jürgen");
	ck_assert_str_eq(row->cells[LAST], "Müller");
	ck_assert_str_eq(row->cells[PHONE], "0151 23456789");
	ck_assert_str_eq(row->cells[OTHER_PHONES], "030 1234567");
	ck_assert_str_eq(row->cells[NOTES], "Straße\nzweite Zeile");
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(version_4_prefers_by_rank_and_reads_tel_uris)
{
	struct source *s = open_text("v4.vcf",
	    "BEGIN:VCARD\n"
	    "VERSION:4.0\n"
	    "FN:Jane Q. Public\n"
	    "TEL;VALUE=uri;TYPE=home:tel:+1-202-555-0100\n"
	    "TEL;VALUE=uri;PREF=1:tel:+1-202-555-0199;ext=55\n"
	    "EMAIL;PREF=2:jane@example.org\n"
	    "EMAIL;PREF=1:jq@example.org\n"
	    "EMAIL:third@example.org\n"
	    "BDAY:--0415\n"
	    "END:VCARD\n");
	struct row *row = next_row(s);

	ck_assert_ptr_null(row->error);
	/* No N: the formatted name gives the first and last names. */
	ck_assert_str_eq(row->cells[FIRST], "Jane Q.");
	ck_assert_str_eq(row->cells[LAST], "Public");
	ck_assert_str_eq(row->cells[PHONE], "+1-202-555-0199 ext. 55");
	ck_assert_str_eq(row->cells[OTHER_PHONES], "+1-202-555-0100");
	ck_assert_str_eq(row->cells[EMAIL], "jq@example.org");
	ck_assert_str_eq(row->cells[OTHER_EMAILS], "jane@example.org; third@example.org");
	ck_assert_str_eq(row->cells[BIRTHDAY], "--04-15");
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(pictures_are_skipped_however_long)
{
	/* A folded picture of 3 MiB, and a 2.1 one whose base64 lines are not
	 * folded: both pass, and the fields after them are read. */
	size_t size = 4 * 1024 * 1024, len = 0;
	char *text = xmalloc(size);

	len += (size_t)sprintf(text + len,
	    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Pic;Ture\r\n"
	    "PHOTO;ENCODING=b;TYPE=JPEG:");
	for (int i = 0; i < 40000; i++)
		len += (size_t)sprintf(text + len,
		    "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5eg\r\n ");
	len += (size_t)sprintf(text + len,
	    "AA==\r\nEMAIL:pic@example.com\r\nEND:VCARD\r\n"
	    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Old;Phone\r\n"
	    "PHOTO;ENCODING=BASE64;TYPE=JPEG:QUJDREVG\r\n"
	    "R0hJSktMTU5PUFFSU1RVVldY\r\n"
	    "WVphYmNkZWZn==\r\n"
	    "\r\n"
	    "TEL;CELL:+33 6 12 34 56 78\r\n"
	    "END:VCARD\r\n");
	ck_assert_uint_lt(len, size);
	struct source *s = source_open(fixture("photo.vcf", text, len), NULL, &(char *){ NULL });
	struct row *row;

	ck_assert_ptr_nonnull(s);
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[EMAIL], "pic@example.com");
	row = next_row(s);
	ck_assert_msg(row->error == NULL, "%s", row->error);
	ck_assert_str_eq(row->cells[FIRST], "Phone");
	ck_assert_str_eq(row->cells[PHONE], "+33 6 12 34 56 78");
	assert_end(s);
	source_close(s);
	free(text);
}
END_TEST

START_TEST(an_agents_embedded_card_is_not_a_contact)
{
	struct source *s = open_text("agent.vcf",
	    "BEGIN:VCARD\nVERSION:2.1\nN:Boss;Big\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\n"
	    "N:Assistant;Ann\nEND:VCARD\nEMAIL:big@example.com\nEND:VCARD\n");
	struct row *row = next_row(s);

	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[FIRST], "Big");
	ck_assert_str_eq(row->cells[EMAIL], "big@example.com");
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(broken_cards_are_rows_with_errors_and_the_others_read)
{
	struct source *s = open_text("broken.vcf",
	    "BEGIN:VCARD\nVERSION:3.0\nN:Good;One\nEND:VCARD\n"	    /* lines 1-4 */
	    "\n"						    /* 5 */
	    "BEGIN:VCARD\nVERSION:3.0\nN:Bad;Line\nno colon here\n" /* 6-9 */
	    "END:VCARD\n"					    /* 10 */
	    "BEGIN:VCARD\nN:Never;Closed\n"			    /* 11-12 */
	    "BEGIN:VCARD\nN:Good;Two\nEND:VCARD\n"		    /* 13-15 */
	    "stray text\nmore\n"				    /* 16-17 */
	    "BEGIN:VCARD\nN:Cut;Short\n");			    /* 18-19 */
	struct row *row;

	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[FIRST], "One");

	row = next_row(s);
	ck_assert_uint_eq(row->number, 2);
	ck_assert_uint_eq(row->line, 6);
	ck_assert_str_eq(row->error,
	    "Card 2 (line 6): line 9 is not a property of the form NAME:value.");
	ck_assert_str_eq(row->cells[FIRST], "Line");

	row = next_row(s);
	ck_assert_uint_eq(row->line, 11);
	ck_assert_str_eq(row->error,
	    "Card 3 (line 11) has no END:VCARD before the next card begins at line 13.");
	ck_assert_str_eq(row->cells[LAST], "Never");

	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_uint_eq(row->number, 4);
	ck_assert_uint_eq(row->line, 13);
	ck_assert_str_eq(row->cells[FIRST], "Two");

	row = next_row(s);
	ck_assert_uint_eq(row->line, 16);
	ck_assert_str_eq(row->error,
	    "Line 16 is outside any card: a card begins with BEGIN:VCARD and ends with END:VCARD. Correct the file and import it again.");

	row = next_row(s);
	ck_assert_uint_eq(row->number, 6);
	ck_assert_str_eq(row->error,
	    "Card 6 (line 18) is not closed with END:VCARD before the end of the file; the file may be cut short.");
	ck_assert_str_eq(row->cells[LAST], "Cut");
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(bad_bytes_and_overlong_values_are_row_errors)
{
	size_t size = 2 * 1024 * 1024 + 200, len = 0;
	char *text = xmalloc(size);

	len += (size_t)sprintf(text + len, "BEGIN:VCARD\nN:Bad;Bytes\nNOTE:caf\xe9\nEND:VCARD\n");
	len += (size_t)sprintf(text + len, "BEGIN:VCARD\nN:Long;Note\nNOTE:");
	memset(text + len, 'x', 1024 * 1024 + 10);
	len += 1024 * 1024 + 10;
	len += (size_t)sprintf(text + len, "\nEND:VCARD\n");
	/* Past the first bytes, where a NUL byte makes the file binary. */
	memcpy(text + len, "BEGIN:VCARD\nN:Nul;Byte\nNOTE:a\0b\nEND:VCARD\n", 42);
	len += 42;
	len += (size_t)sprintf(text + len, "BEGIN:VCARD\nN:Fine;After\nEND:VCARD\n");
	ck_assert_uint_lt(len, size);

	/* Read as UTF-8, as the file says (not detected as another encoding). */
	struct source_options opts = { .encoding = "UTF-8" };
	char *cause = NULL;
	struct source *s = source_open(fixture("bytes.vcf", text, len), &opts, &cause);
	struct row *row;

	ck_assert_msg(s != NULL, "%s", cause);
	ck_assert_str_eq(source_format(s), "vcard");
	row = next_row(s);
	ck_assert_ptr_nonnull(row->error);
	ck_assert_ptr_nonnull(strstr(row->error, "is not valid UTF-8"));
	row = next_row(s);
	ck_assert_ptr_nonnull(row->error);
	ck_assert_ptr_nonnull(strstr(row->error, "is longer than 1 MiB"));
	row = next_row(s);
	ck_assert_ptr_nonnull(row->error);
	ck_assert_ptr_nonnull(strstr(row->error, "holds a NUL byte"));
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[FIRST], "After");
	assert_end(s);
	source_close(s);
	free(text);
}
END_TEST

START_TEST(an_unknown_charset_is_a_row_error)
{
	struct source *s = open_text("charset.vcf",
	    "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=KLINGON:Worf;Son\nEND:VCARD\n"
	    "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=WINDOWS-1252;ENCODING=QUOTED-PRINTABLE:=80uro;Sign\nEND:VCARD\n");
	struct row *row = next_row(s);

	ck_assert_str_eq(row->error,
	    "Card 1 (line 1): the value of N at line 3 cannot be read as KLINGON; correct its CHARSET and import the file again.");
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[LAST], "€uro");
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(windows_1252_file_is_converted)
{
	struct source *s;
	char *cause = NULL;
	/* Enough text for the encoding to be detected. */
	static const char card[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:M\xfcller;J\xfcrgen\r\n"
				   "NOTE:Gr\xfc\xdf"
				   "e aus K\xf6ln, sch\xf6n und s\xfc\xdf\r\nEND:VCARD\r\n";
	char text[sizeof card * 20];
	size_t len = 0;

	for (int i = 0; i < 20; i++) {
		memcpy(text + len, card, sizeof card - 1);
		len += sizeof card - 1;
	}
	s = source_open(fixture("cp1252.vcf", text, len), NULL, &cause);
	ck_assert_msg(s != NULL, "%s", cause);
	ck_assert_str_eq(source_format(s), "vcard");
	ck_assert_ptr_nonnull(strstr(source_describe(s), "vCard, encoding"));
	struct row *row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_str_eq(row->cells[LAST], "Müller");
	ck_assert_str_eq(row->cells[NOTES], "Grüße aus Köln, schön und süß");
	source_close(s);
}
END_TEST

START_TEST(bom_blank_lines_and_line_ends)
{
	struct source *s = open_text("bom.vcf",
	    "\xef\xbb\xbf\r\n\r\nbegin:vcard\rVERSION:3.0\rN:Cr;Only\rEND:VCARD\r\n\n"
	    "BEGIN:VCARD\nN:Lf;Only\nEND:VCARD");
	struct row *row = next_row(s);
	uint64_t done, total;

	ck_assert_ptr_null(row->error);
	ck_assert_uint_eq(row->line, 3);
	ck_assert_str_eq(row->cells[FIRST], "Only");
	ck_assert_str_eq(row->cells[LAST], "Cr");
	row = next_row(s);
	ck_assert_ptr_null(row->error);
	ck_assert_uint_eq(row->line, 8);
	ck_assert_str_eq(row->cells[LAST], "Lf");
	assert_end(s);
	source_progress(s, &done, &total);
	ck_assert_uint_eq(done, total);
	source_close(s);
}
END_TEST

START_TEST(a_csv_file_mentioning_vcard_is_still_csv)
{
	char *cause = NULL;
	struct source *s =
	    source_open(fixture("vcard-like.csv", "Name,Note\nBEGIN:VCARD,x\n", 24), NULL, &cause);

	ck_assert_msg(s != NULL, "%s", cause);
	ck_assert_str_eq(source_format(s), "csv");
	source_close(s);
}
END_TEST

START_TEST(many_cards_in_constant_memory)
{
	char *path = xasprintf("%s/many.vcf", fixture_dir);
	FILE *f = fopen(path, "w");
	uint64_t rows = 0, done, total;
	struct source *s;
	struct row *row;
	char *cause = NULL;
	int rc;

	ck_assert_ptr_nonnull(f);
	for (int i = 1; i <= 50000; i++)
		fprintf(f,
		    "BEGIN:VCARD\nVERSION:3.0\nN:Last%d;First\nTEL:+33 6 12 34 %02d %02d\nEND:VCARD\n",
		    i, i % 100, i / 100 % 100);
	ck_assert_int_eq(fclose(f), 0);
	s = source_open(path, NULL, &cause);
	ck_assert_ptr_nonnull(s);
	while ((rc = source_next(s, &row, &cause)) == 1) {
		rows++;
		ck_assert_ptr_null(row->error);
		ck_assert_uint_eq(row->number, rows);
		ck_assert_uint_eq(row->line, (rows - 1) * 5 + 1);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(rows, 50000);
	source_progress(s, &done, &total);
	ck_assert_uint_eq(done, total);
	source_close(s);
	free(path);
}
END_TEST

static Suite *
source_vcard_suite(void)
{
	Suite *suite = suite_create("source-vcard");
	TCase *tc = tcase_create("vcard");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, header_names_the_columns_as_exports_do);
	tcase_add_test(tc, version_3_card_gives_every_field);
	tcase_add_test(tc, folded_lines_are_joined);
	tcase_add_test(tc, version_2_1_quoted_printable_and_charset);
	tcase_add_test(tc, version_4_prefers_by_rank_and_reads_tel_uris);
	tcase_add_test(tc, pictures_are_skipped_however_long);
	tcase_add_test(tc, an_agents_embedded_card_is_not_a_contact);
	tcase_add_test(tc, broken_cards_are_rows_with_errors_and_the_others_read);
	tcase_add_test(tc, bad_bytes_and_overlong_values_are_row_errors);
	tcase_add_test(tc, an_unknown_charset_is_a_row_error);
	tcase_add_test(tc, windows_1252_file_is_converted);
	tcase_add_test(tc, bom_blank_lines_and_line_ends);
	tcase_add_test(tc, a_csv_file_mentioning_vcard_is_still_csv);
	tcase_add_test(tc, many_cards_in_constant_memory);
	suite_add_tcase(suite, tc);
	return suite;
}

/* Removes the fixture directory and what the tests wrote in it. */
static void
remove_fixtures(void)
{
	DIR *dir = opendir(fixture_dir);
	struct dirent *entry;

	if (dir == NULL)
		return;
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		char *path = xasprintf("%s/%s", fixture_dir, entry->d_name);
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
	runner = srunner_create(source_vcard_suite());
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	remove_fixtures();
	return failed == 0 ? 0 : 1;
}
