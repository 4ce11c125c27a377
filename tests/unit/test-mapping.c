/* Unit tests for mapping.c: headers in several languages mapped through the
 * contacts schema's synonyms, likely matches, remembered mappings, user
 * overrides (inline and from a file) and the source of each column, the
 * checks made before an import starts (strict ones too), and the JSON kept
 * with each import. */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mapping.h"
#include "schema.h"
#include "testdir.h"
#include "xmalloc.h"

static struct schema *contacts;
static struct schema *products;

/* Each test case gets a directory, made and removed by the parent process
 * so that it goes away even when a test fails; each test works in a
 * subdirectory of its own. */
static void
case_setup(void)
{
	testdir_case_setup("mapping");
}

static struct schema *
load_shipped(const char *name)
{
	const char *dir = getenv("SLUICE_SCHEMA_DIR");
	char *path = xasprintf("%s/%s.schema", dir != NULL && *dir ? dir : "data/schemas", name);
	char *cause = NULL;
	struct schema *s = schema_load(path, &cause);

	ck_assert_msg(s != NULL, "%s was refused: %s", path, cause != NULL ? cause : "(no cause)");
	free(path);
	return s;
}

static void
setup(void)
{
	make_tmp_dir();
	contacts = load_shipped("contacts");
	products = load_shipped("products");
}

static void
teardown(void)
{
	schema_free(contacts);
	schema_free(products);
	remove_tree(tmp_dir);
}

#define NHEADERS(a) (sizeof(a) / sizeof *(a))

static struct mapping *
suggest(const struct schema *s, const char *const *headers, size_t n)
{
	struct mapping *m = mapping_suggest(s, headers, n);

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->ncolumns, n);
	ck_assert_uint_eq(m->nfields, s->nfields);
	for (size_t c = 0; c < n; c++)
		ck_assert_str_eq(m->headers[c], headers[c]);
	return m;
}

/* Column c of m feeds the field called field (NULL: no field), and the
 * field's column says so too (a list field's first column, when several
 * feed it). */
static void
assert_maps(const struct mapping *m, const struct schema *s, size_t c, const char *field)
{
	if (field == NULL) {
		ck_assert_msg(m->field[c] == -1, "\"%s\" maps to %s, not to nothing", m->headers[c],
		    m->field[c] >= 0 ? s->fields[m->field[c]].name : "?");
		return;
	}
	int f = schema_field_index(s, field);

	ck_assert_int_ge(f, 0);
	ck_assert_msg(m->field[c] == f, "\"%s\" maps to %s, not to %s", m->headers[c],
	    m->field[c] >= 0 ? s->fields[m->field[c]].name : "nothing", field);
	ck_assert_msg(m->several[f] ? m->column[f] >= 0 && m->column[f] <= (int)c :
				      m->column[f] == (int)c,
	    "field %s takes column %d, not %zu", field, m->column[f], c);
}

/* The field called field has no column. */
static void
assert_unmapped_field(const struct mapping *m, const struct schema *s, const char *field)
{
	int f = schema_field_index(s, field);

	ck_assert_int_ge(f, 0);
	ck_assert_msg(m->column[f] == -1, "field %s still takes column %d", field, m->column[f]);
}

static void
assert_says(const char *cause, const char *words)
{
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, words) != NULL, "the cause \"%s\" does not say \"%s\"", cause,
	    words);
}

START_TEST(english_headers_map_through_synonyms)
{
	static const char *const h[] = { "Given Name", "Family Name", "E-mail Address",
		"Phone 1 - Value", "Organization 1 - Name", "Job Title" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	assert_maps(m, contacts, 0, "first_name");
	assert_maps(m, contacts, 1, "last_name");
	assert_maps(m, contacts, 2, "email");
	assert_maps(m, contacts, 3, "phone");
	assert_maps(m, contacts, 4, "company");
	assert_maps(m, contacts, 5, "job_title");
	assert_unmapped_field(m, contacts, "notes");
	mapping_free(m);
}
END_TEST

START_TEST(mobile_phone_maps_to_phone)
{
	static const char *const h[] = { "Mobile Phone", "Email" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	assert_maps(m, contacts, 0, "phone");
	assert_maps(m, contacts, 1, "email");
	mapping_free(m);
}
END_TEST

START_TEST(german_headers_map_through_synonyms)
{
	static const char *const h[] = { "Vorname", "Nachname", "E-Mail-Adresse", "Telefon", "Firma" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	assert_maps(m, contacts, 0, "first_name");
	assert_maps(m, contacts, 1, "last_name");
	assert_maps(m, contacts, 2, "email");
	assert_maps(m, contacts, 3, "phone");
	assert_maps(m, contacts, 4, "company");
	mapping_free(m);
}
END_TEST

START_TEST(spanish_headers_map_through_synonyms)
{
	static const char *const h[] = { "Nombre", "Apellidos", "Correo electrónico", "Teléfono",
		"Empresa" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	assert_maps(m, contacts, 0, "first_name");
	assert_maps(m, contacts, 1, "last_name");
	assert_maps(m, contacts, 2, "email");
	assert_maps(m, contacts, 3, "phone");
	assert_maps(m, contacts, 4, "company");
	mapping_free(m);
}
END_TEST

START_TEST(french_headers_map_through_synonyms)
{
	static const char *const h[] = { "Prénom", "Nom de famille", "Courriel", "Téléphone",
		"Société" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	assert_maps(m, contacts, 0, "first_name");
	assert_maps(m, contacts, 1, "last_name");
	assert_maps(m, contacts, 2, "email");
	assert_maps(m, contacts, 3, "phone");
	assert_maps(m, contacts, 4, "company");
	mapping_free(m);
}
END_TEST

START_TEST(matching_ignores_case_spaces_punctuation_and_accents)
{
	static const char *const h[] = { "  E_MAIL address ", "PHONE-NUMBER", "first.name",
		"job_title" };
	static const char *const plain[] = { "CORREO ELECTRONICO", "telefono", "PRENOM" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	assert_maps(m, contacts, 0, "email");
	assert_maps(m, contacts, 1, "phone");
	assert_maps(m, contacts, 2, "first_name");
	/* A field's own name is a synonym too. */
	assert_maps(m, contacts, 3, "job_title");
	mapping_free(m);

	/* Headers written without the accents of the synonyms. */
	m = suggest(contacts, plain, NHEADERS(plain));
	assert_maps(m, contacts, 0, "email");
	assert_maps(m, contacts, 1, "phone");
	assert_maps(m, contacts, 2, "first_name");
	mapping_free(m);
}
END_TEST

START_TEST(unknown_headers_map_to_nothing)
{
	static const char *const h[] = { "Favourite Colour", "", "Email" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	assert_maps(m, contacts, 0, NULL);
	assert_maps(m, contacts, 1, NULL);
	assert_maps(m, contacts, 2, "email");
	mapping_free(m);
}
END_TEST

START_TEST(each_field_takes_only_the_first_matching_column)
{
	static const char *const h[] = { "Notes", "Phone", "Mobile Phone", "Email", "E-mail",
		"email", "Comments" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	assert_maps(m, contacts, 0, "notes");
	/* Mobile Phone comes before Phone among the synonyms, which list
	 * the field's name too. */
	assert_maps(m, contacts, 2, "phone");
	assert_maps(m, contacts, 3, "email");
	assert_maps(m, contacts, 6, NULL);
	/* The list fields that collect phone and email keep the others. */
	assert_maps(m, contacts, 1, "other_phones");
	assert_maps(m, contacts, 4, "other_emails");
	assert_maps(m, contacts, 5, "other_emails");
	ck_assert_int_eq(m->column[schema_field_index(contacts, "other_emails")], 4);
	mapping_free(m);
}
END_TEST

START_TEST(several_columns_feed_a_list_field_without_conflict)
{
	static const char *const h[] = { "Business Phone", "Home Phone", "Mobile Phone",
		"Other Phone" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	int other = schema_field_index(contacts, "other_phones");
	char *cause = NULL;

	assert_maps(m, contacts, 2, "phone");
	assert_maps(m, contacts, 0, "other_phones");
	assert_maps(m, contacts, 1, "other_phones");
	assert_maps(m, contacts, 3, "other_phones");
	ck_assert_int_eq(mapping_holder(m, other, 3), -1);
	/* Leaving the first out makes the next one the field's column. */
	ck_assert_int_eq(mapping_apply(m, contacts, "Business Phone=-", &cause), 0);
	ck_assert_int_eq(m->column[other], 1);
	ck_assert_int_eq(mapping_apply(m, contacts, "Mobile Phone=other_phones", &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(m->column[schema_field_index(contacts, "phone")], -1);
	assert_maps(m, contacts, 2, "other_phones");
	mapping_free(m);
}
END_TEST

START_TEST(apply_maps_a_column_to_a_field)
{
	static const char *const h[] = { "Contact", "Cell Number", "Remarks" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	assert_maps(m, contacts, 0, NULL);
	ck_assert_int_eq(mapping_apply(m, contacts, "Contact=email,Cell Number = phone", &cause), 0);
	ck_assert_ptr_null(cause);
	assert_maps(m, contacts, 0, "email");
	assert_maps(m, contacts, 1, "phone");
	assert_maps(m, contacts, 2, NULL);
	mapping_free(m);
}
END_TEST

START_TEST(apply_moves_a_field_from_its_suggested_column)
{
	static const char *const h[] = { "Email", "Work Address" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	assert_maps(m, contacts, 0, "email");
	ck_assert_int_eq(mapping_apply(m, contacts, "Work Address=email", &cause), 0);
	assert_maps(m, contacts, 0, NULL);
	assert_maps(m, contacts, 1, "email");
	mapping_free(m);
}
END_TEST

START_TEST(apply_dash_or_nothing_unmaps_a_column)
{
	static const char *const h[] = { "Email", "Phone", "Notes" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	ck_assert_int_eq(mapping_apply(m, contacts, "Notes=-,Phone=", &cause), 0);
	assert_maps(m, contacts, 0, "email");
	assert_maps(m, contacts, 1, NULL);
	assert_maps(m, contacts, 2, NULL);
	assert_unmapped_field(m, contacts, "notes");
	assert_unmapped_field(m, contacts, "phone");
	mapping_free(m);
}
END_TEST

START_TEST(apply_finds_headers_exactly_then_folded)
{
	static const char *const h[] = { "e-mail", "E-Mail", "Bemerkung" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	/* "E-Mail" is one header exactly, though two fold alike. */
	ck_assert_int_eq(mapping_apply(m, contacts, "E-Mail=notes", &cause), 0);
	assert_maps(m, contacts, 1, "notes");
	/* Folded, "BEMERKUNG" is the third header. */
	ck_assert_int_eq(mapping_apply(m, contacts, "BEMERKUNG=company", &cause), 0);
	assert_maps(m, contacts, 2, "company");
	mapping_free(m);
}
END_TEST

START_TEST(apply_refuses_an_unknown_header_naming_it)
{
	static const char *const h[] = { "Email", "Phone" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	ck_assert_int_eq(mapping_apply(m, contacts, "Handynummer=phone", &cause), -1);
	assert_says(cause, "Handynummer");
	free(cause);
	mapping_free(m);
}
END_TEST

START_TEST(apply_refuses_an_unknown_field_naming_it)
{
	static const char *const h[] = { "Email", "Fax" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	ck_assert_int_eq(mapping_apply(m, contacts, "Fax=fax_number", &cause), -1);
	assert_says(cause, "fax_number");
	free(cause);
	assert_maps(m, contacts, 1, NULL);
	mapping_free(m);
}
END_TEST

START_TEST(apply_refuses_a_header_the_file_has_twice)
{
	static const char *const h[] = { "Email", "Notes", "Notes" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	ck_assert_int_eq(mapping_apply(m, contacts, "Notes=company", &cause), -1);
	assert_says(cause, "Notes");
	free(cause);
	mapping_free(m);
}
END_TEST

START_TEST(apply_file_reads_one_override_per_line)
{
	static const char *const h[] = { "Contact", "Cell Number", "Email" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *path = xasprintf("%s/overrides.map", tmp_dir);
	FILE *fp = fopen(path, "w");
	char *cause = NULL;

	ck_assert_ptr_nonnull(fp);
	fputs("# saved for the CRM export\n"
	      "\n"
	      "Contact = email\n"
	      "  Cell Number=phone  \n"
	      "Email=-\n",
	    fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(mapping_apply_file(m, contacts, path, &cause), 0);
	assert_maps(m, contacts, 0, "email");
	assert_maps(m, contacts, 1, "phone");
	assert_maps(m, contacts, 2, NULL);
	free(path);
	mapping_free(m);
}
END_TEST

START_TEST(apply_file_names_the_file_and_line_of_a_bad_override)
{
	static const char *const h[] = { "Contact", "Email" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *path = xasprintf("%s/overrides.map", tmp_dir);
	FILE *fp = fopen(path, "w");
	char *cause = NULL;

	ck_assert_ptr_nonnull(fp);
	fputs("# comment\n"
	      "Contact=notes\n"
	      "Nickname=first_name\n",
	    fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(mapping_apply_file(m, contacts, path, &cause), -1);
	assert_says(cause, path);
	assert_says(cause, "line 3");
	assert_says(cause, "Nickname");
	free(cause);
	unlink(path);

	ck_assert_int_eq(mapping_apply_file(m, contacts, path, &cause), -1);
	assert_says(cause, path);
	free(cause);
	free(path);
	mapping_free(m);
}
END_TEST

START_TEST(check_accepts_a_mapping_with_a_match_key)
{
	static const char *const h[] = { "First Name", "Email" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	ck_assert_int_eq(mapping_check(m, contacts, &cause), 0);
	ck_assert_ptr_null(cause);
	mapping_free(m);
}
END_TEST

START_TEST(check_refuses_a_missing_required_field_naming_headers_and_field)
{
	static const char *const h[] = { "Product Name", "Unit Price", "Qty" };
	struct mapping *m = suggest(products, h, NHEADERS(h));
	char *cause = NULL;

	assert_maps(m, products, 0, "name");
	ck_assert_int_eq(mapping_check(m, products, &cause), -1);
	assert_says(cause, "sku");
	assert_says(cause, "Product Name");
	assert_says(cause, "Unit Price");
	assert_says(cause, "Qty");
	free(cause);
	mapping_free(m);
}
END_TEST

START_TEST(check_refuses_contacts_without_a_match_key_column)
{
	static const char *const h[] = { "First Name", "Last Name", "Company" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	ck_assert_int_eq(mapping_check(m, contacts, &cause), -1);
	assert_says(cause, "phone");
	assert_says(cause, "email");
	assert_says(cause, "First Name");
	assert_says(cause, "Company");
	free(cause);
	mapping_free(m);
}
END_TEST

START_TEST(check_refuses_when_the_only_match_key_is_unmapped)
{
	static const char *const h[] = { "Email", "First Name" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	ck_assert_int_eq(mapping_apply(m, contacts, "Email=-", &cause), 0);
	ck_assert_int_eq(mapping_check(m, contacts, &cause), -1);
	assert_says(cause, "Email");
	free(cause);
	mapping_free(m);
}
END_TEST

START_TEST(gaps_are_none_when_required_fields_and_a_match_key_have_columns)
{
	static const char *const h[] = { "First Name", "Email" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	struct mapping_gaps gaps;

	ck_assert_int_eq(mapping_gaps(m, contacts, &gaps), 0);
	ck_assert_uint_eq(gaps.nrequired, 0);
	ck_assert_int_eq(gaps.unkeyed, 0);
	mapping_gaps_clear(&gaps);
	mapping_free(m);
}
END_TEST

START_TEST(gaps_list_the_required_fields_in_order_and_a_missing_match_key)
{
	static const char *const h[] = { "Qty", "Unit Price" };
	struct mapping *m = suggest(products, h, NHEADERS(h));
	struct mapping_gaps gaps;
	char *names;

	ck_assert_int_eq(mapping_gaps(m, products, &gaps), -1);
	ck_assert_uint_eq(gaps.nrequired, 2);
	ck_assert_int_eq((int)gaps.required[0], schema_field_index(products, "sku"));
	ck_assert_int_eq((int)gaps.required[1], schema_field_index(products, "name"));
	ck_assert_int_eq(gaps.unkeyed, 1);
	names = schema_join_fields(products, gaps.required, gaps.nrequired, 1, ", ");
	ck_assert_str_eq(names, "SKU, Name");
	free(names);
	mapping_gaps_clear(&gaps);
	mapping_free(m);
}
END_TEST

START_TEST(gaps_of_contacts_without_phone_or_email_are_the_match_key_alone)
{
	static const char *const h[] = { "First Name", "Company" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	struct mapping_gaps gaps;

	ck_assert_int_eq(mapping_gaps(m, contacts, &gaps), -1);
	ck_assert_uint_eq(gaps.nrequired, 0);
	ck_assert_int_eq(gaps.unkeyed, 1);
	mapping_gaps_clear(&gaps);
	mapping_free(m);
}
END_TEST

START_TEST(json_lists_every_column_with_its_header_and_field)
{
	static const char *const h[] = { "E-mail", "Favourite Colour", "Téléphone" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *js = mapping_to_json(m, contacts);
	json_error_t err;
	json_t *arr = json_loads(js, 0, &err);

	ck_assert_msg(arr != NULL, "not JSON: %s (%s)", js, err.text);
	ck_assert(json_is_array(arr));
	ck_assert_uint_eq(json_array_size(arr), 3);
	for (size_t c = 0; c < 3; c++) {
		json_t *o = json_array_get(arr, c);
		ck_assert(json_is_object(o));
		/* A mapped column says how: a column no rule maps has no source. */
		ck_assert_uint_eq(json_object_size(o), c == 1 ? 3 : 4);
		ck_assert_int_eq(json_integer_value(json_object_get(o, "column")), (json_int_t)c);
		ck_assert_str_eq(json_string_value(json_object_get(o, "header")), h[c]);
	}
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 0), "field")),
	    "email");
	ck_assert(json_is_null(json_object_get(json_array_get(arr, 1), "field")));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 2), "field")),
	    "phone");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 0), "source")),
	    "synonym");
	ck_assert_ptr_null(json_object_get(json_array_get(arr, 1), "source"));
	json_decref(arr);
	free(js);
	mapping_free(m);
}
END_TEST

START_TEST(source_names_parse_back)
{
	for (int i = MAPPING_SYNONYM; i < MAPPING_SOURCE_COUNT; i++) {
		enum mapping_source src = (enum mapping_source)i;

		ck_assert_int_eq(mapping_source_parse(mapping_source_name(src)), src);
		ck_assert_str_ne(mapping_source_label(src), "");
	}
	ck_assert_int_eq(mapping_source_parse("unheard of"), MAPPING_NONE);
	ck_assert_int_eq(mapping_source_parse(NULL), MAPPING_NONE);
}
END_TEST

START_TEST(suggest_marks_synonyms_and_leaves_the_rest_to_no_rule)
{
	static const char *const h[] = { "Email", "Favourite Colour" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	ck_assert_int_eq(m->source[0], MAPPING_SYNONYM);
	ck_assert_int_eq(m->source[1], MAPPING_NONE);
	mapping_free(m);
}
END_TEST

/* Google's export: Organization Name and Title are synonyms; the contact
 * name headers and a British Organisation are offered as likely, by the
 * wizard and by import. */
START_TEST(likely_maps_google_organization_and_contact_name_headers)
{
	static const char *const h[] = { "Contact First Name", "Contact Last Name",
		"Organisation Name", "Organisation Position", "E-mail 1 - Value",
		"Favourite Colour", "Organization Name", "Organization Title" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	mapping_suggest_likely(m, contacts);
	assert_maps(m, contacts, 0, "first_name");
	assert_maps(m, contacts, 1, "last_name");
	assert_maps(m, contacts, 2, NULL);
	assert_maps(m, contacts, 3, NULL);
	assert_maps(m, contacts, 4, "email");
	assert_maps(m, contacts, 5, NULL);
	assert_maps(m, contacts, 6, "company");
	assert_maps(m, contacts, 7, "job_title");
	for (size_t c = 0; c < 2; c++)
		ck_assert_int_eq(m->source[c], MAPPING_LIKELY);
	ck_assert_int_eq(m->source[4], MAPPING_SYNONYM);
	ck_assert_int_eq(m->source[5], MAPPING_NONE);
	ck_assert_int_eq(m->source[6], MAPPING_SYNONYM);
	ck_assert_int_eq(m->source[7], MAPPING_SYNONYM);
	mapping_free(m);

	/* Alone, the British spelling is a likely company and job title. */
	static const char *const uk[] = { "Organisation Name", "Organisation Position" };
	m = suggest(contacts, uk, NHEADERS(uk));
	mapping_suggest_likely(m, contacts);
	assert_maps(m, contacts, 0, "company");
	assert_maps(m, contacts, 1, "job_title");
	ck_assert_int_eq(m->source[0], MAPPING_LIKELY);
	ck_assert_int_eq(m->source[1], MAPPING_LIKELY);
	mapping_free(m);
}
END_TEST

START_TEST(likely_leaves_a_field_a_synonym_took)
{
	static const char *const h[] = { "Company", "Organisation Name", "Email" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));

	mapping_suggest_likely(m, contacts);
	assert_maps(m, contacts, 0, "company");
	assert_maps(m, contacts, 1, NULL);
	ck_assert_int_eq(m->source[0], MAPPING_SYNONYM);
	mapping_free(m);
}
END_TEST

START_TEST(propose_lets_a_remembered_mapping_win_over_suggestions)
{
	static const char *const h[] = { "Email", "Organisation Name", "Notes 2" };
	/* Remembered for headers that fold alike: Email out, notes kept. */
	const char *remembered =
	    "[{\"column\":0,\"header\":\"E-MAIL\",\"field\":null},"
	    "{\"column\":1,\"header\":\"organization name\",\"field\":\"email\"},"
	    "{\"column\":2,\"header\":\"Notes 2\",\"field\":\"notes\"}]";
	int applied = -1;
	struct mapping *m = mapping_propose(contacts, h, NHEADERS(h), remembered, &applied);

	ck_assert_int_eq(applied, 1);
	assert_maps(m, contacts, 0, NULL);
	assert_maps(m, contacts, 1, "email");
	assert_maps(m, contacts, 2, "notes");
	for (size_t c = 0; c < NHEADERS(h); c++)
		ck_assert_int_eq(m->source[c], MAPPING_REMEMBERED);
	mapping_free(m);

	/* Nothing remembered: synonyms and likely matches. */
	m = mapping_propose(contacts, h, NHEADERS(h), NULL, &applied);
	ck_assert_int_eq(applied, 0);
	assert_maps(m, contacts, 0, "email");
	assert_maps(m, contacts, 1, "company");
	ck_assert_int_eq(m->source[1], MAPPING_LIKELY);
	mapping_free(m);
}
END_TEST

START_TEST(propose_ignores_a_remembered_mapping_that_does_not_fit)
{
	static const char *const h[] = { "Email", "Phone" };
	int applied = -1;
	struct mapping *m = mapping_propose(contacts, h, NHEADERS(h),
	    "[{\"column\":0,\"header\":\"Email\",\"field\":\"phone\"}]", &applied);

	ck_assert_int_eq(applied, 0);
	assert_maps(m, contacts, 0, "email");
	assert_maps(m, contacts, 1, "phone");
	mapping_free(m);
	m = mapping_propose(contacts, h, NHEADERS(h), "not json", &applied);
	ck_assert_int_eq(applied, 0);
	assert_maps(m, contacts, 0, "email");
	mapping_free(m);
}
END_TEST

START_TEST(remembered_mapping_keeps_its_region_and_date_order)
{
	static const char *const h[] = { "Email", "Phone", "Phone" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	struct mapping_settings none = { { 0 }, { 0 } }, s = { "DE", "dmy" }, back;

	/* Without settings, the array older journals hold. */
	char *json = mapping_remember_json(m, contacts, &none);
	ck_assert_int_eq(json[0], '[');
	mapping_remembered_settings(json, &back);
	ck_assert_str_eq(back.region, "");
	ck_assert_str_eq(back.date_order, "");
	free(json);

	json = mapping_remember_json(m, contacts, &s);
	mapping_remembered_settings(json, &back);
	ck_assert_str_eq(back.region, "DE");
	ck_assert_str_eq(back.date_order, "dmy");
	int applied = -1;
	struct mapping *r = mapping_propose(contacts, h, NHEADERS(h), json, &applied);
	ck_assert_int_eq(applied, 1);
	for (size_t c = 0; c < NHEADERS(h); c++)
		ck_assert_int_eq(r->field[c], m->field[c]);
	mapping_free(r);

	/* A journal's values are checked: nothing unknown comes back. */
	mapping_remembered_settings(
	    "{\"columns\":[],\"region\":\"\x1b[31m\",\"date_order\":\"ymd\"}", &back);
	ck_assert_str_eq(back.region, "");
	ck_assert_str_eq(back.date_order, "");

	/* As a mapping file: read back with its settings; each Phone by its
	 * column number. */
	char *text = mapping_file_text(json, "contacts", &s);
	assert_says(text, "Phone (column 2)=");
	assert_says(text, "Phone (column 3)=");
	assert_says(text, "--region DE\n--date-order dmy\n");
	char *path = xasprintf("%s/back.map", tmp_dir);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	struct mapping *f = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;
	ck_assert_int_eq(mapping_read_file(f, contacts, path, &back, &cause), 0);
	ck_assert_str_eq(back.region, "DE");
	ck_assert_str_eq(back.date_order, "dmy");
	for (size_t c = 0; c < NHEADERS(h); c++)
		ck_assert_int_eq(f->field[c], m->field[c]);
	unlink(path);
	free(path);
	free(text);
	free(json);
	mapping_free(f);
	mapping_free(m);
}
END_TEST

START_TEST(apply_marks_its_columns_as_option)
{
	static const char *const h[] = { "Email", "Organisation Name", "Remarks" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	mapping_suggest_likely(m, contacts);
	ck_assert_int_eq(mapping_apply(m, contacts, "Organisation Name=company,Remarks=-", &cause),
	    0);
	ck_assert_int_eq(m->source[0], MAPPING_SYNONYM);
	ck_assert_int_eq(m->source[1], MAPPING_OPTION);
	ck_assert_int_eq(m->source[2], MAPPING_OPTION);
	assert_maps(m, contacts, 2, NULL);
	mapping_free(m);
}
END_TEST

START_TEST(apply_refuses_two_columns_on_one_field_naming_both)
{
	static const char *const h[] = { "Email", "Work Mail", "Phone" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	ck_assert_int_eq(mapping_apply(m, contacts, "Email=email,Work Mail=email", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "\"Email\""));
	ck_assert_ptr_nonnull(strstr(cause, "\"Work Mail\""));
	ck_assert_ptr_nonnull(strstr(cause, "email"));
	free(cause);
	cause = NULL;
	/* Taking a field from a suggested column is an override, not a clash:
	 * the column it leaves out is left out by choice. */
	ck_assert_int_eq(mapping_apply(m, contacts, "Work Mail=email", &cause), 0);
	assert_maps(m, contacts, 0, NULL);
	assert_maps(m, contacts, 1, "email");
	ck_assert_int_eq(m->source[0], MAPPING_OPTION);
	mapping_free(m);
}
END_TEST

START_TEST(apply_file_refuses_two_lines_giving_one_field)
{
	static const char *const h[] = { "Mail A", "Mail B", "Phone" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *path = xasprintf("%s/map.txt", tmp_dir);
	FILE *fp = fopen(path, "w");
	char *cause = NULL;

	fputs("Mail A=email\n# a comment\nMail B=email\n", fp);
	fclose(fp);
	ck_assert_int_eq(mapping_apply_file(m, contacts, path, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "\"Mail A\""));
	ck_assert_ptr_nonnull(strstr(cause, "\"Mail B\""));
	free(cause);
	free(path);
	mapping_free(m);
}
END_TEST

START_TEST(strict_refuses_columns_left_out_by_no_rule_or_only_likely)
{
	static const char *const h[] = { "Email", "Organisation Name", "Favourite Colour" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	mapping_suggest_likely(m, contacts);
	ck_assert_int_eq(mapping_strict(m, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "\"Favourite Colour\""));
	ck_assert_ptr_nonnull(strstr(cause, "\"Organisation Name\""));
	ck_assert_ptr_null(strstr(cause, "\"Email\""));
	free(cause);
	cause = NULL;
	/* Chosen, both of them: nothing is left to chance. */
	ck_assert_int_eq(
	    mapping_apply(m, contacts, "Organisation Name=company,Favourite Colour=-", &cause), 0);
	ck_assert_int_eq(mapping_strict(m, &cause), 0);
	ck_assert_ptr_null(cause);
	mapping_free(m);
}
END_TEST

START_TEST(unmapped_lists_every_column_left_out)
{
	static const char *const h[] = { "Favourite Colour", "Email", "Shoe Size" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	size_t *cols;

	ck_assert_uint_eq(mapping_unmapped(m, &cols), 2);
	ck_assert_uint_eq(cols[0], 0);
	ck_assert_uint_eq(cols[1], 2);
	free(cols);
	mapping_map(m, 0, schema_field_index(contacts, "notes"), MAPPING_WIZARD);
	mapping_map(m, 2, schema_field_index(contacts, "tags"), MAPPING_WIZARD);
	ck_assert_uint_eq(mapping_unmapped(m, &cols), 0);
	ck_assert_ptr_null(cols);
	mapping_free(m);
}
END_TEST

START_TEST(map_leaves_the_former_column_of_a_field_out_and_holder_names_it)
{
	static const char *const h[] = { "Email", "Other" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	int email = schema_field_index(contacts, "email");

	ck_assert_int_eq(mapping_holder(m, email, 1), 0);
	ck_assert_int_eq(mapping_holder(m, email, 0), -1);
	ck_assert_int_eq(mapping_holder(m, -1, 1), -1);
	mapping_map(m, 1, email, MAPPING_WIZARD);
	assert_maps(m, contacts, 0, NULL);
	assert_maps(m, contacts, 1, "email");
	ck_assert_int_eq(m->source[0], MAPPING_NONE);
	ck_assert_int_eq(m->source[1], MAPPING_WIZARD);
	mapping_free(m);
}
END_TEST

START_TEST(json_round_trip_keeps_sources_and_refuses_a_field_twice)
{
	static const char *const h[] = { "Email", "Organisation Name", "Favourite Colour" };
	struct mapping *m = suggest(contacts, h, NHEADERS(h));
	char *cause = NULL;

	mapping_suggest_likely(m, contacts);
	ck_assert_int_eq(mapping_apply(m, contacts, "Favourite Colour=-", &cause), 0);
	char *js = mapping_to_json(m, contacts);
	struct mapping *back = suggest(contacts, h, NHEADERS(h));

	ck_assert_int_eq(mapping_apply_json(back, contacts, js, &cause), 0);
	for (size_t c = 0; c < NHEADERS(h); c++) {
		ck_assert_int_eq(back->field[c], m->field[c]);
		ck_assert_int_eq(back->source[c], m->source[c]);
	}
	ck_assert_int_eq(back->source[1], MAPPING_LIKELY);
	ck_assert_int_eq(back->source[2], MAPPING_OPTION);
	free(js);
	ck_assert_int_eq(mapping_apply_json(back, contacts,
			     "[{\"column\":0,\"header\":\"Email\",\"field\":\"email\"},"
			     "{\"column\":1,\"header\":\"Organisation Name\",\"field\":\"email\"},"
			     "{\"column\":2,\"header\":\"Favourite Colour\",\"field\":null}]",
			     &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "\"Email\""));
	ck_assert_ptr_nonnull(strstr(cause, "\"Organisation Name\""));
	free(cause);
	mapping_free(back);
	mapping_free(m);
}
END_TEST

static Suite *
mapping_suite(void)
{
	Suite *s = suite_create("mapping");
	TCase *tc = tcase_create("mapping");

	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, english_headers_map_through_synonyms);
	tcase_add_test(tc, mobile_phone_maps_to_phone);
	tcase_add_test(tc, german_headers_map_through_synonyms);
	tcase_add_test(tc, spanish_headers_map_through_synonyms);
	tcase_add_test(tc, french_headers_map_through_synonyms);
	tcase_add_test(tc, matching_ignores_case_spaces_punctuation_and_accents);
	tcase_add_test(tc, unknown_headers_map_to_nothing);
	tcase_add_test(tc, each_field_takes_only_the_first_matching_column);
	tcase_add_test(tc, several_columns_feed_a_list_field_without_conflict);
	tcase_add_test(tc, apply_maps_a_column_to_a_field);
	tcase_add_test(tc, apply_moves_a_field_from_its_suggested_column);
	tcase_add_test(tc, apply_dash_or_nothing_unmaps_a_column);
	tcase_add_test(tc, apply_finds_headers_exactly_then_folded);
	tcase_add_test(tc, apply_refuses_an_unknown_header_naming_it);
	tcase_add_test(tc, apply_refuses_an_unknown_field_naming_it);
	tcase_add_test(tc, apply_refuses_a_header_the_file_has_twice);
	tcase_add_test(tc, apply_file_reads_one_override_per_line);
	tcase_add_test(tc, apply_file_names_the_file_and_line_of_a_bad_override);
	tcase_add_test(tc, check_accepts_a_mapping_with_a_match_key);
	tcase_add_test(tc, check_refuses_a_missing_required_field_naming_headers_and_field);
	tcase_add_test(tc, check_refuses_contacts_without_a_match_key_column);
	tcase_add_test(tc, check_refuses_when_the_only_match_key_is_unmapped);
	tcase_add_test(tc, gaps_are_none_when_required_fields_and_a_match_key_have_columns);
	tcase_add_test(tc, gaps_list_the_required_fields_in_order_and_a_missing_match_key);
	tcase_add_test(tc, gaps_of_contacts_without_phone_or_email_are_the_match_key_alone);
	tcase_add_test(tc, json_lists_every_column_with_its_header_and_field);
	tcase_add_test(tc, source_names_parse_back);
	tcase_add_test(tc, suggest_marks_synonyms_and_leaves_the_rest_to_no_rule);
	tcase_add_test(tc, likely_maps_google_organization_and_contact_name_headers);
	tcase_add_test(tc, likely_leaves_a_field_a_synonym_took);
	tcase_add_test(tc, propose_lets_a_remembered_mapping_win_over_suggestions);
	tcase_add_test(tc, propose_ignores_a_remembered_mapping_that_does_not_fit);
	tcase_add_test(tc, remembered_mapping_keeps_its_region_and_date_order);
	tcase_add_test(tc, apply_marks_its_columns_as_option);
	tcase_add_test(tc, apply_refuses_two_columns_on_one_field_naming_both);
	tcase_add_test(tc, apply_file_refuses_two_lines_giving_one_field);
	tcase_add_test(tc, strict_refuses_columns_left_out_by_no_rule_or_only_likely);
	tcase_add_test(tc, unmapped_lists_every_column_left_out);
	tcase_add_test(tc, map_leaves_the_former_column_of_a_field_out_and_holder_names_it);
	tcase_add_test(tc, json_round_trip_keeps_sources_and_refuses_a_field_twice);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mapping_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
