/* Unit tests for schema.c: the shipped schemas read as documented, and every
 * kind of mistake in a schema file is refused with a cause that names the
 * file, the line and the reason; the schemas a person can choose from are
 * listed from every directory a name is looked up in. Broken schemas are
 * written into a temporary directory by each test. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "schema.h"
#include "testdir.h"
#include "xmalloc.h"

/* Each test case gets a directory, made and removed by the parent process
 * so that it goes away even when a test fails; each test works in a
 * subdirectory of its own. */
static void
case_setup(void)
{
	testdir_case_setup("schema");
}

static void
setup(void)
{
	make_tmp_dir();
}

static void
teardown(void)
{
	remove_tree(tmp_dir);
}

static const char *
schema_dir(void)
{
	const char *dir = getenv("SLUICE_SCHEMA_DIR");

	return dir != NULL && *dir != '\0' ? dir : "data/schemas";
}

/* Loads one of the shipped schemas by its path. */
static struct schema *
load_shipped(const char *name)
{
	char *path = xasprintf("%s/%s.schema", schema_dir(), name);
	char *cause = NULL;
	struct schema *s = schema_load(path, &cause);

	ck_assert_msg(s != NULL, "%s was refused: %s", path, cause != NULL ? cause : "(no cause)");
	ck_assert_ptr_null(cause);
	free(path);
	return s;
}

static const struct field *
field_named(const struct schema *s, const char *name)
{
	int f = schema_field_index(s, name);

	ck_assert_msg(f >= 0, "schema %s has no field %s", s->name, name);
	return &s->fields[f];
}

static int
has_synonym(const struct field *f, const char *synonym)
{
	for (size_t i = 0; i < f->nsynonyms; i++)
		if (!strcmp(f->synonyms[i], synonym))
			return 1;
	return 0;
}

static void
assert_synonym(const struct schema *s, const char *field, const char *synonym)
{
	ck_assert_msg(has_synonym(field_named(s, field), synonym),
	    "field %s lacks the synonym \"%s\"", field, synonym);
}

/* Writes text as a schema file called name in the temporary directory,
 * loads it, and returns the cause of its refusal (caller frees); *path is
 * set to the file's path (caller frees). */
static char *
refusal_of(const char *name, const char *text, char **path)
{
	char *cause = NULL;
	struct schema *s;
	FILE *fp;

	*path = xasprintf("%s/%s.schema", tmp_dir, name);
	fp = fopen(*path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	s = schema_load(*path, &cause);
	ck_assert_msg(s == NULL, "the schema %s was accepted", name);
	ck_assert_ptr_nonnull(cause);
	return cause;
}

/* The schema text is refused with a cause naming the file, "line N" (when
 * line > 0) and each of the words given. */
static void
assert_refused(const char *name, const char *text, int line, const char *const *words)
{
	char *path = NULL;
	char *cause = refusal_of(name, text, &path);

	ck_assert_msg(strstr(cause, path) != NULL, "the cause \"%s\" does not name the file %s",
	    cause, path);
	if (line > 0) {
		char *at = xasprintf("line %d", line);
		ck_assert_msg(strstr(cause, at) != NULL, "the cause \"%s\" does not say \"%s\"",
		    cause, at);
		free(at);
	}
	for (const char *const *w = words; *w != NULL; w++)
		ck_assert_msg(strstr(cause, *w) != NULL, "the cause \"%s\" does not say \"%s\"",
		    cause, *w);
	free(cause);
	free(path);
}

START_TEST(contacts_schema_has_its_fields_in_order)
{
	static const char *const names[] = { "first_name", "middle_name", "last_name", "email",
		"other_emails", "phone", "other_phones", "company", "department", "job_title",
		"birthday", "country", "tags", "status", "notes" };
	static const enum field_type types[] = { FIELD_TEXT, FIELD_TEXT, FIELD_TEXT, FIELD_EMAIL,
		FIELD_LIST, FIELD_PHONE, FIELD_LIST, FIELD_TEXT, FIELD_TEXT, FIELD_TEXT, FIELD_DATE,
		FIELD_TEXT, FIELD_LIST, FIELD_ENUM, FIELD_TEXT };
	struct schema *s = load_shipped("contacts");

	ck_assert_str_eq(s->name, "contacts");
	ck_assert_str_eq(s->table, "contacts");
	ck_assert_str_eq(s->region, "US");
	ck_assert_int_eq(s->date_order, DATE_MDY);
	ck_assert_uint_eq(s->nfields, sizeof names / sizeof *names);
	for (size_t i = 0; i < s->nfields; i++) {
		ck_assert_str_eq(s->fields[i].name, names[i]);
		ck_assert_msg(s->fields[i].type == types[i], "field %s is of type %s, not %s",
		    names[i], schema_type_name(s->fields[i].type), schema_type_name(types[i]));
		ck_assert_ptr_nonnull(s->fields[i].label);
		ck_assert_int_eq(s->fields[i].required, 0);
		ck_assert_int_eq(schema_field_index(s, names[i]), (int)i);
	}
	ck_assert_str_eq(field_named(s, "first_name")->label, "First name");
	ck_assert_uint_eq(field_named(s, "email")->max_length, 254);
	ck_assert_int_eq(schema_field_index(s, "fax"), -1);
	schema_free(s);
}
END_TEST

START_TEST(contacts_match_keys_are_phone_then_email)
{
	struct schema *s = load_shipped("contacts");

	ck_assert_uint_eq(s->nmatch_keys, 2);
	ck_assert_str_eq(s->fields[s->match_keys[0]].name, "phone");
	ck_assert_str_eq(s->fields[s->match_keys[1]].name, "email");
	ck_assert_int_eq(schema_is_match_key(s, (size_t)schema_field_index(s, "phone")), 1);
	ck_assert_int_eq(schema_is_match_key(s, (size_t)schema_field_index(s, "email")), 1);
	ck_assert_int_eq(schema_is_match_key(s, (size_t)schema_field_index(s, "first_name")), 0);
	schema_free(s);
}
END_TEST

START_TEST(contacts_synonyms_cover_several_languages)
{
	struct schema *s = load_shipped("contacts");

	assert_synonym(s, "first_name", "Given Name");
	assert_synonym(s, "first_name", "Vorname");
	assert_synonym(s, "first_name", "Prénom");
	assert_synonym(s, "email", "E-mail Address");
	assert_synonym(s, "email", "Correo electrónico");
	assert_synonym(s, "phone", "Phone 1 - Value");
	assert_synonym(s, "phone", "Mobile Phone");
	assert_synonym(s, "phone", "Telefon");
	assert_synonym(s, "phone", "Teléfono");
	/* synonyms given on several lines add up. */
	assert_synonym(s, "phone", "Phone");
	assert_synonym(s, "phone", "Numéro de téléphone");
	/* Items are trimmed. */
	ck_assert_int_eq(has_synonym(field_named(s, "phone"), " Mobile Phone"), 0);
	schema_free(s);
}
END_TEST

START_TEST(contacts_list_and_enum_fields_carry_their_settings)
{
	struct schema *s = load_shipped("contacts");
	const struct field *tags = field_named(s, "tags");
	const struct field *status = field_named(s, "status");
	static const char *const values[] = { "lead", "customer", "partner", "inactive" };

	ck_assert_str_eq(tags->separator, ";");
	ck_assert_uint_eq(tags->max_length, 1000);
	ck_assert_uint_eq(status->nvalues, 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(status->values[i], values[i]);
	schema_free(s);
}
END_TEST

START_TEST(products_schema_requires_sku_and_matches_by_it)
{
	struct schema *s = load_shipped("products");
	const struct field *sku = field_named(s, "sku");

	ck_assert_str_eq(s->name, "products");
	ck_assert_str_eq(s->table, "products");
	ck_assert_uint_eq(s->nfields, 5);
	ck_assert_uint_eq(s->nmatch_keys, 1);
	ck_assert_str_eq(s->fields[s->match_keys[0]].name, "sku");
	ck_assert_int_eq(sku->required, 1);
	ck_assert_int_eq(field_named(s, "name")->required, 1);
	ck_assert_int_eq(field_named(s, "price")->required, 0);
	ck_assert_ptr_nonnull(sku->pattern);
	ck_assert_int_eq(regexec(&sku->regex, "AB-12/x.3", 0, NULL, 0), 0);
	ck_assert_int_ne(regexec(&sku->regex, "-AB", 0, NULL, 0), 0);
	ck_assert_int_eq(field_named(s, "price")->type, FIELD_NUMBER);
	ck_assert_int_eq(field_named(s, "stock")->integer, 1);
	ck_assert_int_eq(field_named(s, "price")->integer, 0);
	assert_synonym(s, "sku", "Artikelnummer");
	assert_synonym(s, "sku", "Référence");
	schema_free(s);
}
END_TEST

START_TEST(schema_is_found_by_name_in_the_schema_dir)
{
	char *cause = NULL;
	struct schema *s;

	ck_assert_int_eq(setenv("SLUICE_SCHEMA_DIR", schema_dir(), 1), 0);
	s = schema_load("products", &cause);
	ck_assert_msg(s != NULL, "products was not found: %s", cause);
	ck_assert_str_eq(s->name, "products");
	schema_free(s);

	s = schema_load("no-such-schema", &cause);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, "no-such-schema") != NULL, "\"%s\" does not name the schema",
	    cause);
	free(cause);
}
END_TEST

START_TEST(fields_are_joined_by_name_or_by_label)
{
	struct schema *s = load_shipped("contacts");
	char *names = schema_join_fields(s, s->match_keys, s->nmatch_keys, 0, " or ");
	char *labels = schema_join_fields(s, s->match_keys, s->nmatch_keys, 1, ", ");
	char *none = schema_join_fields(s, s->match_keys, 0, 0, " or ");

	ck_assert_str_eq(names, "phone or email");
	ck_assert_str_eq(labels, "Phone, Email");
	ck_assert_str_eq(none, "");
	free(names);
	free(labels);
	free(none);
	schema_free(s);
}
END_TEST

START_TEST(type_names_are_the_words_of_schema_files)
{
	ck_assert_str_eq(schema_type_name(FIELD_TEXT), "text");
	ck_assert_str_eq(schema_type_name(FIELD_EMAIL), "email");
	ck_assert_str_eq(schema_type_name(FIELD_PHONE), "phone");
	ck_assert_str_eq(schema_type_name(FIELD_DATE), "date");
	ck_assert_str_eq(schema_type_name(FIELD_NUMBER), "number");
	ck_assert_str_eq(schema_type_name(FIELD_ENUM), "enum");
	ck_assert_str_eq(schema_type_name(FIELD_LIST), "list");
}
END_TEST

/* Writes a small valid schema called name into dir. */
static void
write_schema(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s.schema", dir, name);
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs("[schema]\ntable = people\nmatch_keys = email\n[field email]\ntype = email\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	free(path);
}

static int
list_has(char **list, const char *name)
{
	int n = 0;

	for (char **p = list; *p != NULL; p++)
		n += !strcmp(*p, name);
	return n;
}

START_TEST(schema_list_names_each_schema_once_in_order)
{
	char **list;
	FILE *fp;
	char *other = xasprintf("%s/notes.txt", tmp_dir);

	write_schema(tmp_dir, "zebra");
	write_schema(tmp_dir, "aardvark");
	/* Also in the shipped directory, found again beside the program or in
	 * ./data/schemas: listed once. */
	write_schema(tmp_dir, "contacts");
	fp = fopen(other, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(setenv("SLUICE_SCHEMA_DIR", tmp_dir, 1), 0);
	list = schema_list();
	ck_assert_int_eq(list_has(list, "zebra"), 1);
	ck_assert_int_eq(list_has(list, "aardvark"), 1);
	ck_assert_int_eq(list_has(list, "contacts"), 1);
	ck_assert_int_eq(list_has(list, "notes"), 0);
	ck_assert_int_eq(list_has(list, "notes.txt"), 0);
	for (char **p = list; p[0] != NULL && p[1] != NULL; p++)
		ck_assert_msg(strcmp(p[0], p[1]) < 0, "%s comes before %s", p[0], p[1]);
	schema_strings_free(list);
	free(other);
}
END_TEST

/* Copies the file at from to to, executable. */
static void
copy_program(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);

	ck_assert_int_ge(in, 0);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof buf)) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	ck_assert_int_eq(close(out), 0);
}

/* A program run from its build tree, without SLUICE_SCHEMA_DIR and from
 * another directory, lists and loads the schemas of data/schemas beside
 * it (bin/../data/schemas): this test program, copied into such a tree,
 * is run with --list-schemas (see main). */
START_TEST(schema_list_finds_the_schemas_beside_the_program)
{
	char *bin = xasprintf("%s/bin", tmp_dir);
	char *data = xasprintf("%s/data", tmp_dir);
	char *schemas = xasprintf("%s/data/schemas", tmp_dir);
	char *prog = xasprintf("%s/bin/test-schema", tmp_dir);
	char out[4096];
	size_t len = 0;
	ssize_t n;
	int fds[2], status;
	pid_t pid;

	ck_assert_int_eq(mkdir(bin, 0755), 0);
	ck_assert_int_eq(mkdir(data, 0755), 0);
	ck_assert_int_eq(mkdir(schemas, 0755), 0);
	write_schema(schemas, "only-beside");
	copy_program("/proc/self/exe", prog);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		unsetenv("SLUICE_SCHEMA_DIR");
		if (chdir(bin) == 0)
			execl(prog, prog, "--list-schemas", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (len < sizeof out - 1 && (n = read(fds[0], out + len, sizeof out - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_int_gt(n, 0);
		len += (size_t)n;
	}
	out[len] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the copy failed: %s", out);
	ck_assert_msg(strstr(out, "listed only-beside\n") != NULL, "not listed: %s", out);
	ck_assert_msg(strstr(out, "loaded only-beside\n") != NULL, "not loaded: %s", out);
	free(bin);
	free(data);
	free(schemas);
	free(prog);
}
END_TEST

START_TEST(minimal_schema_gets_defaults)
{
	char *path = xasprintf("%s/tiny.schema", tmp_dir);
	char *cause = NULL;
	FILE *fp = fopen(path, "w");
	struct schema *s;

	ck_assert_ptr_nonnull(fp);
	fputs("[schema]\n"
	      "table = people\n"
	      "match_keys = email\n"
	      "\n"
	      "[field email]\n"
	      "type = email\n"
	      "[field tags]\n"
	      "type = list\n",
	    fp);
	ck_assert_int_eq(fclose(fp), 0);
	s = schema_load(path, &cause);
	ck_assert_msg(s != NULL, "refused: %s", cause);
	/* The name comes from the file, the label from the name, the region
	 * and list separator from the defaults. */
	ck_assert_str_eq(s->name, "tiny");
	ck_assert_str_eq(s->path, path);
	ck_assert_str_eq(s->fields[0].label, "email");
	ck_assert_str_eq(s->region, "US");
	ck_assert_str_eq(s->fields[1].separator, ";");
	schema_free(s);
	free(path);
}
END_TEST

START_TEST(unknown_type_is_refused_naming_the_line)
{
	static const char *const words[] = { "mail", NULL };

	assert_refused("unknown-type",
	    "[schema]\n"
	    "name = t\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "\n"
	    "[field email]\n"
	    "type = mail\n",
	    7, words);
}
END_TEST

START_TEST(unknown_field_key_is_refused_naming_the_line)
{
	static const char *const words[] = { "colour", NULL };

	assert_refused("unknown-field-key",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "\n"
	    "[field email]\n"
	    "type = email\n"
	    "colour = red\n",
	    7, words);
}
END_TEST

START_TEST(unknown_schema_key_is_refused_naming_the_line)
{
	static const char *const words[] = { "owner", NULL };

	assert_refused("unknown-schema-key",
	    "[schema]\n"
	    "table = t\n"
	    "owner = sales\n"
	    "match_keys = email\n"
	    "\n"
	    "[field email]\n"
	    "type = email\n",
	    3, words);
}
END_TEST

START_TEST(region_field_must_name_a_field_of_one_value)
{
	static const char *const missing[] = { "region_field = land", NULL };
	static const char *const list[] = { "region_field = tags", NULL };

	assert_refused("region-field-missing",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "region_field = land\n"
	    "\n"
	    "[field email]\n"
	    "type = email\n",
	    4, missing);
	assert_refused("region-field-list",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "region_field = tags\n"
	    "\n"
	    "[field email]\n"
	    "type = email\n"
	    "[field tags]\n"
	    "type = list\n",
	    4, list);
}
END_TEST

START_TEST(bad_regex_is_refused_naming_the_line)
{
	static const char *const words[] = { "pattern", NULL };

	assert_refused("bad-regex",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = code\n"
	    "\n"
	    "[field code]\n"
	    "type = text\n"
	    "pattern = ^([A-Z]+$\n"
	    "max_length = 10\n",
	    7, words);
}
END_TEST

START_TEST(field_defined_twice_is_refused_naming_the_line)
{
	static const char *const words[] = { "email", "twice", NULL };

	/* The second [field email] header is on line 11. */
	assert_refused("duplicate-field",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "\n"
	    "[field email]\n"
	    "type = email\n"
	    "\n"
	    "[field name]\n"
	    "type = text\n"
	    "\n"
	    "[field email]\n"
	    "type = text\n",
	    11, words);
}
END_TEST

START_TEST(field_repeated_in_the_next_section_is_refused)
{
	static const char *const words[] = { "email", "twice", NULL };

	/* Two [field email] sections in a row must not be read as one. */
	assert_refused("repeated-field",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "\n"
	    "[field email]\n"
	    "type = email\n"
	    "[field email]\n"
	    "type = text\n",
	    7, words);
}
END_TEST

START_TEST(match_key_that_is_no_field_is_refused_naming_the_line)
{
	static const char *const words[] = { "emial", NULL };

	assert_refused("bad-match-key",
	    "[schema]\n"
	    "name = t\n"
	    "table = t\n"
	    "match_keys = phone, emial\n"
	    "\n"
	    "[field phone]\n"
	    "type = phone\n"
	    "[field email]\n"
	    "type = email\n",
	    4, words);
}
END_TEST

START_TEST(missing_table_is_refused)
{
	static const char *const words[] = { "table", NULL };

	assert_refused("no-table",
	    "[schema]\n"
	    "name = t\n"
	    "match_keys = email\n"
	    "\n"
	    "[field email]\n"
	    "type = email\n",
	    0, words);
}
END_TEST

START_TEST(enum_without_values_is_refused)
{
	static const char *const words[] = { "status", "values", NULL };

	assert_refused("enum-without-values",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "\n"
	    "[field email]\n"
	    "type = email\n"
	    "[field status]\n"
	    "type = enum\n",
	    0, words);
}
END_TEST

START_TEST(line_that_is_not_key_value_is_refused_naming_the_line)
{
	static const char *const words[] = { "key = value", NULL };

	assert_refused("not-key-value",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "\n"
	    "[field email]\n"
	    "type = email\n"
	    "this line is not a setting\n"
	    "label = E-mail\n",
	    7, words);
}
END_TEST

START_TEST(first_mistake_is_the_one_reported)
{
	static const char *const words[] = { "mail", NULL };

	/* Line 5 and line 7 are both wrong: the cause names line 5. */
	assert_refused("two-mistakes",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "[field email]\n"
	    "type = mail\n"
	    "[field phone]\n"
	    "type = fone\n",
	    5, words);
}
END_TEST

START_TEST(contacts_optional_fields_drop_invalid_values)
{
	struct schema *s = load_shipped("contacts");

	/* The match keys reject the row; every other field, optional,
	 * drops an invalid value and keeps the row. */
	ck_assert_int_eq(field_named(s, "phone")->on_invalid, ON_INVALID_REJECT_ROW);
	ck_assert_int_eq(field_named(s, "email")->on_invalid, ON_INVALID_REJECT_ROW);
	ck_assert_int_eq(field_named(s, "birthday")->on_invalid, ON_INVALID_DROP_VALUE);
	ck_assert_int_eq(field_named(s, "status")->on_invalid, ON_INVALID_DROP_VALUE);
	ck_assert_int_eq(field_named(s, "first_name")->on_invalid, ON_INVALID_DROP_VALUE);
	schema_free(s);
	s = load_shipped("products");
	ck_assert_int_eq(field_named(s, "sku")->on_invalid, ON_INVALID_REJECT_ROW);
	schema_free(s);
	ck_assert_str_eq(schema_on_invalid_name(ON_INVALID_REJECT_ROW), "reject_row");
	ck_assert_str_eq(schema_on_invalid_name(ON_INVALID_DROP_VALUE), "drop_value");
}
END_TEST

START_TEST(on_invalid_is_read_and_defaults_by_field)
{
	char *path = xasprintf("%s/on-invalid.schema", tmp_dir);
	char *cause = NULL;
	FILE *fp = fopen(path, "w");
	struct schema *s;

	ck_assert_ptr_nonnull(fp);
	fputs("[schema]\n"
	      "table = people\n"
	      "match_keys = email\n"
	      "[field email]\n"
	      "type = email\n"
	      "on_invalid = reject_row\n"
	      "[field name]\n"
	      "type = text\n"
	      "required = true\n"
	      "[field birthday]\n"
	      "type = date\n"
	      "[field score]\n"
	      "type = number\n"
	      "on_invalid = reject_row\n"
	      "[field note]\n"
	      "type = text\n"
	      "on_invalid = drop_value\n",
	    fp);
	ck_assert_int_eq(fclose(fp), 0);
	s = schema_load(path, &cause);
	ck_assert_msg(s != NULL, "refused: %s", cause);
	ck_assert_int_eq(field_named(s, "email")->on_invalid, ON_INVALID_REJECT_ROW);
	ck_assert_int_eq(field_named(s, "name")->on_invalid, ON_INVALID_REJECT_ROW);
	ck_assert_int_eq(field_named(s, "birthday")->on_invalid, ON_INVALID_DROP_VALUE);
	ck_assert_int_eq(field_named(s, "score")->on_invalid, ON_INVALID_REJECT_ROW);
	ck_assert_int_eq(field_named(s, "note")->on_invalid, ON_INVALID_DROP_VALUE);
	schema_free(s);
	free(path);
}
END_TEST

START_TEST(unknown_on_invalid_is_refused_naming_the_line)
{
	static const char *const words[] = { "on_invalid", "skip", NULL };

	assert_refused("bad-on-invalid",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "[field email]\n"
	    "type = email\n"
	    "[field birthday]\n"
	    "type = date\n"
	    "on_invalid = skip\n",
	    8, words);
}
END_TEST

START_TEST(drop_value_on_a_required_field_is_refused_naming_the_line)
{
	static const char *const words[] = { "name", "required", "drop_value", NULL };

	/* required comes after on_invalid: the check waits for the whole
	 * section, and names the on_invalid line. */
	assert_refused("drop-required",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "[field email]\n"
	    "type = email\n"
	    "[field name]\n"
	    "on_invalid = drop_value\n"
	    "required = yes\n",
	    7, words);
}
END_TEST

START_TEST(drop_value_on_a_match_key_is_refused_naming_the_line)
{
	static const char *const words[] = { "email", "match key", "drop_value", NULL };

	assert_refused("drop-key",
	    "[schema]\n"
	    "table = t\n"
	    "match_keys = email\n"
	    "[field email]\n"
	    "type = email\n"
	    "on_invalid = drop_value\n",
	    6, words);
}
END_TEST

static Suite *
schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *shipped = tcase_create("shipped");
	TCase *written = tcase_create("written");

	tcase_add_test(shipped, contacts_schema_has_its_fields_in_order);
	tcase_add_test(shipped, contacts_match_keys_are_phone_then_email);
	tcase_add_test(shipped, contacts_synonyms_cover_several_languages);
	tcase_add_test(shipped, contacts_list_and_enum_fields_carry_their_settings);
	tcase_add_test(shipped, products_schema_requires_sku_and_matches_by_it);
	tcase_add_test(shipped, schema_is_found_by_name_in_the_schema_dir);
	tcase_add_test(shipped, type_names_are_the_words_of_schema_files);
	tcase_add_test(shipped, fields_are_joined_by_name_or_by_label);
	tcase_add_test(shipped, contacts_optional_fields_drop_invalid_values);
	suite_add_tcase(s, shipped);

	tcase_add_unchecked_fixture(written, case_setup, case_teardown);
	tcase_add_checked_fixture(written, setup, teardown);
	tcase_add_test(written, minimal_schema_gets_defaults);
	tcase_add_test(written, schema_list_names_each_schema_once_in_order);
	tcase_add_test(written, schema_list_finds_the_schemas_beside_the_program);
	tcase_add_test(written, unknown_type_is_refused_naming_the_line);
	tcase_add_test(written, unknown_field_key_is_refused_naming_the_line);
	tcase_add_test(written, unknown_schema_key_is_refused_naming_the_line);
	tcase_add_test(written, region_field_must_name_a_field_of_one_value);
	tcase_add_test(written, bad_regex_is_refused_naming_the_line);
	tcase_add_test(written, field_defined_twice_is_refused_naming_the_line);
	tcase_add_test(written, field_repeated_in_the_next_section_is_refused);
	tcase_add_test(written, match_key_that_is_no_field_is_refused_naming_the_line);
	tcase_add_test(written, missing_table_is_refused);
	tcase_add_test(written, enum_without_values_is_refused);
	tcase_add_test(written, line_that_is_not_key_value_is_refused_naming_the_line);
	tcase_add_test(written, first_mistake_is_the_one_reported);
	tcase_add_test(written, on_invalid_is_read_and_defaults_by_field);
	tcase_add_test(written, unknown_on_invalid_is_refused_naming_the_line);
	tcase_add_test(written, drop_value_on_a_required_field_is_refused_naming_the_line);
	tcase_add_test(written, drop_value_on_a_match_key_is_refused_naming_the_line);
	suite_add_tcase(s, written);
	return s;
}

/* --list-schemas: what schema_list and schema_load find from where this
 * program lies (schema_list_finds_the_schemas_beside_the_program). */
static int
list_schemas(void)
{
	char **list = schema_list();

	for (char **p = list; *p != NULL; p++) {
		char *cause = NULL;
		struct schema *s = schema_load(*p, &cause);

		printf("listed %s\n", *p);
		if (s != NULL)
			printf("loaded %s\n", s->name);
		schema_free(s);
		free(cause);
	}
	schema_strings_free(list);
	return 0;
}

int
main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	if (argc > 1 && !strcmp(argv[1], "--list-schemas"))
		return list_schemas();
	sr = srunner_create(schema_suite());

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
