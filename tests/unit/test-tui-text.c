/* Unit tests for tui-text.c: what the wizard shows of a value — escaped
 * controls and escape sequences, display width of CJK and accents, and
 * cutting and padding that never split a character. */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tui-text.h"

static void
setup(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "en_US.UTF-8");
}

static void
check_clean(const char *raw, const char *want)
{
	char *got = tui_text_clean(raw);
	ck_assert_msg(strcmp(got, want) == 0, "tui_text_clean gave \"%s\", not \"%s\"", got, want);
	free(got);
}

static void
check_fit(const char *clean, int width, int right, const char *want)
{
	char *got = tui_text_fit(clean, width, right);
	ck_assert_msg(strcmp(got, want) == 0, "tui_text_fit(\"%s\", %d) gave \"%s\", not \"%s\"",
	    clean, width, got, want);
	ck_assert_int_eq(tui_text_width(got), width);
	free(got);
}

START_TEST(escape_sequences_never_reach_the_terminal)
{
	check_clean("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	check_clean("a\x07"
		    "b\x7f",
	    "a\\x07b\\x7f");
	check_clean("line\nnext\ttab\r", "line\\nnext\\ttab\\r");
	/* C1 controls as code points (CSI is U+009B). */
	check_clean("x\xc2\x9b"
		    "2J",
	    "x\\x9b2J");
	/* Bytes that are not UTF-8. */
	check_clean("Ren\xe9", "Ren\\xe9");
	/* Bidirectional overrides could reorder what is shown. */
	check_clean("abc\xe2\x80\xae"
		    "def",
	    "abc\\u{202e}def");
	check_clean(NULL, "");
}
END_TEST

START_TEST(wide_and_combining_characters_have_their_width)
{
	ck_assert_int_eq(tui_text_width("abc"), 3);
	/* 日本語: three characters, six columns. */
	ck_assert_int_eq(tui_text_width("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 6);
	/* é precomposed, and e + combining acute: one column each. */
	ck_assert_int_eq(tui_text_width("\xc3\xa9"), 1);
	ck_assert_int_eq(tui_text_width("e\xcc\x81"), 1);
	ck_assert_int_eq(tui_text_width("Jos\xc3\xa9 M\xc3\xbcller"), 11);
	ck_assert_int_eq(tui_text_width(""), 0);
}
END_TEST

START_TEST(cutting_never_splits_a_wide_character)
{
	const char *cjk = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"; /* 日本語 */
	int used;
	char *cut = tui_text_cut(cjk, 5, &used);
	/* 日本 (4 columns) and the ellipsis. */
	ck_assert_str_eq(cut, "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6");
	ck_assert_int_eq(used, 5);
	free(cut);
	cut = tui_text_cut(cjk, 4, &used);
	/* 日 and the ellipsis: 本 does not fit beside it. */
	ck_assert_str_eq(cut, "\xe6\x97\xa5\xe2\x80\xa6");
	ck_assert_int_eq(used, 3);
	free(cut);
	cut = tui_text_cut(cjk, 6, &used);
	ck_assert_str_eq(cut, cjk);
	free(cut);
	/* A combining accent stays with its letter. */
	cut = tui_text_cut("e\xcc\x81"
			   "abc",
	    2, &used);
	ck_assert_str_eq(cut, "e\xcc\x81\xe2\x80\xa6");
	free(cut);
	cut = tui_text_cut("abc", 0, &used);
	ck_assert_str_eq(cut, "");
	ck_assert_int_eq(used, 0);
	free(cut);
}
END_TEST

START_TEST(fitting_pads_to_the_exact_width)
{
	check_fit("abc", 5, 0, "abc  ");
	check_fit("abc", 5, 1, "  abc");
	check_fit("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, 0, "\xe6\x97\xa5\xe2\x80\xa6 ");
	check_fit("Z\xc3\xbcrich", 8, 0, "Z\xc3\xbcrich  ");
	check_fit("abcdefgh", 4, 0, "abc\xe2\x80\xa6");
	char *cell = tui_text_cell("\x1b]0;owned\x07", 8, 0);
	ck_assert_str_eq(cell, "\\x1b]0;\xe2\x80\xa6");
	free(cell);
}
END_TEST

START_TEST(numbers_sizes_and_clocks_read_well)
{
	char buf[32];
	tui_text_thousands(buf, sizeof buf, 1234567);
	ck_assert_str_eq(buf, "1,234,567");
	tui_text_thousands(buf, sizeof buf, 12);
	ck_assert_str_eq(buf, "12");
	tui_text_size(buf, sizeof buf, 512);
	ck_assert_str_eq(buf, "512 B");
	tui_text_size(buf, sizeof buf, 1536);
	ck_assert_str_eq(buf, "1.5 KB");
	tui_text_clock(buf, sizeof buf, 65);
	ck_assert_str_eq(buf, "1:05");
	tui_text_clock(buf, sizeof buf, 3723);
	ck_assert_str_eq(buf, "1:02:03");
	tui_text_clock(buf, sizeof buf, -1);
	ck_assert_str_eq(buf, "--:--");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tui-text");
	TCase *tc = tcase_create("text");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, escape_sequences_never_reach_the_terminal);
	tcase_add_test(tc, wide_and_combining_characters_have_their_width);
	tcase_add_test(tc, cutting_never_splits_a_wide_character);
	tcase_add_test(tc, fitting_pads_to_the_exact_width);
	tcase_add_test(tc, numbers_sizes_and_clocks_read_well);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
