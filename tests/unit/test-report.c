/* Unit tests for the values reports give spreadsheets (report.c): formulas
 * neutralized with a leading ' for CSV and kept as they are for XLSX, cells
 * cut at Excel's limit with a visible marker, bytes that are not UTF-8
 * shown as \xNN, and RFC 4180 quoting. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xmalloc.h"

/* UTF-16 code units of valid UTF-8 text, as Excel counts a cell. */
static size_t
utf16_units(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			n += *p >= 0xf0 ? 2 : 1;
	return n;
}

/* report_cell_text() as the CSV export calls it: neutralizing. */
static void
check_text(const char *s, size_t max, const char *want, unsigned want_what)
{
	unsigned what = 99;
	char *got = report_cell_text(s, max, 1, &what);

	ck_assert_msg(strcmp(got, want) == 0, "report_cell_text(\"%s\") is \"%s\", not \"%s\"", s,
	    got, want);
	ck_assert_msg(what == want_what, "report_cell_text(\"%s\") did %u, not %u", s, what,
	    want_what);
	free(got);
}

static int
ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);
	return n >= m && memcmp(s + n - m, end, m) == 0;
}

static char *
repeat(const char *unit, size_t times)
{
	size_t n = strlen(unit);
	char *s = xmalloc(n * times + 1);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * n, unit, n);
	s[n * times] = '\0';
	return s;
}

START_TEST(formula_starts_are_recognized)
{
	const char *formulas[] = {
		"=1+2",
		"+1 650 555 0111",
		"-2+3+cmd|' /C calc'!A0",
		"@SUM(A1:A2)",
		"\tx",
		"\rx",
		"\nx",
		"=",
		"-",
	};
	const char *plain[] = {
		"",
		"0123",
		"1e5",
		" =1+2",
		"'=1+2",
		"a=b",
		"x-y",
		"Müller",
		"(415) 555-0162",
	};

	for (size_t i = 0; i < sizeof formulas / sizeof *formulas; i++)
		ck_assert_msg(report_cell_is_formula(formulas[i]), "\"%s\" can run as a formula",
		    formulas[i]);
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		ck_assert_msg(!report_cell_is_formula(plain[i]), "\"%s\" cannot run as a formula",
		    plain[i]);
	ck_assert(!report_cell_is_formula(NULL));
}
END_TEST

START_TEST(formulas_get_a_leading_quote_and_other_text_stays_as_it_is)
{
	check_text("=HYPERLINK(\"http://x\",\"y\")", 0, "'=HYPERLINK(\"http://x\",\"y\")",
	    REPORT_NEUTRALIZED);
	check_text("+1 650 555 0111", REPORT_CELL_MAX, "'+1 650 555 0111", REPORT_NEUTRALIZED);
	check_text("-5", 0, "'-5", REPORT_NEUTRALIZED);
	check_text("@cmd", 0, "'@cmd", REPORT_NEUTRALIZED);
	check_text("\t=1", 0, "'\t=1", REPORT_NEUTRALIZED);
	check_text("\r\n", 0, "'\r\n", REPORT_NEUTRALIZED);
	/* Text that looks like a number stays the same text. */
	check_text("00501", REPORT_CELL_MAX, "00501", 0);
	check_text("4155550162", 0, "4155550162", 0);
	check_text("", REPORT_CELL_MAX, "", 0);
	check_text("José Müller 北京", REPORT_CELL_MAX, "José Müller 北京", 0);
	/* A value that begins with a quote gets another, so that the one
	 * quote sluice import takes off gives it back as it was. */
	check_text("'=1+2", 0, "''=1+2", 0);
	check_text("'tis", 0, "''tis", 0);
}
END_TEST

START_TEST(without_neutralizing_formulas_stay_as_they_are)
{
	const char *values[] = { "=1+2", "+1 (650) 256-5666", "-5", "@cmd", "\t=1" };
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		unsigned what = 99;
		char *got = report_cell_text(values[i], REPORT_CELL_MAX, 0, &what);
		ck_assert_str_eq(got, values[i]);
		ck_assert_uint_eq(what, 0);
		free(got);
	}
	/* Cut and escaped all the same. */
	char *s = repeat("=", 40000);
	unsigned what;
	char *got = report_cell_text(s, REPORT_CELL_MAX, 0, &what);
	ck_assert_uint_eq(what, REPORT_CUT);
	ck_assert(got[0] == '=' && got[1] == '=');
	ck_assert_uint_eq(utf16_units(got), REPORT_CELL_MAX);
	free(got);
	free(s);
	got = report_cell_text("=\xff", 0, 0, NULL);
	ck_assert_str_eq(got, "=\\xff");
	free(got);
}
END_TEST

START_TEST(bytes_that_are_not_utf8_are_shown_as_hex)
{
	check_text("Ren\xe9", 0, "Ren\\xe9", 0);
	check_text("a\xc0\xaf"
		   "b",
	    0,
	    "a\\xc0\\xaf"
	    "b",
	    0);
	check_text("\xed\xa0\x80", 0, "\\xed\\xa0\\x80", 0);
	check_text("=\xff", 0, "'=\\xff", REPORT_NEUTRALIZED);
}
END_TEST

START_TEST(long_values_are_cut_with_a_marker_within_the_limit)
{
	char *s = repeat("a", 40000);
	unsigned what;
	char *got = report_cell_text(s, REPORT_CELL_MAX, 1, &what);

	ck_assert_uint_eq(what, REPORT_CUT);
	ck_assert_uint_eq(utf16_units(got), REPORT_CELL_MAX);
	ck_assert_msg(ends_with(got, "… [cut: 40000 characters]"), "ends with \"%s\"",
	    got + strlen(got) - 40);
	ck_assert(strncmp(got, "aaaa", 4) == 0);
	free(got);

	/* Without a limit nothing is cut. */
	got = report_cell_text(s, 0, 1, &what);
	ck_assert_uint_eq(what, 0);
	ck_assert_uint_eq(strlen(got), 40000);
	free(got);
	free(s);
}
END_TEST

START_TEST(a_value_at_the_limit_is_whole_and_one_more_is_cut)
{
	char *s = repeat("x", REPORT_CELL_MAX);
	unsigned what;
	char *got = report_cell_text(s, REPORT_CELL_MAX, 1, &what);

	ck_assert_uint_eq(what, 0);
	ck_assert_str_eq(got, s);
	free(got);

	/* The leading ' makes it one too long. */
	s[0] = '=';
	got = report_cell_text(s, REPORT_CELL_MAX, 1, &what);
	ck_assert_uint_eq(what, REPORT_NEUTRALIZED | REPORT_CUT);
	ck_assert(got[0] == '\'' && got[1] == '=');
	ck_assert_uint_eq(utf16_units(got), REPORT_CELL_MAX);
	ck_assert(ends_with(got, "[cut: 32767 characters]"));
	free(got);
	free(s);
}
END_TEST

START_TEST(cutting_keeps_whole_characters)
{
	/* Three-byte CJK characters and four-byte emoji (two UTF-16 units). */
	const char *units[] = { "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "a\xf0\x9f\x98\x80" };

	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		char *s = repeat(units[i], 40000);
		unsigned what;
		char *got = report_cell_text(s, REPORT_CELL_MAX, 1, &what);
		size_t len = strlen(got);

		ck_assert_uint_eq(what, REPORT_CUT);
		ck_assert_msg(utf16_units(got) <= REPORT_CELL_MAX, "%zu units", utf16_units(got));
		ck_assert_msg(utf16_units(got) >= REPORT_CELL_MAX - 1, "%zu units", utf16_units(got));
		/* Valid UTF-8: the text before the marker ends on a whole
		 * character. */
		const char *marker = strstr(got, "… [cut: ");
		ck_assert_ptr_nonnull(marker);
		size_t keep = (size_t)(marker - got);
		ck_assert_msg(keep % strlen(units[i]) == 0 ||
			(i == 2 && (keep % 5 == 0 || keep % 5 == 1)),
		    "cut inside a character at byte %zu", keep);
		ck_assert(len > keep);
		free(got);
		free(s);
	}
}
END_TEST

START_TEST(the_paper_comes_from_the_option_or_the_locale)
{
	ck_assert_int_eq(report_paper_parse("a4"), REPORT_PAPER_A4);
	ck_assert_int_eq(report_paper_parse("Letter"), REPORT_PAPER_LETTER);
	ck_assert_int_eq(report_paper_parse("a5"), -1);
	ck_assert_int_eq(report_paper_parse(""), -1);

	const struct {
		const char *lc_all, *lc_paper, *lang;
		enum report_paper want;
	} cases[] = {
		{ NULL, NULL, NULL, REPORT_PAPER_A4 },
		{ "C", NULL, "en_US.UTF-8", REPORT_PAPER_A4 },
		{ NULL, NULL, "en_US.UTF-8", REPORT_PAPER_LETTER },
		{ NULL, NULL, "fr_CA", REPORT_PAPER_LETTER },
		{ NULL, NULL, "es_MX.UTF-8@euro", REPORT_PAPER_LETTER },
		{ NULL, NULL, "de_DE.UTF-8", REPORT_PAPER_A4 },
		{ NULL, NULL, "en_USX", REPORT_PAPER_A4 },
		{ NULL, "de_DE.UTF-8", "en_US.UTF-8", REPORT_PAPER_A4 },
		{ NULL, "en_PH.UTF-8", "de_DE.UTF-8", REPORT_PAPER_LETTER },
		{ "en_GB.UTF-8", "en_US.UTF-8", "en_US.UTF-8", REPORT_PAPER_A4 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		unsetenv("LC_MEASUREMENT");
		const char *vars[] = { "LC_ALL", "LC_PAPER", "LANG" };
		const char *vals[] = { cases[i].lc_all, cases[i].lc_paper, cases[i].lang };
		for (int v = 0; v < 3; v++) {
			if (vals[v] != NULL)
				setenv(vars[v], vals[v], 1);
			else
				unsetenv(vars[v]);
		}
		ck_assert_msg(report_paper_from_locale() == cases[i].want, "case %zu", i);
	}
}
END_TEST

START_TEST(csv_fields_are_quoted_as_rfc_4180_says)
{
	const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\r", "\"cr\r\"" },
		{ " padded ", "\" padded \"" },
		{ "'=1+2", "'=1+2" },
		{ "'=SUM(A1,A2)", "\"'=SUM(A1,A2)\"" },
		{ "semi;colon", "semi;colon" },
		{ "Müller", "Müller" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = report_csv_quote(cases[i].in);
		ck_assert_msg(strcmp(got, cases[i].want) == 0,
		    "report_csv_quote(\"%s\") is [%s], not [%s]", cases[i].in, got, cases[i].want);
		free(got);
	}
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("cells");

	tcase_add_test(tc, formula_starts_are_recognized);
	tcase_add_test(tc, formulas_get_a_leading_quote_and_other_text_stays_as_it_is);
	tcase_add_test(tc, without_neutralizing_formulas_stay_as_they_are);
	tcase_add_test(tc, bytes_that_are_not_utf8_are_shown_as_hex);
	tcase_add_test(tc, long_values_are_cut_with_a_marker_within_the_limit);
	tcase_add_test(tc, a_value_at_the_limit_is_whole_and_one_more_is_cut);
	tcase_add_test(tc, cutting_keeps_whole_characters);
	tcase_add_test(tc, csv_fields_are_quoted_as_rfc_4180_says);
	tcase_add_test(tc, the_paper_comes_from_the_option_or_the_locale);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
