/* Unit tests for source-strtab.c: strings read back as they were added,
 * in any order, whether they stayed in memory or went to the temporary
 * file; long strings across the cache's pages; empty strings. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "source-strtab.h"
#include "xmalloc.h"

/* String i: its length varies from 0 to past a page of the cache, its
 * bytes say which string it is. */
static char *
sample(size_t i, size_t *len)
{
	size_t n = i % 97 == 0 ? 70000 + i % 1000 : (i * 7919) % 61;
	char *s = xmalloc(n + 1);
	for (size_t k = 0; k < n; k++)
		s[k] = (char)('a' + (i + k * 31) % 26);
	s[n] = '\0';
	*len = n;
	return s;
}

static void
check_all(size_t memory, size_t count, int want_spilled)
{
	struct strtab *t = strtab_new(memory);
	char *cause = NULL;

	for (size_t i = 0; i < count; i++) {
		size_t len;
		char *s = sample(i, &len);
		ck_assert_int_eq(strtab_add(t, s, len, &cause), 0);
		free(s);
	}
	ck_assert_uint_eq(strtab_count(t), count);
	ck_assert_int_eq(strtab_spilled(t), want_spilled);
	/* In order, backwards, then hopping about. */
	for (int pass = 0; pass < 3; pass++)
		for (size_t k = 0; k < count; k++) {
			size_t i = pass == 0 ? k : pass == 1 ? count - 1 - k : (k * 7877) % count;
			size_t want_len, len = 0;
			char *want = sample(i, &want_len);
			const char *got = strtab_get(t, i, &len, &cause);
			ck_assert_ptr_nonnull(got);
			ck_assert_uint_eq(len, want_len);
			ck_assert_msg(memcmp(got, want, len) == 0 && got[len] == '\0',
			    "string %zu differs (pass %d)", i, pass);
			free(want);
		}
	strtab_free(t);
}

START_TEST(strings_in_memory_come_back_as_added)
{
	check_all((size_t)64 << 20, 5000, 0);
}
END_TEST

START_TEST(strings_on_disk_come_back_as_added)
{
	/* A budget of 4 KiB: nearly all of them go to the file. */
	check_all(4096, 5000, 1);
}
END_TEST

START_TEST(an_empty_table_has_no_strings)
{
	struct strtab *t = strtab_new(0);
	char *cause = NULL;

	ck_assert_uint_eq(strtab_count(t), 0);
	ck_assert_int_eq(strtab_add(t, "", 0, &cause), 0);
	size_t len = 1;
	const char *s = strtab_get(t, 0, &len, &cause);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(s, "");
	ck_assert_int_eq(strtab_spilled(t), 1);
	strtab_free(t);
}
END_TEST

static Suite *
strtab_suite(void)
{
	Suite *s = suite_create("strtab");
	TCase *tc = tcase_create("strtab");

	tcase_add_test(tc, strings_in_memory_come_back_as_added);
	tcase_add_test(tc, strings_on_disk_come_back_as_added);
	tcase_add_test(tc, an_empty_table_has_no_strings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(strtab_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
