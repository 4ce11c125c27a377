/* Unit tests for text.c: UTF-8 checks, header folding, escaping for
 * terminals and trimming. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xmalloc.h"

static void
check_fold(const char *header, const char *want)
{
	char *got = text_fold_header(header);

	ck_assert_msg(strcmp(got, want) == 0, "text_fold_header(\"%s\") is \"%s\", not \"%s\"",
	    header, got, want);
	free(got);
}

static void
check_escape(const char *s, const char *want)
{
	char *got = text_escape(s);

	ck_assert_msg(strcmp(got, want) == 0, "text_escape gave \"%s\", not \"%s\"", got, want);
	free(got);
}

static void
check_trim(const char *s, const char *want)
{
	char *copy = xstrdup(s);

	ck_assert_ptr_eq(text_trim(copy), copy);
	ck_assert_msg(strcmp(copy, want) == 0, "text_trim(\"%s\") is \"%s\", not \"%s\"", s, copy,
	    want);
	free(copy);
}

START_TEST(utf8_invalid_at_finds_the_first_bad_byte)
{
	const char *mixed = "Pr\xc3\xa9nom \xe6\x97\xa5 \xf0\x9f\x98\x80";

	ck_assert_uint_eq(text_utf8_invalid_at("plain", 5), (size_t)-1);
	ck_assert_uint_eq(text_utf8_invalid_at("", 0), (size_t)-1);
	ck_assert_uint_eq(text_utf8_invalid_at(mixed, strlen(mixed)), (size_t)-1);
	/* Bytes after a NUL count too. */
	ck_assert_uint_eq(text_utf8_invalid_at("a\0\xff", 3), 2);
	ck_assert_uint_eq(text_utf8_invalid_at("ab\xff"
					       "cd",
			      5),
	    2);
	/* A Latin-1 é, as in a file that is not UTF-8. */
	ck_assert_uint_eq(text_utf8_invalid_at("Ren\xe9", 4), 3);
	/* Overlong forms, surrogates and code points above U+10FFFF. */
	ck_assert_uint_eq(text_utf8_invalid_at("\xc0\xaf", 2), 0);
	ck_assert_uint_eq(text_utf8_invalid_at("\xe0\x80\xaf", 3), 0);
	ck_assert_uint_eq(text_utf8_invalid_at("x\xed\xa0\x80", 4), 1);
	ck_assert_uint_eq(text_utf8_invalid_at("\xf4\x8f\xbf\xbf", 4), (size_t)-1);
	ck_assert_uint_eq(text_utf8_invalid_at("\xf4\x90\x80\x80", 4), 0);
	/* A sequence cut short by the end of the buffer. */
	ck_assert_uint_eq(text_utf8_invalid_at("a\xe2\x82\xac", 3), 1);
	ck_assert_uint_eq(text_utf8_invalid_at("a\xe2\x82\xac", 4), (size_t)-1);
	/* A stray continuation byte. */
	ck_assert_uint_eq(text_utf8_invalid_at("ok\x80", 3), 2);
}
END_TEST

START_TEST(utf8_length_counts_code_points)
{
	ck_assert_uint_eq(text_utf8_length(""), 0);
	ck_assert_uint_eq(text_utf8_length("abc"), 3);
	ck_assert_uint_eq(text_utf8_length("h\xc3\xa9llo"), 5);
	ck_assert_uint_eq(text_utf8_length("\xe6\x97\xa5\xe6\x9c\xac"), 2);
	ck_assert_uint_eq(text_utf8_length("\xf0\x9f\x98\x80!"), 2);
}
END_TEST

START_TEST(fold_header_ignores_case_spaces_punctuation_accents)
{
	check_fold("E-mail Address", "emailaddress");
	check_fold("email address", "emailaddress");
	check_fold("  EMAIL_ADDRESS: ", "emailaddress");
	check_fold("Correo electr\xc3\xb3nico", "correoelectronico");
	check_fold("Pr\xc3\xa9nom", "prenom");
	check_fold("PR\xc3\x89NOM", "prenom");
	/* A non-breaking hyphen (U+2011) and an en dash (U+2013). */
	check_fold("E\xe2\x80\x91Mail-Adresse", "emailadresse");
	check_fold("Phone \xe2\x80\x93 mobile", "phonemobile");
	check_fold("Stra\xc3\x9f"
		   "e",
	    "strasse");
	check_fold("Stadt/Gemeinde (Wohnort)", "stadtgemeindewohnort");
	check_fold("\xc3\x91"
		   "and\xc3\xba",
	    "nandu");
	check_fold("Fa\xc3\xa7"
		   "ade",
	    "facade");
	check_fold("Gr\xc3\xbc\xc3\x9f"
		   "e",
	    "grusse");
	check_fold("\xc5\x81\xc3\xb3"
		   "d\xc5\xba",
	    "lodz");
	check_fold("\xc5\x92uvre", "oeuvre");
	check_fold("\xc3\x86gir \xc3\x98st", "aegirost");
	check_fold("Address 2", "address2");
	check_fold("", "");
	check_fold("--- ", "");
}
END_TEST

START_TEST(fold_header_keeps_other_scripts_and_drops_their_punctuation)
{
	/* 電話　番号 with an ideographic space. */
	check_fold("\xe9\x9b\xbb\xe8\xa9\xb1\xe3\x80\x80\xe7\x95\xaa\xe5\x8f\xb7",
	    "\xe9\x9b\xbb\xe8\xa9\xb1\xe7\x95\xaa\xe5\x8f\xb7");
	/* Ｅメール: fullwidth E, then katakana kept as it is. */
	check_fold("\xef\xbc\xa5\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab",
	    "e\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab");
	/* Имя stays as it is. */
	check_fold("\xd0\x98\xd0\xbc\xd1\x8f", "\xd0\x98\xd0\xbc\xd1\x8f");
	/* A byte order mark before the first header. */
	check_fold("\xef\xbb\xbfName", "name");
	/* A decomposed é (e and U+0301). */
	check_fold("Pre\xcc\x81nom", "prenom");
	/* Invalid bytes are no letters. */
	check_fold("Na\xffme", "name");
}
END_TEST

START_TEST(text_escape_shows_escape_sequences)
{
	check_escape("plain text", "plain text");
	check_escape("a\nb\tc\rd", "a\\nb\\tc\\rd");
	check_escape("\x1b[31mred", "\\x1b[31mred");
	check_escape("bell\x07", "bell\\x07");
	check_escape("del\x7f", "del\\x7f");
	/* U+009B, the C1 control sequence introducer. */
	check_escape("csi\xc2\x9b"
		     "2J",
	    "csi\\x9b2J");
	/* Invalid bytes, shown byte by byte. */
	check_escape("Ren\xe9", "Ren\\xe9");
	check_escape("\xc0\xaf", "\\xc0\\xaf");
	/* Printable text beyond ASCII is left alone, backslashes too. */
	check_escape("Pr\xc3\xa9nom \xe6\x97\xa5\xc2\xa0x", "Pr\xc3\xa9nom \xe6\x97\xa5\xc2\xa0x");
	check_escape("C:\\temp", "C:\\temp");
	check_escape("", "");
}
END_TEST

START_TEST(trim_removes_ascii_space_and_nbsp_at_both_ends)
{
	check_trim("  \t a b \r\n", "a b");
	check_trim("\xc2\xa0x\xc2\xa0 ", "x");
	check_trim(" \xc2\xa0\xc2\xa0", "");
	check_trim("", "");
	check_trim("   ", "");
	check_trim("inside\xc2\xa0stays", "inside\xc2\xa0stays");
	/* à ends in the byte 0xa0 but is no space. */
	check_trim("voil\xc3\xa0", "voil\xc3\xa0");
	check_trim("\xc3\xa0 ", "\xc3\xa0");
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, utf8_invalid_at_finds_the_first_bad_byte);
	tcase_add_test(tc, utf8_length_counts_code_points);
	tcase_add_test(tc, fold_header_ignores_case_spaces_punctuation_accents);
	tcase_add_test(tc, fold_header_keeps_other_scripts_and_drops_their_punctuation);
	tcase_add_test(tc, text_escape_shows_escape_sequences);
	tcase_add_test(tc, trim_removes_ascii_space_and_nbsp_at_both_ends);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
