/* Unit tests for validate.c and validate-phone.cc: each field type with
 * values it takes and values it refuses, then length and pattern rules, on
 * a schema built by hand; then the check of a whole row (validate_row). */
#include "config.h"

#include <check.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "validate.h"

enum {
	F_NAME,
	F_EMAIL,
	F_PHONE,
	F_BIRTHDAY,
	F_AMOUNT,
	F_AMOUNT_EU,
	F_COUNT,
	F_STATUS,
	F_TAGS,
	F_CODE,
	F_NICKNAME,
	F_ROLES,
	NFIELDS
};

static char *statuses[] = { "Active", "On Hold", "Closed" };

static struct field fields[NFIELDS] = {
	[F_NAME] = { .name = "name", .type = FIELD_TEXT, .required = 1 },
	[F_EMAIL] = { .name = "email", .type = FIELD_EMAIL },
	[F_PHONE] = { .name = "phone", .type = FIELD_PHONE },
	[F_BIRTHDAY] = { .name = "birthday", .type = FIELD_DATE },
	[F_AMOUNT] = { .name = "amount", .type = FIELD_NUMBER },
	[F_AMOUNT_EU] = { .name = "amount_eu", .type = FIELD_NUMBER, .decimal_comma = 1 },
	[F_COUNT] = { .name = "count", .type = FIELD_NUMBER, .integer = 1 },
	[F_STATUS] = { .name = "status", .type = FIELD_ENUM, .values = statuses, .nvalues = 3 },
	[F_TAGS] = { .name = "tags", .type = FIELD_LIST, .separator = ";" },
	[F_CODE] = { .name = "code", .type = FIELD_TEXT, .pattern = "^[A-Z]{2}[0-9]{3}$" },
	[F_NICKNAME] = { .name = "nickname", .type = FIELD_TEXT, .max_length = 4 },
	[F_ROLES] = { .name = "roles", .type = FIELD_LIST, .separator = " | ", .max_length = 12 },
};

static struct schema schema = {
	.name = "contacts",
	.table = "contacts",
	.region = "US",
	.date_order = DATE_MDY,
	.fields = fields,
	.nfields = NFIELDS,
};

static struct validator *v;

static void
setup(void)
{
	char *cause = NULL;

	ck_assert_int_eq(
	    regcomp(&fields[F_CODE].regex, fields[F_CODE].pattern, REG_EXTENDED | REG_NOSUB), 0);
	v = validator_new(&schema, NULL, &cause);
	ck_assert_ptr_nonnull(v);
}

static void
teardown(void)
{
	validator_free(v);
	regfree(&fields[F_CODE].regex);
}

/* value normalizes to want (NULL: to nothing) through validator w. */
static void
check_with(const struct validator *w, size_t f, const char *value, const char *want)
{
	char *out = (char *)"unset", *cause = NULL;
	int rc = validate_value(w, f, value, &out, &cause);

	ck_assert_msg(rc == 0, "%s \"%s\" was refused: %s", fields[f].name, value,
	    cause != NULL ? cause : "(no cause)");
	if (want == NULL)
		ck_assert_msg(out == NULL, "%s \"%s\" became \"%s\", not nothing", fields[f].name,
		    value, out);
	else
		ck_assert_msg(out != NULL && strcmp(out, want) == 0,
		    "%s \"%s\" became \"%s\", not \"%s\"", fields[f].name, value,
		    out != NULL ? out : "(nothing)", want);
	free(out);
}

static void
check_ok(size_t f, const char *value, const char *want)
{
	check_with(v, f, value, want);
}

/* value is refused by w; returns the cause, which the caller frees. */
static char *
refused_with(const struct validator *w, size_t f, const char *value)
{
	char *out = (char *)"unset", *cause = NULL;
	int rc = validate_value(w, f, value, &out, &cause);

	ck_assert_msg(rc == -1, "%s \"%s\" was taken as \"%s\"", fields[f].name, value,
	    out != NULL ? out : "(nothing)");
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(cause);
	/* A sentence, and without the value: the caller shows that. */
	ck_assert_msg(cause[strlen(cause) - 1] == '.', "\"%s\" is no sentence", cause);
	ck_assert_msg(strlen(value) < 6 || strstr(cause, value) == NULL,
	    "the cause \"%s\" repeats the value", cause);
	return cause;
}

static void
check_refused(size_t f, const char *value)
{
	free(refused_with(v, f, value));
}

/* value is refused by w with a cause that says needle. */
static void
check_refused_saying(const struct validator *w, size_t f, const char *value, const char *needle)
{
	char *cause = refused_with(w, f, value);

	ck_assert_msg(strstr(cause, needle) != NULL,
	    "%s \"%s\": the cause \"%s\" does not say \"%s\"", fields[f].name, value, cause, needle);
	free(cause);
}

START_TEST(text_is_trimmed)
{
	check_ok(F_NAME, "  Ada Lovelace \t", "Ada Lovelace");
	check_ok(F_NAME,
	    "\xc2\xa0"
	    "Ada\xc2\xa0",
	    "Ada");
	check_ok(F_NAME, "Ada\xc2\xa0Lovelace", "Ada\xc2\xa0Lovelace");
}
END_TEST

/* In sluice's CSV of rejected rows, the quote the export put before a
 * formula character or a quote is taken off; anything else keeps it. */
START_TEST(report_quote_before_a_formula_character_is_dropped)
{
	validator_set_quoted_cells(v, 1);
	check_ok(F_NAME, "'=SUM(A1)", "=SUM(A1)");
	check_ok(F_PHONE, "'+1 (201) 555-0123", "+12015550123");
	check_ok(F_AMOUNT, "'-12.50", "-12.5");
	check_ok(F_NAME, "''=literal", "'=literal");
	check_ok(F_NAME, "''tis", "'tis");
	check_ok(F_NAME, "'tis the season", "'tis the season");
	check_ok(F_NAME, "'", "'");
	validator_set_quoted_cells(v, 0);
}
END_TEST

/* In any other file a leading quote is the value's own. */
START_TEST(leading_quote_is_kept_in_other_files)
{
	check_ok(F_NAME, "'=literal", "'=literal");
	check_ok(F_NAME, "''x", "''x");
	check_ok(F_NAME, "'tis the season", "'tis the season");
	ck_assert(validate_is_rejects_csv("csv", (const char *[]){ "Name", "error" }, 2));
	ck_assert(!validate_is_rejects_csv("xlsx", (const char *[]){ "Name", "error" }, 2));
	ck_assert(!validate_is_rejects_csv("csv", (const char *[]){ "error", "Name" }, 2));
	ck_assert(!validate_is_rejects_csv("csv", NULL, 0));
}
END_TEST

START_TEST(empty_after_trim_is_nothing_even_when_required)
{
	size_t f;

	/* Required fields are the caller's business. */
	for (f = 0; f < NFIELDS; f++) {
		check_ok(f, "", NULL);
		check_ok(f, "  \t\xc2\xa0 ", NULL);
		check_ok(f, NULL, NULL);
	}
}
END_TEST

START_TEST(invalid_utf8_is_refused)
{
	check_refused_saying(v, F_NAME, "Ren\xe9 Dupont", "UTF-8");
	check_refused_saying(v, F_TAGS, "a;\xff", "UTF-8");
}
END_TEST

START_TEST(email_is_lowercased_and_trimmed)
{
	check_ok(F_EMAIL, "  John.Doe@Example.COM ", "john.doe@example.com");
	check_ok(F_EMAIL, "a+tag@mail.example.co.uk", "a+tag@mail.example.co.uk");
	check_ok(F_EMAIL, "\xc2\xa0X_Y@Sub-Domain.Example.org\xc2\xa0", "x_y@sub-domain.example.org");
	check_ok(F_EMAIL, "jos\xc3\xa9@m\xc3\xbcnchen.de", "jos\xc3\xa9@m\xc3\xbcnchen.de");
}
END_TEST

START_TEST(email_refuses_what_is_no_address)
{
	check_refused_saying(v, F_EMAIL, "john.doe", "one @");
	check_refused_saying(v, F_EMAIL, "a@b@example.com", "more than one @");
	check_refused_saying(v, F_EMAIL, "a@example.com; b@example.com", "");
	check_refused_saying(v, F_EMAIL, "@mail.example.org", "before the @");
	check_refused_saying(v, F_EMAIL, "john@", "domain");
	check_refused_saying(v, F_EMAIL, "john@localhost", "domain");
	check_refused_saying(v, F_EMAIL, "john@.example.com", "domain");
	check_refused_saying(v, F_EMAIL, "john@example.com.", "domain");
	check_refused_saying(v, F_EMAIL, "john@example..com", "domain");
	check_refused_saying(v, F_EMAIL, "john doe@example.com", "spaces");
	check_refused_saying(v, F_EMAIL,
	    "john\xc2\xa0"
	    "doe@example.com",
	    "spaces");
	check_refused(F_EMAIL, "John <john@example.com>");
	check_refused(F_EMAIL, "\"john\"@example.com");
	check_refused(F_EMAIL, "a@b.com,c@d.com");
}
END_TEST

START_TEST(phone_formats_differ_but_normalize_equal)
{
	check_ok(F_PHONE, "+1 (201) 555-0123", "+12015550123");
	check_ok(F_PHONE, "201.555.0123", "+12015550123");
	check_ok(F_PHONE, "(201) 555-0123", "+12015550123");
	check_ok(F_PHONE, "1-201-555-0123", "+12015550123");
	check_ok(F_PHONE, "+1 650-253-0000", "+16502530000");
	check_ok(F_PHONE, "+44 20 7946 0958", "+442079460958");
}
END_TEST

START_TEST(phone_reads_00_and_the_region)
{
	struct validator *de;
	char *cause = NULL;

	/* 00 as most of the world dials abroad, even with region US. */
	check_ok(F_PHONE, "00 49 30 1234567", "+49301234567");
	check_ok(F_PHONE, "011 49 30 1234567", "+49301234567");

	/* The region given to validator_new() wins over the schema's. */
	de = validator_new(&schema, "de", &cause);
	ck_assert_ptr_nonnull(de);
	check_with(de, F_PHONE, "030 1234567", "+49301234567");
	check_with(de, F_PHONE, "00 49 30 1234567", "+49301234567");
	check_with(de, F_PHONE, "0151 23456789", "+4915123456789");
	check_with(de, F_PHONE, "+1 (201) 555-0123", "+12015550123");
	validator_free(de);
}
END_TEST

START_TEST(phone_refuses_invalid_numbers)
{
	check_refused_saying(v, F_PHONE, "call me", "not a phone number");
	check_refused_saying(v, F_PHONE, "12", "too few digits");
	check_refused_saying(v, F_PHONE, "201 555 01234567890", "too many digits");
	check_refused_saying(v, F_PHONE, "+999 1234567", "country code");
	/* The format is fine; 555 is no US area code. */
	check_refused_saying(v, F_PHONE, "+1 (555) 123-4567", "not a valid phone number");
	check_refused_saying(v, F_PHONE, "555.123.4567", "not a valid phone number");
}
END_TEST

START_TEST(phone_without_region_needs_country_code)
{
	struct schema bare = schema;
	struct validator *w;
	char *cause = NULL;

	bare.region = NULL;
	w = validator_new(&bare, NULL, &cause);
	ck_assert_ptr_nonnull(w);
	check_with(w, F_PHONE, "+1 201 555 0123", "+12015550123");
	check_with(w, F_PHONE, "00 49 30 1234567", "+49301234567");
	check_refused_saying(w, F_PHONE, "201 555 0123", "no phone region");
	validator_free(w);
}
END_TEST

START_TEST(validator_new_refuses_unknown_region)
{
	struct schema bad = schema;
	struct validator *w;
	char *cause = NULL;

	w = validator_new(&schema, "XX", &cause);
	ck_assert_ptr_null(w);
	ck_assert_str_eq(cause,
	    "The phone region \"XX\" is not a known ISO 3166 country code, such as US or DE.");
	free(cause);

	cause = NULL;
	bad.region = "UK";
	ck_assert_ptr_null(validator_new(&bad, NULL, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "\"UK\""));
	free(cause);

	/* Lower case is fine, and an override fixes a schema's bad region. */
	w = validator_new(&bad, "gb", &cause);
	ck_assert_ptr_nonnull(w);
	check_with(w, F_PHONE, "020 7946 0958", "+442079460958");
	validator_free(w);
	validator_free(NULL);
}
END_TEST

START_TEST(date_iso_and_compact_forms)
{
	check_ok(F_BIRTHDAY, "2024-03-15", "2024-03-15");
	check_ok(F_BIRTHDAY, "2024/03/15", "2024-03-15");
	check_ok(F_BIRTHDAY, "2024.03.15", "2024-03-15");
	check_ok(F_BIRTHDAY, "2024-3-5", "2024-03-05");
	check_ok(F_BIRTHDAY, "20240315", "2024-03-15");
	check_ok(F_BIRTHDAY, " 2024-03-15 ", "2024-03-15");
}
END_TEST

START_TEST(date_dmy_vs_mdy)
{
	struct schema dmy_schema = schema;
	struct validator *dmy;
	char *cause = NULL;

	dmy_schema.date_order = DATE_DMY;
	dmy = validator_new(&dmy_schema, NULL, &cause);
	ck_assert_ptr_nonnull(dmy);

	check_ok(F_BIRTHDAY, "03/04/2024", "2024-03-04");
	check_with(dmy, F_BIRTHDAY, "03/04/2024", "2024-04-03");
	check_ok(F_BIRTHDAY, "3-4-2024", "2024-03-04");
	check_with(dmy, F_BIRTHDAY, "3-4-2024", "2024-04-03");
	check_ok(F_BIRTHDAY, "12/31/2024", "2024-12-31");
	check_with(dmy, F_BIRTHDAY, "31/12/2024", "2024-12-31");

	/* Dotted dates are day first whatever the order. */
	check_ok(F_BIRTHDAY, "15.03.2024", "2024-03-15");
	check_with(dmy, F_BIRTHDAY, "15.03.2024", "2024-03-15");
	check_ok(F_BIRTHDAY, "5.3.2024", "2024-03-05");

	/* The wrong order shows as a month past 12, and the cause says why. */
	check_refused_saying(v, F_BIRTHDAY, "31/12/2024", "month/day/year");
	check_refused_saying(dmy, F_BIRTHDAY, "12/31/2024", "day/month/year");
	validator_free(dmy);
}
END_TEST

START_TEST(date_month_names_in_english)
{
	check_ok(F_BIRTHDAY, "15 March 2024", "2024-03-15");
	check_ok(F_BIRTHDAY, "15 Mar 2024", "2024-03-15");
	check_ok(F_BIRTHDAY, "March 15, 2024", "2024-03-15");
	check_ok(F_BIRTHDAY, "Mar 15 2024", "2024-03-15");
	check_ok(F_BIRTHDAY, "mar. 15th, 2024", "2024-03-15");
	check_ok(F_BIRTHDAY, "1st DECEMBER 2024", "2024-12-01");
	check_ok(F_BIRTHDAY, "15-Mar-2024", "2024-03-15");
	check_ok(F_BIRTHDAY, "Sept 9, 2024", "2024-09-09");
	check_ok(F_BIRTHDAY, "2 may 2024", "2024-05-02");
	check_refused_saying(v, F_BIRTHDAY, "15 Mars 2024", "English");
	check_refused_saying(v, F_BIRTHDAY, "Marzo 15, 2024", "English");
}
END_TEST

START_TEST(date_time_of_day_is_dropped)
{
	check_ok(F_BIRTHDAY, "2024-03-15T10:20:00", "2024-03-15");
	check_ok(F_BIRTHDAY, "2024-03-15 10:20:00", "2024-03-15");
	check_ok(F_BIRTHDAY, "2024-03-15T10:20:00.250Z", "2024-03-15");
	check_ok(F_BIRTHDAY, "2024-03-15T10:20+01:00", "2024-03-15");
	check_ok(F_BIRTHDAY, "3/15/2024 9:05 PM", "2024-03-15");
	check_ok(F_BIRTHDAY, "15.03.2024 23:59", "2024-03-15");
	check_refused(F_BIRTHDAY, "2024-03-15T25:00");
	check_refused(F_BIRTHDAY, "2024-03-15 noon");
	check_refused(F_BIRTHDAY, "2024/03/15T10:20");
}
END_TEST

START_TEST(date_two_digit_years_are_refused)
{
	check_refused_saying(v, F_BIRTHDAY, "03/04/24", "four digits");
	check_refused_saying(v, F_BIRTHDAY, "15.03.24", "four digits");
	check_refused_saying(v, F_BIRTHDAY, "15 Mar 24", "four digits");
	check_refused_saying(v, F_BIRTHDAY, "March 15, 24", "four digits");
}
END_TEST

START_TEST(date_checks_the_calendar)
{
	check_ok(F_BIRTHDAY, "2024-02-29", "2024-02-29");
	check_ok(F_BIRTHDAY, "2000-02-29", "2000-02-29");
	check_refused_saying(v, F_BIRTHDAY, "2023-02-29", "does not exist");
	check_refused_saying(v, F_BIRTHDAY, "1900-02-29", "does not exist");
	check_refused_saying(v, F_BIRTHDAY, "2024-04-31", "does not exist");
	check_refused_saying(v, F_BIRTHDAY, "2024-01-00", "does not exist");
	check_refused_saying(v, F_BIRTHDAY, "2024-13-01", "month");
	check_refused_saying(v, F_BIRTHDAY, "0999-01-01", "1000 and 9999");
	check_ok(F_BIRTHDAY, "1000-01-01", "1000-01-01");
	check_ok(F_BIRTHDAY, "9999-12-31", "9999-12-31");
}
END_TEST

START_TEST(date_refuses_what_is_no_date)
{
	check_refused_saying(v, F_BIRTHDAY, "yesterday", "not a date");
	check_refused_saying(v, F_BIRTHDAY, "n/a", "not a date");
	check_refused(F_BIRTHDAY, "2024-07");
	check_refused(F_BIRTHDAY, "2024-03/15");
	check_refused(F_BIRTHDAY, "15 03 2024");
	check_refused(F_BIRTHDAY, "2024031");
	check_refused(F_BIRTHDAY, "June 2024");
	check_refused(F_BIRTHDAY, "-2024-03-15");
}
END_TEST

START_TEST(number_canonical_form)
{
	check_ok(F_AMOUNT, "1234.5", "1234.5");
	check_ok(F_AMOUNT, "+0012.500", "12.5");
	check_ok(F_AMOUNT, "-12", "-12");
	check_ok(F_AMOUNT, "-0", "0");
	check_ok(F_AMOUNT, "-0.000", "0");
	check_ok(F_AMOUNT, "007", "7");
	check_ok(F_AMOUNT, "0", "0");
	check_ok(F_AMOUNT, ".5", "0.5");
	check_ok(F_AMOUNT, "-.5", "-0.5");
	check_ok(F_AMOUNT, "5.", "5");
	check_ok(F_AMOUNT, "1,234.50", "1234.5");
	check_ok(F_AMOUNT, "12,345,678", "12345678");
	check_ok(F_AMOUNT, "1 234 567.25", "1234567.25");
	check_ok(F_AMOUNT, "1'234.5", "1234.5");
	check_ok(F_AMOUNT,
	    "\xe2\x88\x92"
	    "3",
	    "-3");
	check_ok(F_AMOUNT, "123456789012345678901234567890.000000000000000000001",
	    "123456789012345678901234567890.000000000000000000001");
}
END_TEST

START_TEST(number_comma_only_groups_thousands)
{
	check_refused_saying(v, F_AMOUNT, "12,5", "groups of three");
	check_refused_saying(v, F_AMOUNT, "1,23,456", "groups of three");
	check_refused_saying(v, F_AMOUNT, "1234,567", "groups of three");
	check_refused_saying(v, F_AMOUNT, "1,234 567", "groups of three");
	check_refused_saying(v, F_AMOUNT, "1.234,5", "groups of three");
	check_refused(F_AMOUNT, "1,");
}
END_TEST

START_TEST(number_decimal_comma)
{
	check_ok(F_AMOUNT_EU, "1.234,50", "1234.5");
	check_ok(F_AMOUNT_EU, "12,5", "12.5");
	check_ok(F_AMOUNT_EU, "-0,25", "-0.25");
	check_ok(F_AMOUNT_EU, "1 234,5", "1234.5");
	check_ok(F_AMOUNT_EU,
	    "1\xc2\xa0"
	    "234,5",
	    "1234.5");
	check_ok(F_AMOUNT_EU,
	    "1\xe2\x80\xaf"
	    "234,5",
	    "1234.5");
	check_ok(F_AMOUNT_EU, "1'234'567", "1234567");
	check_ok(F_AMOUNT_EU, "1.234", "1234");
	check_ok(F_AMOUNT_EU, "42", "42");
	check_refused_saying(v, F_AMOUNT_EU, "12.50", "comma before the decimals");
	check_refused_saying(v, F_AMOUNT_EU, "1,234.5", "comma before the decimals");
	check_refused_saying(v, F_AMOUNT_EU, "1.2345", "groups of three");
	check_refused_saying(v, F_AMOUNT_EU, "abc", "decimal comma");
}
END_TEST

START_TEST(number_refuses_what_is_no_number)
{
	check_refused_saying(v, F_AMOUNT, "abc", "not a number");
	check_refused(F_AMOUNT, "1e5");
	check_refused(F_AMOUNT, "$5");
	check_refused(F_AMOUNT, "5 EUR");
	check_refused(F_AMOUNT, "--5");
	check_refused(F_AMOUNT, "+-5");
	check_refused(F_AMOUNT, ".");
	check_refused(F_AMOUNT, "-");
	check_refused(F_AMOUNT, "1.2.3");
	check_refused(F_AMOUNT, "0x1F");
	check_refused(F_AMOUNT, "12 %");
}
END_TEST

START_TEST(number_integer_refuses_fractions)
{
	check_ok(F_COUNT, "12", "12");
	check_ok(F_COUNT, "12.000", "12");
	check_ok(F_COUNT, "1,000", "1000");
	check_ok(F_COUNT, "-3", "-3");
	check_refused_saying(v, F_COUNT, "12.5", "whole numbers");
	check_refused_saying(v, F_COUNT, "0.01", "whole numbers");
}
END_TEST

START_TEST(enum_canonical_case)
{
	check_ok(F_STATUS, "active", "Active");
	check_ok(F_STATUS, "  ON HOLD ", "On Hold");
	check_ok(F_STATUS, "Closed", "Closed");
	check_refused_saying(v, F_STATUS, "pending", "Active, On Hold, Closed");
	check_refused(F_STATUS, "On  Hold");
	check_refused(F_STATUS, "Activ");
	check_refused(F_STATUS, "Actives");
}
END_TEST

START_TEST(list_dedup_and_union)
{
	char *u;

	check_ok(F_TAGS, "vip", "vip");
	check_ok(F_TAGS, " vip ; customer;;vip; partner ;", "vip;customer;partner");
	check_ok(F_TAGS, "VIP;vip", "VIP;vip");
	check_ok(F_TAGS, " ; ;; ", NULL);
	check_ok(F_ROLES, "a | b|c | a", "a | b|c");

	u = validate_list_union("vip;customer", "customer;partner", ";");
	ck_assert_str_eq(u, "vip;customer;partner");
	free(u);
	u = validate_list_union(NULL, "partner", ";");
	ck_assert_str_eq(u, "partner");
	free(u);
	u = validate_list_union("vip", NULL, ";");
	ck_assert_str_eq(u, "vip");
	free(u);
	u = validate_list_union("a | b", "b | c | a", " | ");
	ck_assert_str_eq(u, "a | b | c");
	free(u);
	ck_assert_ptr_null(validate_list_union(NULL, NULL, ";"));
	ck_assert_ptr_null(validate_list_union("", "", ";"));
}
END_TEST

START_TEST(max_length_counts_characters_not_bytes)
{
	char *cause;

	/* Zoë! is 4 characters in 5 bytes. */
	check_ok(F_NICKNAME, "Zo\xc3\xab!", "Zo\xc3\xab!");
	check_ok(F_NICKNAME, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	/* Counted after trimming. */
	check_ok(F_NICKNAME, "  Ada  ", "Ada");
	cause = refused_with(v, F_NICKNAME, "Zo\xc3\xab!!");
	ck_assert_ptr_nonnull(strstr(cause, "at most 4 characters"));
	free(cause);
	/* And after normalization: the repeated role is gone. */
	check_ok(F_ROLES, "admin | user | admin", "admin | user");
	check_refused(F_ROLES, "admin | users");
}
END_TEST

START_TEST(pattern_is_checked_on_the_normalized_value)
{
	check_ok(F_CODE, "AB123", "AB123");
	check_ok(F_CODE, "  AB123 ", "AB123");
	check_refused_saying(v, F_CODE, "ab123", "^[A-Z]{2}[0-9]{3}$");
	check_refused_saying(v, F_CODE, "AB1234", "form this field expects");
}
END_TEST

/* --- Whole rows ------------------------------------------------------------ */

static struct field row_fields[] = {
	{ .name = "name", .label = "Name", .type = FIELD_TEXT, .required = 1 },
	{ .name = "email", .label = "Email", .type = FIELD_EMAIL },
	{ .name = "phone", .label = "Phone", .type = FIELD_PHONE },
};
static size_t row_keys[] = { 1, 2 };
static struct schema row_schema = {
	.name = "people",
	.table = "people",
	.region = "US",
	.fields = row_fields,
	.nfields = 3,
	.match_keys = row_keys,
	.nmatch_keys = 2,
};
/* The file's columns: phone, name, email. */
static const int row_columns[] = { 1, 2, 0 };

struct problems {
	size_t n;
	int field[8], column[8], dropped[8];
	char *message[8], *value[8];
};

static void
note_problem(void *ctx, int field, int column, const char *message, const char *value, int dropped)
{
	struct problems *p = ctx;

	ck_assert_uint_lt(p->n, 8);
	p->field[p->n] = field;
	p->column[p->n] = column;
	p->dropped[p->n] = dropped;
	p->message[p->n] = strdup(message);
	p->value[p->n] = value != NULL ? strdup(value) : NULL;
	p->n++;
}

static void
problems_clear(struct problems *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->message[i]);
		free(p->value[i]);
	}
	memset(p, 0, sizeof *p);
}

/* Problem i is about field and column and says message (NULL: anything). */
static void
assert_problem(const struct problems *p, size_t i, int field, int column, const char *message)
{
	ck_assert_uint_lt(i, p->n);
	ck_assert_int_eq(p->field[i], field);
	ck_assert_int_eq(p->column[i], column);
	ck_assert_ptr_nonnull(p->message[i]);
	if (message != NULL)
		ck_assert_str_eq(p->message[i], message);
}

/* Checks the row cells (phone, name, email) with row_columns; values
 * receives the normalized values. */
static size_t
check_row(const char *phone, const char *name, const char *email, const char *row_error,
    char **values, struct problems *p)
{
	char *cells[] = { (char *)phone, (char *)name, (char *)email };
	struct validator *rv;
	char *cause = NULL;
	size_t n;

	rv = validator_new(&row_schema, NULL, &cause);
	ck_assert_ptr_nonnull(rv);
	memset(p, 0, sizeof *p);
	n = validate_row(rv, row_columns, NULL, 0, cells, 3, row_error, values, note_problem, p);
	validator_free(rv);
	ck_assert_uint_eq(n, p->n);
	return n;
}

static void
values_clear(char **values)
{
	for (size_t f = 0; f < 3; f++)
		free(values[f]);
}

START_TEST(row_with_valid_values_gives_them_normalized)
{
	char *values[3];
	struct problems p;

	ck_assert_uint_eq(check_row("(212) 555-0187", " Ada ", "Ada@Example.COM", NULL, values, &p),
	    0);
	ck_assert_str_eq(values[0], "Ada");
	ck_assert_str_eq(values[1], "ada@example.com");
	ck_assert_str_eq(values[2], "+12125550187");
	values_clear(values);
}
END_TEST

START_TEST(row_problem_names_the_field_the_column_and_the_value)
{
	char *values[3];
	struct problems p;

	ck_assert_uint_eq(check_row("(212) 555-0187", "Ada", "ada@", NULL, values, &p), 1);
	assert_problem(&p, 0, 1, 2, NULL);
	ck_assert_str_eq(p.value[0], "ada@");
	ck_assert_ptr_null(values[1]);
	ck_assert_str_eq(values[2], "+12125550187");
	values_clear(values);
	problems_clear(&p);
}
END_TEST

START_TEST(row_without_a_required_value_is_refused_with_the_label)
{
	char *values[3];
	struct problems p;

	/* The match key is not looked at once the row has a problem. */
	ck_assert_uint_eq(check_row("", "  ", "", NULL, values, &p), 1);
	assert_problem(&p, 0, 0, 1, "Name is required but empty in this row.");
	ck_assert_ptr_null(p.value[0]);
	values_clear(values);
	problems_clear(&p);
}
END_TEST

START_TEST(row_without_a_match_key_is_refused_as_a_whole)
{
	char *values[3];
	struct problems p;

	ck_assert_uint_eq(check_row("", "Ada", "", NULL, values, &p), 1);
	assert_problem(&p, 0, -1, -1,
	    "The row has no email or phone; it needs one to find the record again.");
	ck_assert_str_eq(values[0], "Ada");
	values_clear(values);
	problems_clear(&p);
}
END_TEST

START_TEST(row_the_source_refused_is_not_checked_further)
{
	char *values[3];
	struct problems p;

	ck_assert_uint_eq(
	    check_row("x", "", "y", "This row has 2 fields; the header has 3.", values, &p), 1);
	assert_problem(&p, 0, -1, -1, "This row has 2 fields; the header has 3.");
	for (size_t f = 0; f < 3; f++)
		ck_assert_ptr_null(values[f]);
	problems_clear(&p);
}
END_TEST

START_TEST(row_with_a_required_field_without_column_says_so)
{
	static const int columns[] = { -1, 2, 0 };
	char *cells[] = { (char *)"", (char *)"Ada", (char *)"ada@example.com" };
	struct validator *rv;
	struct problems p = { 0 };
	char *cause = NULL;

	rv = validator_new(&row_schema, NULL, &cause);
	ck_assert_ptr_nonnull(rv);
	ck_assert_uint_eq(validate_row(rv, columns, NULL, 0, cells, 3, NULL, NULL, note_problem, &p),
	    1);
	assert_problem(&p, 0, 0, -1, "This field is required but no column is mapped to it.");
	validator_free(rv);
	problems_clear(&p);
}
END_TEST

/* Fields that drop an invalid value alone, or reject the row: name
 * (required), email and phone (match keys), birthday (drop_value), status
 * (reject_row). The file's columns are the fields' order. */
static char *drop_statuses[] = { "lead", "customer" };
static struct field drop_fields[] = {
	{ .name = "name", .label = "Name", .type = FIELD_TEXT, .required = 1 },
	{ .name = "email", .label = "Email", .type = FIELD_EMAIL },
	{ .name = "phone", .label = "Phone", .type = FIELD_PHONE },
	{ .name = "birthday",
	    .label = "Birthday",
	    .type = FIELD_DATE,
	    .on_invalid = ON_INVALID_DROP_VALUE },
	{ .name = "status",
	    .label = "Status",
	    .type = FIELD_ENUM,
	    .values = drop_statuses,
	    .nvalues = 2,
	    .on_invalid = ON_INVALID_REJECT_ROW },
};
static struct schema drop_schema = {
	.name = "people",
	.table = "people",
	.region = "US",
	.fields = drop_fields,
	.nfields = 5,
	.match_keys = row_keys,
	.nmatch_keys = 2,
};
static const int drop_columns[] = { 0, 1, 2, 3, 4 };

/* Checks the row (name, email, phone, birthday, status) under the
 * schema's on_invalid, or with every invalid value rejecting its row;
 * values (5 slots) receives the normalized values. */
static size_t
check_drop_row(enum invalid_values iv, const char *name, const char *email, const char *phone,
    const char *birthday, const char *status, char **values, struct problems *p)
{
	char *cells[] = { (char *)name, (char *)email, (char *)phone, (char *)birthday,
		(char *)status };
	struct validator *rv;
	char *cause = NULL;
	size_t n;

	rv = validator_new(&drop_schema, NULL, &cause);
	ck_assert_ptr_nonnull(rv);
	validator_set_invalid_values(rv, iv);
	memset(p, 0, sizeof *p);
	n = validate_row(rv, drop_columns, NULL, 0, cells, 5, NULL, values, note_problem, p);
	validator_free(rv);
	return n;
}

static void
drop_values_clear(char **values)
{
	for (size_t f = 0; f < 5; f++)
		free(values[f]);
}

START_TEST(row_with_an_invalid_optional_value_is_kept_without_it)
{
	/* An impossible date, Google's yearless birthday, Outlook's "no
	 * birthday". */
	static const char *const bad[] = { "31/02/1990", "--07-04", "31.04.1990" };
	char *values[5];
	struct problems p;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_uint_eq(check_drop_row(INVALID_VALUES_SCHEMA, "Ada", "ada@example.com",
				      "(212) 555-0187", bad[i], "Lead", values, &p),
		    0);
		ck_assert_uint_eq(p.n, 1);
		assert_problem(&p, 0, 3, 3, NULL);
		ck_assert_int_eq(p.dropped[0], 1);
		ck_assert_str_eq(p.value[0], bad[i]);
		ck_assert_ptr_null(values[3]);
		ck_assert_str_eq(values[0], "Ada");
		ck_assert_str_eq(values[1], "ada@example.com");
		ck_assert_str_eq(values[2], "+12125550187");
		ck_assert_str_eq(values[4], "lead");
		drop_values_clear(values);
		problems_clear(&p);
	}
}
END_TEST

START_TEST(row_with_an_invalid_reject_row_value_is_rejected)
{
	char *values[5];
	struct problems p;

	ck_assert_uint_eq(check_drop_row(INVALID_VALUES_SCHEMA, "Ada", "ada@example.com", "",
			      "1990-02-03", "vip", values, &p),
	    1);
	ck_assert_uint_eq(p.n, 1);
	assert_problem(&p, 0, 4, 4, NULL);
	ck_assert_int_eq(p.dropped[0], 0);
	ck_assert_str_eq(p.value[0], "vip");
	drop_values_clear(values);
	problems_clear(&p);
}
END_TEST

START_TEST(a_rejected_row_drops_no_value_alone)
{
	char *values[5];
	struct problems p;

	/* A bad email rejects the row: the bad birthday goes with it, as one
	 * more reason, not as a value dropped. */
	ck_assert_uint_eq(
	    check_drop_row(INVALID_VALUES_SCHEMA, "Ada", "ada@", "", "31/02/1990", "", values, &p),
	    2);
	assert_problem(&p, 0, 1, 1, NULL);
	assert_problem(&p, 1, 3, 3, NULL);
	ck_assert_int_eq(p.dropped[0], 0);
	ck_assert_int_eq(p.dropped[1], 0);
	drop_values_clear(values);
	problems_clear(&p);

	/* Without a match key the row is rejected, its dropped value too. */
	ck_assert_uint_eq(
	    check_drop_row(INVALID_VALUES_SCHEMA, "Ada", "", "", "--07-04", "", values, &p), 2);
	assert_problem(&p, 0, 3, 3, NULL);
	assert_problem(&p, 1, -1, -1,
	    "The row has no email or phone; it needs one to find the record again.");
	ck_assert_int_eq(p.dropped[0], 0);
	ck_assert_int_eq(p.dropped[1], 0);
	drop_values_clear(values);
	problems_clear(&p);
}
END_TEST

/* German mobile numbers without +49 suggest DE (never the region they were
 * read in); what is no number suggests nothing. */
START_TEST(guess_region_finds_the_country_of_national_numbers)
{
	const char *german[] = { "0151 23456789", "0170 1234567", "0160 9876543", "not a phone" };
	ck_assert_str_eq(validate_guess_region(german, 4, "US"), "DE");
	const char *other = validate_guess_region(german, 4, "DE");
	ck_assert(other == NULL || strcmp(other, "DE") != 0);
	const char *junk[] = { "abc", "12", "not a phone" };
	ck_assert_ptr_null(validate_guess_region(junk, 3, "US"));
	ck_assert_ptr_null(validate_guess_region(NULL, 0, "US"));
}
END_TEST

START_TEST(invalid_values_reject_row_rejects_for_any_field)
{
	char *values[5];
	struct problems p;

	ck_assert_uint_eq(check_drop_row(INVALID_VALUES_REJECT_ROW, "Ada", "ada@example.com", "",
			      "31.04.1990", "", values, &p),
	    1);
	assert_problem(&p, 0, 3, 3, NULL);
	ck_assert_int_eq(p.dropped[0], 0);
	drop_values_clear(values);
	problems_clear(&p);

	ck_assert_str_eq(validate_invalid_values_name(INVALID_VALUES_SCHEMA), "schema");
	ck_assert_str_eq(validate_invalid_values_name(INVALID_VALUES_REJECT_ROW), "reject-row");
	ck_assert_int_eq(validate_invalid_values_parse("schema"), INVALID_VALUES_SCHEMA);
	ck_assert_int_eq(validate_invalid_values_parse("reject-row"), INVALID_VALUES_REJECT_ROW);
	ck_assert_int_eq(validate_invalid_values_parse("reject_row"), -1);
	ck_assert_int_eq(validate_invalid_values_parse(NULL), -1);
}
END_TEST

/* What exports write: Outlook's "no date", vCard's and Google's yearless
 * birthday, Google's " ::: " lists with its system labels, and a cell of
 * several values whose first one is the field's value and the others are
 * kept by the field that collects them. */
static char *export_skip[] = { "* myContacts", "* starred" };
static struct field export_fields[] = {
	{ .name = "email", .label = "Email", .type = FIELD_EMAIL },
	{ .name = "phone", .label = "Phone", .type = FIELD_PHONE },
	{ .name = "other_phones", .label = "Other phones", .type = FIELD_LIST, .separator = ";" },
	{ .name = "birthday", .label = "Birthday", .type = FIELD_DATE, .yearless = 1 },
	{ .name = "tags",
	    .label = "Tags",
	    .type = FIELD_LIST,
	    .separator = ";",
	    .skip_items = export_skip,
	    .nskip_items = 2 },
};
static size_t export_keys[] = { 1, 0 };
static struct schema export_schema = {
	.name = "contacts",
	.table = "contacts",
	.region = "US",
	.date_order = DATE_MDY,
	.fields = export_fields,
	.nfields = 5,
	.match_keys = export_keys,
	.nmatch_keys = 2,
};

/* value of field f under the export schema becomes want (NULL: nothing). */
static void
check_export(size_t f, const char *value, const char *want)
{
	struct validator *w;
	char *cause = NULL, *out = NULL;

	export_fields[2].collects = &export_fields[1];
	w = validator_new(&export_schema, NULL, &cause);
	ck_assert_ptr_nonnull(w);
	ck_assert_msg(validate_value(w, f, value, &out, &cause) == 0, "\"%s\" was refused: %s",
	    value, cause);
	if (want == NULL)
		ck_assert_msg(out == NULL, "\"%s\" became \"%s\", not nothing", value, out);
	else
		ck_assert_msg(out != NULL && strcmp(out, want) == 0,
		    "\"%s\" became \"%s\", not \"%s\"", value, out != NULL ? out : "(nothing)", want);
	free(out);
	validator_free(w);
}

START_TEST(date_a_programs_no_date_is_empty)
{
	static const char *const none[] = { "0.0.00", "1/0/00", "00.00.0000", "0000-00-00",
		"0/0/0000" };

	for (size_t i = 0; i < sizeof none / sizeof *none; i++)
		check_ok(F_BIRTHDAY, none[i], NULL);
	/* A zero day or month in a real year is a mistake, not "none". */
	check_refused(F_BIRTHDAY, "00.00.1990");
	check_refused(F_BIRTHDAY, "1/0/90");
}
END_TEST

START_TEST(date_yearless_where_the_field_allows_it)
{
	check_export(3, "--07-04", "--07-04");
	check_export(3, "--0229", "--02-29");
	check_export(3, "1990-07-04", "1990-07-04");
	/* Not a day of any year, and not in a field without yearless. */
	struct validator *w;
	char *cause = NULL, *out = NULL;
	w = validator_new(&export_schema, NULL, &cause);
	ck_assert_int_eq(validate_value(w, 3, "--02-30", &out, &cause), -1);
	free(cause);
	validator_free(w);
	check_refused(F_BIRTHDAY, "--07-04");
}
END_TEST

START_TEST(list_google_separator_and_skipped_items)
{
	check_export(4, "* myContacts ::: Customers ::: * starred", "Customers");
	check_export(4, "VIP;* MYCONTACTS ::: Customers", "VIP;Customers");
	check_export(4, "* myContacts", NULL);
	check_ok(F_TAGS, "a ::: b;c", "a;b;c");
}
END_TEST

START_TEST(row_several_values_in_one_cell_keep_the_first_and_collect_the_rest)
{
	/* email, phone, other_phones, birthday, tags */
	static const int columns[] = { 0, 1, 2, 3, 4 };
	char *cells[] = { (char *)"ann@example.com",
		(char *)"+1 650-253-0000 ::: +1 212 736 5000 ::: ext", (char *)"", (char *)"",
		(char *)"" };
	char *values[5];
	struct validator *w;
	struct problems p = { 0 };
	char *cause = NULL;

	export_fields[2].collects = &export_fields[1];
	w = validator_new(&export_schema, NULL, &cause);
	ck_assert_ptr_nonnull(w);
	ck_assert_uint_eq(
	    validate_row(w, columns, NULL, 0, cells, 5, NULL, values, note_problem, &p), 0);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_str_eq(values[1], "+16502530000");
	/* Each further value normalized when it can be, else as written. */
	ck_assert_str_eq(values[2], "+12127365000;ext");
	for (size_t f = 0; f < 5; f++)
		free(values[f]);

	/* The collecting field's own cell comes first; with no column of its
	 * own it still keeps them. */
	cells[2] = (char *)"+44 20 7946 0958";
	ck_assert_uint_eq(
	    validate_row(w, columns, NULL, 0, cells, 5, NULL, values, note_problem, &p), 0);
	ck_assert_str_eq(values[2], "+442079460958;+12127365000;ext");
	for (size_t f = 0; f < 5; f++)
		free(values[f]);
	static const int no_other[] = { 0, 1, -1, 3, 4 };
	ck_assert_uint_eq(
	    validate_row(w, no_other, NULL, 0, cells, 5, NULL, values, note_problem, &p), 0);
	ck_assert_str_eq(values[2], "+12127365000;ext");
	for (size_t f = 0; f < 5; f++)
		free(values[f]);

	/* An invalid first value is the field's problem, named by its cell. */
	cells[1] = (char *)"not a phone ::: +1 212 736 5000";
	ck_assert_uint_eq(
	    validate_row(w, columns, NULL, 0, cells, 5, NULL, values, note_problem, &p), 1);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_int_eq(p.field[0], 1);
	ck_assert_str_eq(p.value[0], "not a phone");
	problems_clear(&p);
	for (size_t f = 0; f < 5; f++)
		free(values[f]);
	validator_free(w);
}
END_TEST

START_TEST(row_several_columns_feed_a_list_and_an_empty_phone_takes_the_first)
{
	/* email, phone, other_phones, birthday, tags; columns: email, business
	 * phone, home phone, mobile phone, other phone */
	static const int columns[] = { 0, 3, 1, -1, -1 };
	static const int feeds[] = { 0, 2, 2, 1, 2 };
	char *cells[] = { (char *)"ann@example.com", (char *)"+1 650-253-0000", (char *)"",
		(char *)"+1 212 736 5000", (char *)"+44 20 7946 0958" };
	char *values[5];
	struct validator *w;
	struct problems p = { 0 };
	char *cause = NULL;

	export_fields[2].collects = &export_fields[1];
	w = validator_new(&export_schema, NULL, &cause);
	ck_assert_ptr_nonnull(w);
	ck_assert_uint_eq(
	    validate_row(w, columns, feeds, 5, cells, 5, NULL, values, note_problem, &p), 0);
	ck_assert_str_eq(values[1], "+12127365000");
	ck_assert_str_eq(values[2], "+16502530000;+442079460958");
	for (size_t f = 0; f < 5; f++)
		free(values[f]);

	/* No mobile in this row: the business phone is the phone. */
	cells[3] = (char *)" ";
	ck_assert_uint_eq(
	    validate_row(w, columns, feeds, 5, cells, 5, NULL, values, note_problem, &p), 0);
	ck_assert_str_eq(values[1], "+16502530000");
	ck_assert_str_eq(values[2], "+442079460958");
	for (size_t f = 0; f < 5; f++)
		free(values[f]);

	/* Its problem names the column it came from. */
	cells[1] = (char *)"12";
	ck_assert_uint_eq(
	    validate_row(w, columns, feeds, 5, cells, 5, NULL, values, note_problem, &p), 1);
	ck_assert_int_eq(p.field[0], 1);
	ck_assert_int_eq(p.column[0], 1);
	ck_assert_str_eq(p.value[0], "12");
	problems_clear(&p);
	for (size_t f = 0; f < 5; f++)
		free(values[f]);
	validator_free(w);
}
END_TEST

START_TEST(row_phones_invalid_in_the_region_are_tried_in_the_suggested_one)
{
	static const int columns[] = { 0, 1, -1, -1, -1 };
	char *cells[] = { (char *)"ann@example.com", (char *)"0151 23456789", (char *)"",
		(char *)"", (char *)"" };
	struct validator *w;
	struct problems p = { 0 };
	char *cause = NULL, region[3];
	uint64_t hits;

	export_fields[2].collects = NULL;
	w = validator_new(&export_schema, NULL, &cause);
	ck_assert_ptr_nonnull(w);
	/* The headers suggest DE: one German number of two invalid ones is
	 * half of them. */
	validator_set_hint(w, "DE", -1);
	validate_row(w, columns, NULL, 0, cells, 5, NULL, NULL, note_problem, &p);
	problems_clear(&p);
	cells[1] = (char *)"12";
	validate_row(w, columns, NULL, 0, cells, 5, NULL, NULL, note_problem, &p);
	problems_clear(&p);
	cells[1] = (char *)"(650) 253-0000"; /* valid: not counted */
	validate_row(w, columns, NULL, 0, cells, 5, NULL, NULL, note_problem, &p);
	problems_clear(&p);
	ck_assert(validator_hint(&w, 1, region, &hits));
	ck_assert_str_eq(region, "DE");
	ck_assert_uint_eq(hits, 1);
	validator_free(w);

	/* Nothing suggested but the numbers' shape: British national numbers. */
	w = validator_new(&export_schema, NULL, &cause);
	validator_set_hint(w, NULL, -1);
	static const char *const british[] = { "020 7946 0958", "0161 496 0123", "0117 496 0456",
		"020 7946 0011" };
	for (size_t i = 0; i < 4; i++) {
		cells[1] = (char *)british[i];
		validate_row(w, columns, NULL, 0, cells, 5, NULL, NULL, note_problem, &p);
		problems_clear(&p);
	}
	ck_assert(validator_hint(&w, 1, region, &hits));
	ck_assert_str_eq(region, "GB");
	ck_assert_uint_eq(hits, 4);
	validator_free(w);

	/* The row's country, from a column not read as the region (2). */
	static const int two[] = { 0, 1, -1, -1, -1 };
	char *row[] = { (char *)"ann@example.com", (char *)"01 42 68 53 00", (char *)"France" };
	w = validator_new(&export_schema, NULL, &cause);
	validator_set_hint(w, NULL, 2);
	validate_row(w, two, NULL, 0, row, 3, NULL, NULL, note_problem, &p);
	problems_clear(&p);
	ck_assert(validator_hint(&w, 1, region, &hits));
	ck_assert_str_eq(region, "FR");
	validator_free(w);

	/* Valid numbers, or the validator's own region, suggest nothing. */
	w = validator_new(&export_schema, NULL, &cause);
	validator_set_hint(w, "US", -1);
	cells[1] = (char *)"(650) 253-0000";
	validate_row(w, columns, NULL, 0, cells, 5, NULL, NULL, note_problem, &p);
	problems_clear(&p);
	ck_assert(!validator_hint(&w, 1, region, &hits));
	validator_free(w);
}
END_TEST

static Suite *
validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("validate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, text_is_trimmed);
	tcase_add_test(tc, empty_after_trim_is_nothing_even_when_required);
	tcase_add_test(tc, invalid_utf8_is_refused);
	tcase_add_test(tc, email_is_lowercased_and_trimmed);
	tcase_add_test(tc, email_refuses_what_is_no_address);
	tcase_add_test(tc, phone_formats_differ_but_normalize_equal);
	tcase_add_test(tc, phone_reads_00_and_the_region);
	tcase_add_test(tc, phone_refuses_invalid_numbers);
	tcase_add_test(tc, phone_without_region_needs_country_code);
	tcase_add_test(tc, validator_new_refuses_unknown_region);
	tcase_add_test(tc, date_iso_and_compact_forms);
	tcase_add_test(tc, date_dmy_vs_mdy);
	tcase_add_test(tc, date_month_names_in_english);
	tcase_add_test(tc, date_time_of_day_is_dropped);
	tcase_add_test(tc, date_two_digit_years_are_refused);
	tcase_add_test(tc, date_checks_the_calendar);
	tcase_add_test(tc, date_refuses_what_is_no_date);
	tcase_add_test(tc, number_canonical_form);
	tcase_add_test(tc, number_comma_only_groups_thousands);
	tcase_add_test(tc, number_decimal_comma);
	tcase_add_test(tc, number_refuses_what_is_no_number);
	tcase_add_test(tc, number_integer_refuses_fractions);
	tcase_add_test(tc, enum_canonical_case);
	tcase_add_test(tc, list_dedup_and_union);
	tcase_add_test(tc, date_a_programs_no_date_is_empty);
	tcase_add_test(tc, date_yearless_where_the_field_allows_it);
	tcase_add_test(tc, list_google_separator_and_skipped_items);
	tcase_add_test(tc, max_length_counts_characters_not_bytes);
	tcase_add_test(tc, report_quote_before_a_formula_character_is_dropped);
	tcase_add_test(tc, leading_quote_is_kept_in_other_files);
	tcase_add_test(tc, pattern_is_checked_on_the_normalized_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("row");
	tcase_add_test(tc, row_with_valid_values_gives_them_normalized);
	tcase_add_test(tc, row_problem_names_the_field_the_column_and_the_value);
	tcase_add_test(tc, row_without_a_required_value_is_refused_with_the_label);
	tcase_add_test(tc, row_without_a_match_key_is_refused_as_a_whole);
	tcase_add_test(tc, row_the_source_refused_is_not_checked_further);
	tcase_add_test(tc, row_with_a_required_field_without_column_says_so);
	tcase_add_test(tc, row_with_an_invalid_optional_value_is_kept_without_it);
	tcase_add_test(tc, row_with_an_invalid_reject_row_value_is_rejected);
	tcase_add_test(tc, a_rejected_row_drops_no_value_alone);
	tcase_add_test(tc, invalid_values_reject_row_rejects_for_any_field);
	tcase_add_test(tc, guess_region_finds_the_country_of_national_numbers);
	tcase_add_test(tc, row_several_values_in_one_cell_keep_the_first_and_collect_the_rest);
	tcase_add_test(tc, row_several_columns_feed_a_list_and_an_empty_phone_takes_the_first);
	tcase_add_test(tc, row_phones_invalid_in_the_region_are_tried_in_the_suggested_one);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(validate_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
