/* Unit tests of country.c: the ways a row writes its country (names in six
 * languages, variants, ISO codes) give its alpha-2 code; what is no
 * country, or is several, gives none; the lookup is safe from threads. */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"

static void
assert_code(const char *written, const char *want)
{
	const char *got = country_code(written);

	if (want == NULL)
		ck_assert_msg(got == NULL, "\"%s\" gave %s, not none", written, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0, "\"%s\" gave %s, not %s",
		    written, got != NULL ? got : "none", want);
}

START_TEST(names_in_six_languages)
{
	static const char *const germany[] = { "Germany", "Deutschland", "Alemania", "Allemagne",
		"Germania", "Alemanha" };
	static const char *const switzerland[] = { "Switzerland", "Schweiz", "Suiza", "Suisse",
		"Svizzera", "Suíça" };

	for (size_t i = 0; i < 6; i++) {
		assert_code(germany[i], "DE");
		assert_code(switzerland[i], "CH");
	}
	assert_code("España", "ES");
	assert_code("Espana", "ES");
	assert_code("Österreich", "AT");
	assert_code("Royaume-Uni", "GB");
	assert_code("Estados Unidos", "US");
}
END_TEST

START_TEST(variants_people_write)
{
	static const char *const us[] = { "USA", "U.S.", "U.S.A.", "United States",
		"United States of America", "united states" };
	static const char *const gb[] = { "UK", "U.K.", "United Kingdom", "Great Britain",
		"England", "Großbritannien" };

	for (size_t i = 0; i < 6; i++) {
		assert_code(us[i], "US");
		assert_code(gb[i], "GB");
	}
	assert_code("Holland", "NL");
	assert_code("  Deutschland ", "DE");
}
END_TEST

START_TEST(iso_codes_in_any_case)
{
	assert_code("DE", "DE");
	assert_code("de", "DE");
	assert_code("DEU", "DE");
	assert_code("che", "CH");
	assert_code("GBR", "GB");
	assert_code("FR", "FR");
}
END_TEST

START_TEST(what_is_no_country_gives_none)
{
	assert_code("", NULL);
	assert_code("   ", NULL);
	assert_code("Atlantis", NULL);
	assert_code("Berlin", NULL);
	assert_code("+49", NULL);
	assert_code("XX", NULL);
}
END_TEST

START_TEST(every_generated_name_names_its_country_or_is_shared)
{
	/* Each name gives its own code, or none when another country is
	 * written the same way once folded. */
	for (size_t i = 0; i < country_nnames; i++) {
		const char *got = country_code(country_names[i].name);
		ck_assert_msg(got == NULL || strcmp(got, country_names[i].code) == 0,
		    "\"%s\" gave %s, not %s", country_names[i].name, got, country_names[i].code);
	}
	ck_assert_uint_gt(country_nnames, 1000);
}
END_TEST

static void *
lookup_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		if (country_code(i % 2 ? "Deutschland" : "usa") == NULL)
			return (void *)1;
	}
	return NULL;
}

START_TEST(headers_say_their_language_country)
{
	static const char *const de[] = { "Anrede", "Vorname", "Nachname", "Mobiltelefon",
		"E-Mail-Adresse" };
	static const char *const fr[] = { "Prénom", "Nom", "Tél. mobile", "Société" };
	static const char *const es[] = { "Nombre", "Apellidos", "Móvil", "País" };
	static const char *const en[] = { "First Name", "Last Name", "Mobile Phone", "Notes" };
	static const char *const one[] = { "Vorname", "Last Name", "Email" };

	ck_assert_str_eq(country_of_headers(de, 5), "DE");
	ck_assert_str_eq(country_of_headers(fr, 4), "FR");
	ck_assert_str_eq(country_of_headers(es, 4), "ES");
	ck_assert_ptr_null(country_of_headers(en, 4));
	/* One word is not enough to say a file's language. */
	ck_assert_ptr_null(country_of_headers(one, 3));
	ck_assert_ptr_null(country_of_headers(NULL, 0));
	ck_assert_str_eq(country_adjective("DE"), "German");
	ck_assert_str_eq(country_adjective("GB"), "British");
	ck_assert_ptr_null(country_adjective("KE"));
}
END_TEST

START_TEST(safe_from_threads)
{
	pthread_t t[4];
	void *rc;

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, lookup_many, NULL), 0);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(t[i], &rc), 0);
		ck_assert_ptr_null(rc);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("country");
	TCase *tc = tcase_create("country");
	SRunner *r;
	int failed;

	tcase_add_test(tc, names_in_six_languages);
	tcase_add_test(tc, headers_say_their_language_country);
	tcase_add_test(tc, variants_people_write);
	tcase_add_test(tc, iso_codes_in_any_case);
	tcase_add_test(tc, what_is_no_country_gives_none);
	tcase_add_test(tc, every_generated_name_names_its_country_or_is_shared);
	tcase_add_test(tc, safe_from_threads);
	suite_add_tcase(s, tc);
	r = srunner_create(s);
	srunner_run_all(r, CK_ENV);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? 0 : 1;
}
