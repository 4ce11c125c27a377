/* Unit tests for store-sqlite.c with the contacts schema: the table prepare
 * makes or checks, and what upsert does with a row under each strategy, as
 * ARCHITECTURE.md ("Duplicates") defines it. Values given to upsert are
 * already normalized, one per schema field, NULL for empty. Each test works
 * on its own database in a temporary directory. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "journal.h"
#include "schema.h"
#include "store-sqlite.h"
#include "store.h"
#include "testdir.h"
#include "xmalloc.h"

#define IMPORT_A 11
#define IMPORT_B 12

static char *db_path;
static struct schema *schema;
static struct store *store;
static const char **values; /* one per schema field */

/* Each test case gets a directory, made and removed by the parent process
 * so that it goes away even when a test fails; each test works in a
 * subdirectory of its own. */
static void
case_setup(void)
{
	testdir_case_setup("store");
}

static struct schema *
load_contacts(void)
{
	const char *dir = getenv("SLUICE_SCHEMA_DIR");
	char *path = xasprintf("%s/contacts.schema", dir != NULL && *dir ? dir : "data/schemas");
	char *cause = NULL;
	struct schema *s = schema_load(path, &cause);

	ck_assert_msg(s != NULL, "%s was refused: %s", path, cause != NULL ? cause : "(no cause)");
	free(path);
	return s;
}

static struct store *
open_store(void)
{
	char *cause = NULL;
	struct store *st = store_open(db_path, &cause);

	ck_assert_msg(st != NULL, "cannot open %s: %s", db_path, cause != NULL ? cause : "?");
	return st;
}

static void
prepare(void)
{
	char *cause = NULL;
	enum store_status ss = store_prepare(store, schema, NULL, &cause);

	ck_assert_msg(ss == STORE_OK, "prepare failed: %s", cause != NULL ? cause : "(no cause)");
	ck_assert_ptr_null(cause);
}

static void
setup(void)
{
	make_tmp_dir();
	db_path = xasprintf("%s/target.db", tmp_dir);
	schema = load_contacts();
	values = xcalloc(schema->nfields, sizeof *values);
	store = open_store();
}

static void
teardown(void)
{
	if (store != NULL)
		store_close(store);
	store = NULL;
	free(values);
	schema_free(schema);
	remove_tree(tmp_dir);
	free(db_path);
}

/* The incoming row: every field empty, then set one by one. */
static void
row_clear(void)
{
	for (size_t f = 0; f < schema->nfields; f++)
		values[f] = NULL;
}

static void
row_set(const char *field, const char *value)
{
	int f = schema_field_index(schema, field);

	ck_assert_msg(f >= 0, "contacts has no field %s", field);
	values[f] = value;
}

/* What upsert() does with a key conflict; tests that replace keys say so. */
static enum key_conflict on_key_conflict = KEY_CONFLICT_REJECT;

/* One upsert in its own transaction; returns the outcome and fills *res
 * (caller clears). */
static enum outcome
upsert(enum strategy strategy, int64_t import_id, struct upsert_result *res)
{
	enum store_status ss = store_begin(store);

	ck_assert_msg(ss == STORE_OK, "begin: %s", store_errmsg(store));
	ss = store_upsert(store, values, strategy, on_key_conflict, import_id, res);
	ck_assert_msg(ss == STORE_OK, "upsert: %s", store_errmsg(store));
	ss = store_commit(store);
	ck_assert_msg(ss == STORE_OK, "commit: %s", store_errmsg(store));
	return res->outcome;
}

/* Upserts the current row expecting outcome want; returns the record id. */
static int64_t
upsert_expect(enum strategy strategy, int64_t import_id, enum outcome want)
{
	struct upsert_result res;
	enum outcome got = upsert(strategy, import_id, &res);
	int64_t id = res.record_id;

	ck_assert_msg(got == want, "%s gave %s, not %s%s%s", store_strategy_name(strategy),
	    outcome_name(got), outcome_name(want), res.reason ? ": " : "",
	    res.reason ? res.reason : "");
	store_result_clear(&res);
	return id;
}

/* Stores Ann Lee as a new record (import A) and returns its id. */
static int64_t
store_ann(void)
{
	prepare();
	row_clear();
	row_set("first_name", "Ann");
	row_set("last_name", "Lee");
	row_set("email", "ann@example.com");
	row_set("phone", "+12125550187");
	row_set("company", "Acme");
	row_set("tags", "vip;east");
	return upsert_expect(STRATEGY_UPDATE, IMPORT_A, OUTCOME_CREATED);
}

static sqlite3_stmt *
query(const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(store_sqlite_handle(store), sql, -1, &st, NULL);

	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_sqlite_handle(store)));
	return st;
}

static int64_t
query_int(const char *sql)
{
	sqlite3_stmt *st = query(sql);
	int64_t n;

	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int64_t
count_contacts(void)
{
	return query_int("SELECT count(*) FROM contacts");
}

/* Record id's field holds want (NULL: is empty). */
static void
assert_stored(int64_t id, const char *field, const char *want)
{
	char *sql = xasprintf("SELECT \"%s\" FROM contacts WHERE id = %lld", field, (long long)id);
	sqlite3_stmt *st = query(sql);
	const char *got;

	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "there is no record %lld", (long long)id);
	got = (const char *)sqlite3_column_text(st, 0);
	if (want == NULL)
		ck_assert_msg(got == NULL, "record %lld has %s \"%s\", not nothing", (long long)id,
		    field, got);
	else
		ck_assert_msg(got != NULL && !strcmp(got, want),
		    "record %lld has %s \"%s\", not \"%s\"", (long long)id, field,
		    got != NULL ? got : "(nothing)", want);
	sqlite3_finalize(st);
	free(sql);
}

static int64_t
imported_from(int64_t id)
{
	char *sql = xasprintf("SELECT imported_from FROM contacts WHERE id = %lld", (long long)id);
	int64_t n = query_int(sql);

	free(sql);
	return n;
}

static int
table_exists(const char *name)
{
	char *sql = xasprintf(
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", name);
	int64_t n = query_int(sql);

	free(sql);
	return n > 0;
}

START_TEST(prepare_creates_the_table_with_imported_from_and_unique_match_keys)
{
	sqlite3_stmt *st;
	int phone_unique = 0, email_unique = 0;

	ck_assert_int_eq(table_exists("contacts"), 0);
	prepare();
	ck_assert_int_eq(table_exists("contacts"), 1);
	for (size_t f = 0; f < schema->nfields; f++) {
		char *sql = xasprintf("SELECT count(*) FROM pragma_table_info('contacts')"
				      " WHERE name = '%s'",
		    schema->fields[f].name);
		ck_assert_msg(query_int(sql) == 1, "the table has no column %s",
		    schema->fields[f].name);
		free(sql);
	}
	ck_assert_int_eq(query_int("SELECT count(*) FROM pragma_table_info('contacts')"
				   " WHERE name = 'imported_from'"),
	    1);

	st = query("SELECT il.\"unique\", ii.name FROM sqlite_master m,"
		   " pragma_index_list(m.name) il, pragma_index_info(il.name) ii"
		   " WHERE m.type = 'table' AND m.name = 'contacts'");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int unique = sqlite3_column_int(st, 0);
		const char *column = (const char *)sqlite3_column_text(st, 1);
		if (column != NULL && !strcmp(column, "phone"))
			phone_unique |= unique;
		if (column != NULL && !strcmp(column, "email"))
			email_unique |= unique;
	}
	sqlite3_finalize(st);
	ck_assert_msg(phone_unique, "no unique index on contacts(phone)");
	ck_assert_msg(email_unique, "no unique index on contacts(email)");
}
END_TEST

START_TEST(prepare_accepts_the_table_it_made)
{
	prepare();
	store_close(store);
	store = open_store();
	prepare();
	ck_assert_int_eq(count_contacts(), 0);
}
END_TEST

START_TEST(existing_table_lacking_a_column_is_refused_naming_it)
{
	char *cause = NULL, *added = NULL;
	enum store_status ss;

	/* No phone: a match key's column is never made up. */
	ck_assert_int_eq(sqlite3_exec(store_sqlite_handle(store),
			     "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT,"
			     " last_name TEXT, email TEXT, company TEXT,"
			     " job_title TEXT, birthday TEXT, country TEXT, tags TEXT,"
			     " status TEXT, notes TEXT, imported_from INTEGER)",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	ss = store_prepare(store, schema, &added, &cause);
	ck_assert_int_ne(ss, STORE_OK);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, "no column phone") != NULL,
	    "the cause \"%s\" does not name phone", cause);
	free(cause);
	free(added);
}
END_TEST

START_TEST(existing_table_gets_the_columns_of_optional_fields)
{
	char *cause = NULL, *added = NULL;

	/* A table made before the schema had notes and tags. */
	ck_assert_int_eq(sqlite3_exec(store_sqlite_handle(store),
			     "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT,"
			     " last_name TEXT, email TEXT, phone TEXT, company TEXT,"
			     " job_title TEXT, birthday TEXT, country TEXT,"
			     " status TEXT, imported_from INTEGER)",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(store_prepare(store, schema, &added, &cause), STORE_OK);
	ck_assert_str_eq(added, "middle_name, other_emails, other_phones, department, tags, notes");
	free(added);
	ck_assert_int_eq(query_int("SELECT count(*) FROM pragma_table_info('contacts')"
				   " WHERE name IN ('tags', 'notes')"),
	    2);
	/* Once there, they are not added again. */
	ck_assert_int_eq(store_prepare(store, schema, &added, &cause), STORE_OK);
	ck_assert_ptr_null(added);
}
END_TEST

START_TEST(sqlite_has_no_connection_to_make_again)
{
	uint64_t last = 7, rows = 9;

	ck_assert_int_eq(store_reconnect(store, IMPORT_A, &last, &rows), STORE_FATAL);
	ck_assert_int_eq(last, 7);
	ck_assert_int_eq(rows, 9);
	ck_assert_int_eq(store_lost(store), 0);
	ck_assert_int_eq(store_lock_import(store, IMPORT_A), STORE_OK);
	store_unlock_import(store);
}
END_TEST

START_TEST(unmatched_row_is_created)
{
	int64_t id = store_ann();

	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(count_contacts(), 1);
	assert_stored(id, "first_name", "Ann");
	assert_stored(id, "phone", "+12125550187");
	assert_stored(id, "email", "ann@example.com");
	assert_stored(id, "tags", "vip;east");
	assert_stored(id, "notes", NULL);
	ck_assert_int_eq(imported_from(id), IMPORT_A);

	/* Another phone and email: another record. */
	row_clear();
	row_set("first_name", "Bob");
	row_set("email", "bob@example.com");
	row_set("phone", "+12015550123");
	ck_assert_int_ne(upsert_expect(STRATEGY_UPDATE, IMPORT_A, OUTCOME_CREATED), id);
	ck_assert_int_eq(count_contacts(), 2);
}
END_TEST

START_TEST(created_row_has_no_before_image)
{
	struct upsert_result res;

	prepare();
	row_clear();
	row_set("email", "new@example.com");
	ck_assert_int_eq(upsert(STRATEGY_MERGE, IMPORT_A, &res), OUTCOME_CREATED);
	ck_assert_ptr_null(res.before);
	ck_assert_ptr_null(res.reason);
	store_result_clear(&res);
}
END_TEST

START_TEST(skip_leaves_the_stored_record_untouched)
{
	int64_t id = store_ann();

	row_clear();
	row_set("first_name", "Annie");
	row_set("email", "ann@example.com");
	row_set("phone", "+12125550187");
	row_set("company", "Globex");
	row_set("notes", "called back");
	ck_assert_int_eq(upsert_expect(STRATEGY_SKIP, IMPORT_B, OUTCOME_SKIPPED), id);
	ck_assert_int_eq(count_contacts(), 1);
	assert_stored(id, "first_name", "Ann");
	assert_stored(id, "company", "Acme");
	assert_stored(id, "notes", NULL);
	ck_assert_int_eq(imported_from(id), IMPORT_A);
}
END_TEST

START_TEST(update_overwrites_with_non_empty_incoming_fields)
{
	int64_t id = store_ann();

	row_clear();
	row_set("first_name", "Annie");
	row_set("email", "ann@example.com");
	row_set("phone", "+12125550187");
	row_set("company", "Globex");
	row_set("tags", "west");
	row_set("notes", "called back");
	ck_assert_int_eq(upsert_expect(STRATEGY_UPDATE, IMPORT_B, OUTCOME_UPDATED), id);
	ck_assert_int_eq(count_contacts(), 1);
	assert_stored(id, "first_name", "Annie");
	assert_stored(id, "company", "Globex");
	assert_stored(id, "tags", "west");
	assert_stored(id, "notes", "called back");
	/* The last writer is recorded. */
	ck_assert_int_eq(imported_from(id), IMPORT_B);
}
END_TEST

/* Replace writes a matching row as update does (its deletions are the
 * engine's, after the last batch). */
START_TEST(replace_writes_a_match_as_update_does)
{
	int64_t id = store_ann();

	row_clear();
	row_set("first_name", "Annie");
	row_set("email", "ann@example.com");
	ck_assert_int_eq(upsert_expect(STRATEGY_REPLACE, IMPORT_B, OUTCOME_UPDATED), id);
	ck_assert_int_eq(count_contacts(), 1);
	assert_stored(id, "first_name", "Annie");
	ck_assert_int_eq(imported_from(id), IMPORT_B);
}
END_TEST

START_TEST(update_keeps_stored_value_when_incoming_empty)
{
	int64_t id = store_ann();

	row_clear();
	row_set("phone", "+12125550187");
	row_set("job_title", "Buyer");
	ck_assert_int_eq(upsert_expect(STRATEGY_UPDATE, IMPORT_B, OUTCOME_UPDATED), id);
	assert_stored(id, "job_title", "Buyer");
	assert_stored(id, "first_name", "Ann");
	assert_stored(id, "last_name", "Lee");
	assert_stored(id, "email", "ann@example.com");
	assert_stored(id, "company", "Acme");
	assert_stored(id, "tags", "vip;east");
}
END_TEST

START_TEST(update_without_change_is_unchanged)
{
	int64_t id = store_ann();
	struct upsert_result res;

	/* The same values, and a subset of them. */
	row_set("tags", "vip;east");
	ck_assert_int_eq(upsert(STRATEGY_UPDATE, IMPORT_B, &res), OUTCOME_UNCHANGED);
	ck_assert_int_eq(res.record_id, id);
	ck_assert_ptr_null(res.before);
	store_result_clear(&res);
	row_clear();
	row_set("email", "ann@example.com");
	row_set("first_name", "Ann");
	ck_assert_int_eq(upsert_expect(STRATEGY_UPDATE, IMPORT_B, OUTCOME_UNCHANGED), id);
	ck_assert_int_eq(imported_from(id), IMPORT_A);
}
END_TEST

START_TEST(update_before_image_holds_the_old_values)
{
	int64_t id = store_ann();
	struct upsert_result res;
	json_error_t err;
	json_t *before;

	row_clear();
	row_set("phone", "+12125550187");
	row_set("first_name", "Annie");
	row_set("company", "Globex");
	ck_assert_int_eq(upsert(STRATEGY_UPDATE, IMPORT_B, &res), OUTCOME_UPDATED);
	ck_assert_ptr_nonnull(res.before);
	before = json_loads(res.before, 0, &err);
	ck_assert_msg(before != NULL, "the before-image is not JSON: %s", res.before);
	ck_assert_int_eq(json_integer_value(json_object_get(before, "id")), id);
	ck_assert_str_eq(json_string_value(json_object_get(before, "first_name")), "Ann");
	ck_assert_str_eq(json_string_value(json_object_get(before, "company")), "Acme");
	ck_assert_str_eq(json_string_value(json_object_get(before, "email")), "ann@example.com");
	ck_assert_str_eq(json_string_value(json_object_get(before, "tags")), "vip;east");
	ck_assert(json_is_null(json_object_get(before, "notes")));
	json_decref(before);
	store_result_clear(&res);
}
END_TEST

START_TEST(merge_keeps_stored_non_empty_fields)
{
	int64_t id = store_ann();

	row_clear();
	row_set("phone", "+12125550187");
	row_set("first_name", "Annie");
	row_set("company", "Globex");
	row_set("notes", "met at the fair");
	ck_assert_int_eq(upsert_expect(STRATEGY_MERGE, IMPORT_B, OUTCOME_MERGED), id);
	assert_stored(id, "first_name", "Ann");
	assert_stored(id, "company", "Acme");
	assert_stored(id, "notes", "met at the fair");
}
END_TEST

START_TEST(merge_fills_empty_fields_only)
{
	int64_t id = store_ann();
	struct upsert_result res;
	json_t *before;

	row_clear();
	row_set("email", "ann@example.com");
	row_set("last_name", "Leigh");
	row_set("job_title", "Buyer");
	row_set("country", "US");
	ck_assert_int_eq(upsert(STRATEGY_MERGE, IMPORT_B, &res), OUTCOME_MERGED);
	ck_assert_int_eq(res.record_id, id);
	ck_assert_ptr_nonnull(res.before);
	before = json_loads(res.before, 0, NULL);
	ck_assert_ptr_nonnull(before);
	ck_assert(json_is_null(json_object_get(before, "job_title")));
	json_decref(before);
	store_result_clear(&res);
	assert_stored(id, "last_name", "Lee");
	assert_stored(id, "job_title", "Buyer");
	assert_stored(id, "country", "US");
	assert_stored(id, "phone", "+12125550187");
	assert_stored(id, "first_name", "Ann");
	ck_assert_int_eq(imported_from(id), IMPORT_B);
}
END_TEST

START_TEST(merge_unions_tags)
{
	int64_t id = store_ann();

	row_clear();
	row_set("phone", "+12125550187");
	row_set("tags", "east;beta;vip;gamma");
	ck_assert_int_eq(upsert_expect(STRATEGY_MERGE, IMPORT_B, OUTCOME_MERGED), id);
	assert_stored(id, "tags", "vip;east;beta;gamma");
}
END_TEST

START_TEST(merge_without_change_is_unchanged)
{
	int64_t id = store_ann();
	struct upsert_result res;

	/* Stored values win, and the tags are already all there. */
	row_clear();
	row_set("phone", "+12125550187");
	row_set("first_name", "Annie");
	row_set("tags", "east");
	ck_assert_int_eq(upsert(STRATEGY_MERGE, IMPORT_B, &res), OUTCOME_UNCHANGED);
	ck_assert_int_eq(res.record_id, id);
	ck_assert_ptr_null(res.before);
	store_result_clear(&res);
	assert_stored(id, "first_name", "Ann");
	assert_stored(id, "tags", "vip;east");
	ck_assert_int_eq(imported_from(id), IMPORT_A);
}
END_TEST

START_TEST(second_match_key_finds_the_record_when_the_first_is_empty)
{
	int64_t id = store_ann();

	row_clear();
	row_set("email", "ann@example.com");
	row_set("job_title", "Buyer");
	ck_assert_int_eq(upsert_expect(STRATEGY_UPDATE, IMPORT_B, OUTCOME_UPDATED), id);
	ck_assert_int_eq(count_contacts(), 1);
	assert_stored(id, "job_title", "Buyer");
	assert_stored(id, "phone", "+12125550187");
}
END_TEST

/* Ann's email with another phone: a key conflict, which replaces the
 * phone only when asked to. */
START_TEST(second_match_key_finds_the_record_when_the_first_matches_nothing)
{
	int64_t id = store_ann();

	row_clear();
	row_set("email", "ann@example.com");
	row_set("phone", "+12015550123");
	on_key_conflict = KEY_CONFLICT_UPDATE;
	ck_assert_int_eq(upsert_expect(STRATEGY_UPDATE, IMPORT_B, OUTCOME_UPDATED), id);
	on_key_conflict = KEY_CONFLICT_REJECT;
	ck_assert_int_eq(count_contacts(), 1);
	assert_stored(id, "phone", "+12015550123");
}
END_TEST

START_TEST(key_conflict_is_rejected_naming_the_record_the_key_and_both_values)
{
	int64_t id = store_ann();
	struct upsert_result res;

	/* Ann's phone, Barbara's email: under every strategy, rejected. */
	row_clear();
	row_set("first_name", "Barbara");
	row_set("phone", "+12125550187");
	row_set("email", "barb@example.com");
	for (enum strategy s = STRATEGY_SKIP; s <= STRATEGY_MERGE; s++) {
		ck_assert_int_eq(upsert(s, IMPORT_B, &res), OUTCOME_REJECTED);
		ck_assert_int_eq(res.key_conflict, 1);
		ck_assert_int_eq(res.reason_field, schema_field_index(schema, "email"));
		ck_assert_int_eq(res.record_id, id);
		ck_assert_ptr_nonnull(res.before);
		char *want = xasprintf(
		    "The phone matches record %lld (Ann Lee), but the email barb@example.com differs from the stored ann@example.com; import it with --on-key-conflict update to ",
		    (long long)id);
		ck_assert_msg(strncmp(res.reason, want, strlen(want)) == 0, "reason: %s", res.reason);
		free(want);
		store_result_clear(&res);
	}
	ck_assert_int_eq(count_contacts(), 1);
	assert_stored(id, "email", "ann@example.com");
	assert_stored(id, "first_name", "Ann");

	/* Asked to, update replaces the email (and the name). */
	on_key_conflict = KEY_CONFLICT_UPDATE;
	ck_assert_int_eq(upsert(STRATEGY_UPDATE, IMPORT_B, &res), OUTCOME_UPDATED);
	on_key_conflict = KEY_CONFLICT_REJECT;
	ck_assert_int_eq(res.key_conflict, 1);
	ck_assert_ptr_null(res.reason);
	ck_assert_ptr_nonnull(res.before);
	store_result_clear(&res);
	assert_stored(id, "email", "barb@example.com");
	assert_stored(id, "first_name", "Barbara");
}
END_TEST

/* An empty stored key is no conflict: the row fills it. */
START_TEST(empty_stored_key_is_filled_without_conflict)
{
	struct upsert_result res;

	prepare();
	row_clear();
	row_set("first_name", "Cy");
	row_set("phone", "+12015550123");
	int64_t id = upsert_expect(STRATEGY_UPDATE, IMPORT_A, OUTCOME_CREATED);
	row_set("email", "cy@example.com");
	ck_assert_int_eq(upsert(STRATEGY_UPDATE, IMPORT_B, &res), OUTCOME_UPDATED);
	ck_assert_int_eq(res.key_conflict, 0);
	store_result_clear(&res);
	assert_stored(id, "email", "cy@example.com");
	/* The same row again changes nothing. */
	ck_assert_int_eq(upsert(STRATEGY_UPDATE, IMPORT_B, &res), OUTCOME_UNCHANGED);
	store_result_clear(&res);
}
END_TEST

START_TEST(row_matching_two_records_is_rejected_with_a_reason)
{
	int64_t ann = store_ann(), bob;
	struct upsert_result res;

	row_clear();
	row_set("first_name", "Bob");
	row_set("email", "bob@example.com");
	row_set("phone", "+12015550123");
	bob = upsert_expect(STRATEGY_UPDATE, IMPORT_A, OUTCOME_CREATED);

	/* Ann's phone with Bob's email. */
	row_clear();
	row_set("first_name", "Who");
	row_set("phone", "+12125550187");
	row_set("email", "bob@example.com");
	for (enum strategy s = STRATEGY_SKIP; s <= STRATEGY_MERGE; s++) {
		ck_assert_int_eq(upsert(s, IMPORT_B, &res), OUTCOME_REJECTED);
		ck_assert_msg(res.reason != NULL && *res.reason != '\0', "no reason given");
		ck_assert_msg(res.reason_field == schema_field_index(schema, "phone") ||
			res.reason_field == schema_field_index(schema, "email"),
		    "the reason is about field %d", res.reason_field);
		ck_assert_ptr_null(res.before);
		store_result_clear(&res);
	}
	ck_assert_int_eq(count_contacts(), 2);
	assert_stored(ann, "first_name", "Ann");
	assert_stored(ann, "email", "ann@example.com");
	assert_stored(bob, "first_name", "Bob");
	assert_stored(bob, "phone", "+12015550123");
	ck_assert_int_eq(imported_from(ann), IMPORT_A);
	ck_assert_int_eq(imported_from(bob), IMPORT_A);
}
END_TEST

START_TEST(rollback_undoes_the_batch)
{
	struct upsert_result res;

	prepare();
	row_clear();
	row_set("email", "gone@example.com");
	ck_assert_int_eq(store_begin(store), STORE_OK);
	ck_assert_int_eq(
	    store_upsert(store, values, STRATEGY_UPDATE, KEY_CONFLICT_REJECT, IMPORT_A, &res),
	    STORE_OK);
	ck_assert_int_eq(res.outcome, OUTCOME_CREATED);
	store_result_clear(&res);
	store_rollback(store);
	ck_assert_int_eq(count_contacts(), 0);
}
END_TEST

/* Commits transaction t of 8 rows of 3,000 bytes (about 10 pages). */
static void
commit_blobs(sqlite3 *db, int t)
{
	ck_assert_int_eq(store_begin(store), STORE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
			     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
			     " SELECT i + 1 FROM n WHERE i < 8)"
			     " INSERT INTO blobs SELECT randomblob(3000) FROM n",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_msg(store_commit(store) == STORE_OK, "commit %d failed", t + 1);
}

static off_t
file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

static int
blobs_stored(void)
{
	sqlite3_stmt *q;
	ck_assert_int_eq(sqlite3_prepare_v2(store_sqlite_handle(store),
			     "SELECT count(*) FROM blobs", -1, &q, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	int n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* A database the store makes has pages of 16 KiB (store_sqlite_ready);
 * one made before keeps its own, and takes rows as before. */
START_TEST(a_new_database_has_16_kib_pages_an_old_one_keeps_its_own)
{
	char *cause = NULL;
	ck_assert_int_eq(store_ready(store, &cause), STORE_OK);
	prepare();
	ck_assert_int_eq(query_int("PRAGMA page_size"), 16384);
	ck_assert_int_eq(
	    query_int("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
	store_close(store);

	sqlite3 *old;
	char *old_path = xasprintf("%s/old.db", tmp_dir);
	ck_assert_int_eq(sqlite3_open(old_path, &old), SQLITE_OK);
	ck_assert_int_eq(
	    sqlite3_exec(old, "PRAGMA page_size=4096; CREATE TABLE t (x)", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(old);
	free(db_path);
	db_path = old_path;
	store = open_store();
	ck_assert_int_eq(store_ready(store, &cause), STORE_OK);
	ck_assert_int_eq(query_int("PRAGMA page_size"), 4096);
	row_clear();
	row_set("first_name", "Ann");
	row_set("phone", "+12125550187");
	prepare();
	upsert_expect(STRATEGY_UPDATE, IMPORT_A, OUTCOME_CREATED);
	ck_assert_int_eq(count_contacts(), 1);
	ck_assert_int_eq(query_int("PRAGMA page_size"), 4096);
}
END_TEST

/* From the first commit, a thread of the store copies the WAL into the
 * database: every other transaction waits for it and the WAL starts
 * again, so it holds about two transactions however many are written
 * (300 here, 10 MB in all), and nothing committed is lost. */
START_TEST(wal_checkpoints_run_on_their_own_thread_and_the_wal_starts_again)
{
	struct store_sqlite *st = (struct store_sqlite *)store;
	sqlite3 *db = store_sqlite_handle(store);
	char *wal = xasprintf("%s-wal", db_path);
	off_t largest = 0;

	char *cause = NULL;
	ck_assert_int_eq(store_ready(store, &cause), STORE_OK);
	st->checkpoint_wait_frames = 64;
	st->checkpoint_small_frames = 1; /* these transactions are small */
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE blobs (b BLOB)", NULL, NULL, NULL),
	    SQLITE_OK);
	for (int t = 0; t < 300; t++) {
		commit_blobs(db, t);
		ck_assert_msg(st->checkpointer != NULL, "no checkpointer after commit %d", t + 1);
		if (file_size(wal) > largest)
			largest = file_size(wal);
	}
	/* Two transactions of about 10 pages of 4 KiB and their frame
	 * headers; the limit of 64 pages alone would let it grow to 76. */
	ck_assert_msg(largest < 3 * 12 * 4120, "the WAL grew to %lld bytes", (long long)largest);
	store_close(store);
	store = open_store();
	ck_assert_int_eq(blobs_stored(), 300 * 8);
	free(wal);
}
END_TEST

/* Commits 100 transactions into a blob table of the test's store, with
 * st's rules as the caller set them after the first: the WAL never
 * outgrows that first transaction. */
static void
wal_holds_one_transaction(struct store_sqlite *st, uint64_t small_frames, uint64_t room)
{
	sqlite3 *db = store_sqlite_handle(store);
	char *wal = xasprintf("%s-wal", db_path);

	char *cause = NULL;
	ck_assert_int_eq(store_ready(store, &cause), STORE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE blobs (b BLOB)", NULL, NULL, NULL),
	    SQLITE_OK);
	commit_blobs(db, 0);
	off_t one = file_size(wal);
	if (small_frames > 0)
		st->checkpoint_small_frames = small_frames;
	if (room > 0)
		st->checkpoint_room = room;
	for (int t = 1; t < 100; t++) {
		commit_blobs(db, t);
		ck_assert_ptr_nonnull(st->checkpointer);
		ck_assert_msg(file_size(wal) <= one, "the WAL grew from %lld to %lld bytes",
		    (long long)one, (long long)file_size(wal));
	}
	ck_assert_int_eq(blobs_stored(), 100 * 8);
	free(wal);
}

/* On a disk with little room left, every transaction waits for the
 * checkpoint, so the WAL starts again at each one and never holds more
 * than the last (as with SQLite's own checkpoint): a transaction that
 * fills the disk leaves room for what follows it. */
START_TEST(on_a_disk_with_little_room_the_wal_holds_one_transaction)
{
	/* Only the room makes them wait: no transaction counts as small. */
	wal_holds_one_transaction((struct store_sqlite *)store, 1, UINT64_MAX);
}
END_TEST

/* After a small transaction, the next waits for its checkpoint: the WAL
 * holds one transaction, as with SQLite's own checkpoint, and the writes
 * are the same from run to run (the fault sweeps count on it). */
START_TEST(after_a_small_transaction_the_next_waits_for_its_checkpoint)
{
	wal_holds_one_transaction((struct store_sqlite *)store, 0, 0);
}
END_TEST

/* An error that stops an import (here a full disk) stops the checkpointer
 * for good: its last checkpoint has copied every commit, so the WAL
 * starts again at the next transaction, and what follows the error (the
 * journal saying the import was interrupted) is written over the failed
 * transaction's pages instead of needing more disk; the writer's
 * connection checkpoints by itself from then on. */
START_TEST(an_error_that_stops_the_import_brings_checkpoints_back_inline)
{
	struct store_sqlite *st = (struct store_sqlite *)store;
	sqlite3 *db = store_sqlite_handle(store);

	char *cause = NULL;
	ck_assert_int_eq(store_ready(store, &cause), STORE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE blobs (b BLOB)", NULL, NULL, NULL),
	    SQLITE_OK);
	commit_blobs(db, 0);
	commit_blobs(db, 1);
	ck_assert_ptr_nonnull(st->checkpointer);
	ck_assert_int_eq(store_begin(store), STORE_OK);
	ck_assert_int_eq(store_sqlite_fail(store, SQLITE_FULL), STORE_FATAL);
	ck_assert_ptr_null(st->checkpointer);
	store_rollback(store);
	for (int t = 2; t < 20; t++) {
		commit_blobs(db, t);
		ck_assert_ptr_null(st->checkpointer);
	}
	ck_assert_int_eq(blobs_stored(), 20 * 8);
}
END_TEST

START_TEST(dry_run_leaves_no_table_behind)
{
	ck_assert_int_eq(store_dry_run_begin(store), STORE_OK);
	prepare();
	row_clear();
	row_set("email", "ann@example.com");
	ck_assert_int_eq(upsert_expect(STRATEGY_UPDATE, IMPORT_A, OUTCOME_CREATED) > 0, 1);
	/* Inside the dry run, a later batch sees the earlier one. */
	row_set("first_name", "Ann");
	upsert_expect(STRATEGY_UPDATE, IMPORT_A, OUTCOME_UPDATED);
	store_dry_run_end(store);
	ck_assert_int_eq(table_exists("contacts"), 0);

	/* And from another connection, nothing either. */
	store_close(store);
	store = open_store();
	ck_assert_int_eq(table_exists("contacts"), 0);
}
END_TEST

START_TEST(dry_run_leaves_stored_records_unchanged)
{
	int64_t id = store_ann();

	ck_assert_int_eq(store_dry_run_begin(store), STORE_OK);
	row_clear();
	row_set("phone", "+12125550187");
	row_set("first_name", "Annie");
	upsert_expect(STRATEGY_UPDATE, IMPORT_B, OUTCOME_UPDATED);
	row_clear();
	row_set("email", "new@example.com");
	upsert_expect(STRATEGY_UPDATE, IMPORT_B, OUTCOME_CREATED);
	ck_assert_int_eq(count_contacts(), 2);
	store_dry_run_end(store);

	ck_assert_int_eq(count_contacts(), 1);
	assert_stored(id, "first_name", "Ann");
	ck_assert_int_eq(imported_from(id), IMPORT_A);
}
END_TEST

/* The rule itself, as every backend calls it: given the matched record's
 * values and the row's. */
START_TEST(key_conflict_rule_needs_no_backend)
{
	const char **stored = xcalloc(schema->nfields, sizeof *stored);
	const char **row = xcalloc(schema->nfields, sizeof *row);
	size_t phone = (size_t)schema_field_index(schema, "phone");
	size_t email = (size_t)schema_field_index(schema, "email");
	struct upsert_result res = { .reason_field = -1 };

	stored[phone] = row[phone] = "+12125550187";
	/* An empty key on either side, or the same value: no conflict. */
	ck_assert_int_eq(store_key_conflict(schema, STRATEGY_UPDATE, KEY_CONFLICT_REJECT, 7, phone,
			     stored, row, &res),
	    0);
	row[email] = "ann@example.com";
	ck_assert_int_eq(store_key_conflict(schema, STRATEGY_UPDATE, KEY_CONFLICT_REJECT, 7, phone,
			     stored, row, &res),
	    0);
	stored[email] = "ann@example.com";
	ck_assert_int_eq(store_key_conflict(schema, STRATEGY_UPDATE, KEY_CONFLICT_REJECT, 7, phone,
			     stored, row, &res),
	    0);
	ck_assert_int_eq(res.key_conflict, 0);
	ck_assert_ptr_null(res.reason);

	/* Another email: under update, said and left to the strategy. */
	row[email] = "bob@example.com";
	ck_assert_int_eq(store_key_conflict(schema, STRATEGY_UPDATE, KEY_CONFLICT_UPDATE, 7, phone,
			     stored, row, &res),
	    1);
	ck_assert_int_eq(res.key_conflict, 1);
	ck_assert_int_eq(res.reason_field, (int)email);
	ck_assert_ptr_null(res.reason);
	store_result_clear(&res);

	/* Rejected, naming the record even when it has no name. */
	ck_assert_int_eq(store_key_conflict(schema, STRATEGY_MERGE, KEY_CONFLICT_REJECT, 7, phone,
			     stored, row, &res),
	    1);
	ck_assert_int_eq(res.outcome, OUTCOME_REJECTED);
	ck_assert_int_eq(res.record_id, 7);
	ck_assert_str_eq(res.reason,
	    "The phone matches record 7, but the email bob@example.com differs from the stored ann@example.com; import it with --on-key-conflict update to merge the row into that record all the same.");
	store_result_clear(&res);
	free(stored);
	free(row);
}
END_TEST

START_TEST(strategy_names_parse_back)
{
	for (enum strategy s = STRATEGY_SKIP; s <= STRATEGY_REPLACE; s++)
		ck_assert_int_eq(store_strategy_parse(store_strategy_name(s)), (int)s);
	ck_assert_int_eq(store_strategy_parse("replace-all"), -1);
	for (enum outcome o = OUTCOME_CREATED; o <= OUTCOME_DELETED; o++)
		if (o <= OUTCOME_MERGED || o == OUTCOME_DELETED)
			ck_assert_int_eq(store_action_parse(store_action_name(o)), (int)o);
	for (enum key_conflict k = KEY_CONFLICT_REJECT; k <= KEY_CONFLICT_UPDATE; k++)
		ck_assert_int_eq(store_key_conflict_parse(store_key_conflict_name(k)), (int)k);
	ck_assert_int_eq(store_key_conflict_parse("merge"), -1);
	ck_assert_str_eq(outcome_name(OUTCOME_NOT_PROCESSED), "not_processed");
	ck_assert_str_eq(outcome_name(OUTCOME_UNCHANGED), "unchanged");
}
END_TEST

START_TEST(unreachable_postgresql_targets_are_refused_with_a_sentence)
{
	/* Port 1 on the loopback answers at once: nobody listens there. */
	static const char *const urls[] = {
		"postgresql://127.0.0.1:1/contacts",
		"postgres://u:s3cret@127.0.0.1:1/contacts",
		"postgresql://u:%zzs3cret@127.0.0.1:1/contacts",
		"postgresql://127.0.0.1:1/contacts?password=s3cret&port=x",
	};
	for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
		char *cause = NULL;
		ck_assert_ptr_null(store_open(urls[i], &cause));
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strstr(cause, "PostgreSQL") != NULL, "%s", cause);
		ck_assert_msg(strstr(cause, "s3cret") == NULL, "%s", cause);
		free(cause);
		/* Nothing was created for the URL. */
		ck_assert_int_ne(access(urls[i], F_OK), 0);
	}
}
END_TEST

START_TEST(targets_are_shown_without_their_password)
{
	static const char *const cases[][2] = {
		{ "contacts.db", "contacts.db" },
		{ "postgresql://db.example.com/crm", "postgresql://db.example.com/crm" },
		{ "postgresql://ann@db/crm", "postgresql://ann@db/crm" },
		{ "postgresql://ann:s3cret@db:5433/crm", "postgresql://ann:***@db:5433/crm" },
		{ "postgres://ann:p%40ss@db/crm?sslmode=require",
		    "postgres://ann:***@db/crm?sslmode=require" },
		{ "postgresql:///crm?user=ann&password=s3cret&sslmode=disable",
		    "postgresql:///crm?user=ann&password=***&sslmode=disable" },
		{ "postgresql://db/crm?PASSWORD=s3cret", "postgresql://db/crm?PASSWORD=***" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *shown = store_target_shown(cases[i][0]);
		ck_assert_str_eq(shown, cases[i][1]);
		free(shown);
	}
	ck_assert_int_eq(store_target_exists("postgresql://db/crm"), 1);
	ck_assert_int_eq(store_target_exists("/nonexistent/sluice.db"), 0);
}
END_TEST

/* The password held for target, as a child would read it from the pipe:
 * a new string, or NULL when none is held. */
static char *
password_held(const char *target)
{
	int fd = store_password_pipe(target);
	if (fd < 0)
		return NULL;
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	char buf[STORE_PASSWORD_MAX + 2];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return xstrdup(buf);
}

START_TEST(a_typed_password_is_held_for_its_target_only_and_wiped)
{
	const char *ann = "postgresql://ann@127.0.0.1:1/crm";
	const char *bob = "postgresql://bob@127.0.0.1:1/crm";
	ck_assert_ptr_null(password_held(ann));
	ck_assert_int_eq(store_password_set(ann, "s3cret typed"), 0);
	ck_assert_ptr_null(password_held(bob));
	char *held = password_held(ann);
	ck_assert_str_eq(held, "s3cret typed");
	free(held);

	/* Through a pipe, as the wizard hands it to its import. */
	int fd = store_password_pipe(ann);
	ck_assert_int_ge(fd, 0);
	store_password_forget();
	ck_assert_ptr_null(password_held(ann));
	ck_assert_int_eq(store_password_take(ann, fd), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1); /* closed */
	held = password_held(ann);
	ck_assert_str_eq(held, "s3cret typed");
	free(held);

	/* Connecting with it to a server that is not there: the sentence
	 * is not about a password, and does not hold it. */
	char *cause = NULL;
	enum store_auth auth = STORE_AUTH_REFUSED;
	ck_assert_ptr_null(store_open_auth(ann, &auth, &cause));
	ck_assert_int_eq(auth, STORE_AUTH_NONE);
	ck_assert_msg(strstr(cause, "127.0.0.1") != NULL, "%s", cause);
	ck_assert_msg(strstr(cause, "s3cret") == NULL, "%s", cause);
	free(cause);

	/* Too long to hold, or nothing to take: refused, the one held kept. */
	char *big = xmalloc(STORE_PASSWORD_MAX + 2);
	memset(big, 'x', STORE_PASSWORD_MAX + 1);
	big[STORE_PASSWORD_MAX + 1] = '\0';
	ck_assert_int_eq(store_password_set(ann, big), -1);
	int empty[2];
	ck_assert_int_eq(pipe(empty), 0);
	close(empty[1]);
	ck_assert_int_eq(store_password_take(ann, empty[0]), -1);
	held = password_held(ann);
	ck_assert_str_eq(held, "s3cret typed");
	free(held);
	big[STORE_PASSWORD_MAX] = '\0';
	ck_assert_int_eq(store_password_set(ann, big), 0);
	free(big);
	store_password_forget();
	ck_assert_ptr_null(password_held(ann));

	/* A file needs no password. */
	auth = STORE_AUTH_REFUSED;
	struct store *st = store_open_auth(db_path, &auth, &cause);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(auth, STORE_AUTH_NONE);
	store_close(st);
}
END_TEST

/* --- The journal through the store ----------------------------------------- */

/* Starts an import of a made-up file in a journal on the store. */
static int64_t
journal_start(struct journal *j)
{
	struct import_info info = {
		.source_path = "/data/contacts.csv",
		.source_size = 1234,
		.source_sha256 = "ab",
		.source_format = "csv",
		.source_description = "CSV, UTF-8",
		.schema_name = "contacts",
		.target_table = "contacts",
		.mapping_json = "[]",
		.strategy = "update",
		.batch_size = 10,
	};
	int64_t id = 0;
	ck_assert_int_eq(journal_prepare(j), STORE_OK);
	ck_assert_int_eq(journal_import_start(j, &info, &id), STORE_OK);
	ck_assert_int_gt(id, 0);
	return id;
}

START_TEST(journal_rows_read_back_typed)
{
	struct journal *j = journal_open(store);
	int64_t id = journal_start(j);

	struct import_row row;
	ck_assert_int_eq(journal_import(j, id, &row), 1);
	ck_assert_int_eq(row.status, STATUS_RUNNING);
	ck_assert_str_eq(row.source_path, "/data/contacts.csv");
	ck_assert_int_eq(row.source_size, 1234);
	ck_assert_int_eq(row.batch_size, 10);
	ck_assert_int_eq(row.total, -1);
	ck_assert_int_eq(row.pid, (int64_t)getpid());
	ck_assert_ptr_null(row.finished_at);
	ck_assert(row.duration_s < 0);
	store_import_row_clear(&row);

	/* One rejected row with two cells and one error. */
	char *cells[] = { "Ann", "not-an-email" };
	struct row_error err = { 1, "email", ERROR_VALIDATION, "The email is wrong.",
		"not-an-email", 0 };
	struct record r = {
		.row_no = 3,
		.line_no = 4,
		.cells = cells,
		.ncells = 2,
		.errors = &err,
		.nerrors = 1,
		.nvalidation = 1,
		.outcome = OUTCOME_REJECTED,
		.matched_from = -1,
	};
	struct counts c = { 0 };
	c.n[OUTCOME_REJECTED] = 1;
	ck_assert_int_eq(journal_rows(j, id, 1, &r, 1), STORE_OK);
	ck_assert_int_eq(journal_batch(j, id, 1, 3, 1, &c, 1, 5, "committed"), STORE_OK);
	ck_assert_int_eq(
	    journal_progress(j, id, 3, 99, 3, &c, STATUS_COMPLETED_WITH_ERRORS, NULL, 1), STORE_OK);
	ck_assert_int_eq(journal_last_batch(j, id), 1);

	ck_assert_int_eq(journal_import(j, id, &row), 1);
	ck_assert_int_eq(row.status, STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_int_eq(row.total, 3);
	ck_assert_int_eq(row.n[OUTCOME_REJECTED], 1);
	ck_assert_ptr_nonnull(row.finished_at);
	ck_assert(row.duration_s >= 0);
	store_import_row_clear(&row);

	struct store_iter *it = journal_each_reject(j, id);
	const struct reject_row *rr;
	ck_assert_int_eq(store_next_reject(it, &rr), 1);
	ck_assert_int_eq(rr->row_no, 3);
	ck_assert_int_eq(rr->outcome, OUTCOME_REJECTED);
	ck_assert_uint_eq(rr->ncells, 2);
	ck_assert_str_eq(rr->cells[1], "not-an-email");
	ck_assert_int_eq(store_next_reject(it, &rr), 0);
	store_iter_close(it);

	struct error_row *e;
	size_t n;
	ck_assert_int_eq(journal_errors(j, id, 20, &e, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(e[0].type, ERROR_VALIDATION);
	ck_assert_str_eq(e[0].field, "email");
	ck_assert_int_eq(e[0].line_no, 4);
	journal_errors_free(e, n);

	struct name_count *nc;
	ck_assert_int_eq(journal_error_counts(j, id, STORE_COUNT_BY_FIELD, &nc, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(nc[0].name, "email");
	ck_assert_uint_eq(nc[0].n, 1);
	journal_counts_free(nc, n);

	it = journal_each_batch(j, id);
	const struct batch_row *b;
	ck_assert_int_eq(store_next_batch(it, &b), 1);
	ck_assert_uint_eq(b->n[OUTCOME_REJECTED], 1);
	ck_assert_str_eq(b->status, "committed");
	store_iter_close(it);

	size_t width;
	ck_assert_int_eq(journal_reject_width(j, id, &width), 0);
	ck_assert_uint_eq(width, 2);
	journal_close(j);
}
END_TEST

START_TEST(journal_settles_an_import_whose_process_is_gone)
{
	struct journal *j = journal_open(store);
	int64_t first = journal_start(j);
	int64_t second = journal_start(j);
	/* The first one's process is long gone; the second runs on another
	 * host, where this one cannot look. */
	char *sql = xasprintf("UPDATE sluice_imports SET pid = 999999999 WHERE id = %lld;"
			      " UPDATE sluice_imports SET host = 'elsewhere' WHERE id = %lld",
	    (long long)first, (long long)second);
	ck_assert_int_eq(sqlite3_exec(store_sqlite_handle(store), sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);

	struct import_row *rows;
	size_t n;
	ck_assert_int_eq(journal_imports(j, 10, &rows, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(rows[0].id, second); /* newest first */
	ck_assert_int_eq(rows[0].status, STATUS_RUNNING);
	ck_assert_int_eq(rows[1].status, STATUS_INTERRUPTED);
	journal_imports_free(rows, n);

	struct import_row row;
	ck_assert_int_eq(journal_import(j, first, &row), 1);
	ck_assert_int_eq(row.status, STATUS_INTERRUPTED);
	ck_assert_ptr_nonnull(row.last_error);
	store_import_row_clear(&row);
	ck_assert_int_eq(journal_import(j, second + 1, &row), 0);
	journal_close(j);
}
END_TEST

START_TEST(journal_keeps_values_dropped_and_how_invalid_values_cost)
{
	struct journal *j = journal_open(store);
	struct import_info info = {
		.source_path = "/data/contacts.csv",
		.schema_name = "contacts",
		.target_table = "contacts",
		.strategy = "update",
		.batch_size = 10,
		.invalid_values = "schema",
	};
	int64_t id = 0;
	ck_assert_int_eq(journal_prepare(j), STORE_OK);
	ck_assert_int_eq(journal_import_start(j, &info, &id), STORE_OK);

	/* A row kept without its birthday, and a rejected row. */
	char *cells[] = { "Ann", "31/02/1990" };
	struct row_error kept = { 7, "birthday", ERROR_VALIDATION, "Not a date.", "31/02/1990", 1 };
	struct row_error gone = { 1, "email", ERROR_VALIDATION, "The email is wrong.", "ann@", 0 };
	struct record r[] = {
		{ .row_no = 1,
		    .line_no = 2,
		    .cells = cells,
		    .ncells = 2,
		    .errors = &kept,
		    .nerrors = 1,
		    .nvalidation = 1,
		    .outcome = OUTCOME_CREATED,
		    .record_id = 1,
		    .matched_from = -1 },
		{ .row_no = 2,
		    .line_no = 3,
		    .cells = cells,
		    .ncells = 2,
		    .errors = &gone,
		    .nerrors = 1,
		    .nvalidation = 1,
		    .invalid = 1,
		    .outcome = OUTCOME_REJECTED,
		    .matched_from = -1 },
	};
	ck_assert_int_eq(journal_rows(j, id, 1, r, 2), STORE_OK);

	struct import_row row;
	ck_assert_int_eq(journal_import(j, id, &row), 1);
	ck_assert_str_eq(row.invalid_values, "schema");
	store_import_row_clear(&row);
	struct error_row *e;
	size_t n;
	ck_assert_int_eq(journal_errors(j, id, 20, &e, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(e[0].field, "birthday");
	ck_assert_int_eq(e[0].dropped, 1);
	ck_assert_str_eq(e[0].value, "31/02/1990");
	ck_assert_int_eq(e[1].dropped, 0);
	journal_errors_free(e, n);
	struct name_count *nc;
	ck_assert_int_eq(journal_error_counts(j, id, STORE_COUNT_BY_EFFECT, &nc, &n), 0);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(!strcmp(nc[i].name, "value_dropped") || !strcmp(nc[i].name, "row"),
		    "%s", nc[i].name);
		ck_assert_uint_eq(nc[i].n, 1);
	}
	journal_counts_free(nc, n);
	journal_close(j);
}
END_TEST

START_TEST(journal_an_older_sluice_made_reads_then_gains_the_new_columns)
{
	/* The journal's tables as the sluice before values dropped made them. */
	sqlite3 *db = store_sqlite_handle(store);
	ck_assert_int_eq(
	    sqlite3_exec(db,
		"CREATE TABLE sluice_imports (id INTEGER PRIMARY KEY, source_path TEXT NOT NULL,"
		" source_size INTEGER, source_sha256 TEXT, source_format TEXT,"
		" source_description TEXT, sheet TEXT, encoding TEXT, schema_name TEXT NOT NULL,"
		" schema_path TEXT, target_table TEXT NOT NULL, mapping TEXT, strategy TEXT NOT NULL,"
		" batch_size INTEGER, region TEXT, dry_run INTEGER NOT NULL DEFAULT 0,"
		" status TEXT NOT NULL, rows_done INTEGER NOT NULL DEFAULT 0,"
		" bytes_done INTEGER NOT NULL DEFAULT 0, total INTEGER,"
		" created INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,"
		" merged INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0,"
		" skipped INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,"
		" failed INTEGER NOT NULL DEFAULT 0, not_processed INTEGER NOT NULL DEFAULT 0,"
		" started_at TEXT NOT NULL, finished_at TEXT, last_error TEXT, pid INTEGER,"
		" host TEXT, user_name TEXT, rolled_back_at TEXT, rollback TEXT);"
		"CREATE TABLE sluice_import_errors (id INTEGER PRIMARY KEY,"
		" import_id INTEGER NOT NULL, row_no INTEGER, line_no INTEGER, field TEXT,"
		" type TEXT NOT NULL, message TEXT NOT NULL, value TEXT);"
		"INSERT INTO sluice_imports (source_path, schema_name, target_table, strategy,"
		" status, started_at, finished_at, rejected) VALUES ('/data/old.csv', 'contacts',"
		" 'contacts', 'update', 'completed_with_errors', '2026-01-01T00:00:00Z',"
		" '2026-01-01T00:00:01Z', 1);"
		"INSERT INTO sluice_import_errors (import_id, row_no, line_no, field, type, message,"
		" value) VALUES (1, 1, 2, 'birthday', 'validation', 'Not a date.', '0.0.00');",
		NULL, NULL, NULL),
	    SQLITE_OK);

	/* Read as it is: no value dropped, no word for invalid values. */
	struct journal *j = journal_open(store);
	struct import_row row;
	ck_assert_int_eq(journal_import(j, 1, &row), 1);
	ck_assert_ptr_null(row.invalid_values);
	store_import_row_clear(&row);
	struct error_row *e;
	size_t n;
	ck_assert_int_eq(journal_errors(j, 1, 20, &e, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(e[0].dropped, 0);
	journal_errors_free(e, n);
	struct name_count *nc;
	ck_assert_int_eq(journal_error_counts(j, 1, STORE_COUNT_BY_EFFECT, &nc, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(nc[0].name, "row");
	journal_counts_free(nc, n);

	/* Written to, it gains the columns; its old rows keep their meaning. */
	ck_assert_int_eq(journal_prepare(j), STORE_OK);
	ck_assert_int_eq(store_sqlite_journal_has(store, "sluice_imports", "invalid_values"), 1);
	ck_assert_int_eq(store_sqlite_journal_has(store, "sluice_import_errors", "dropped"), 1);
	ck_assert_int_eq(journal_import(j, 1, &row), 1);
	ck_assert_ptr_null(row.invalid_values);
	store_import_row_clear(&row);
	ck_assert_int_eq(journal_errors(j, 1, 20, &e, &n), 0);
	ck_assert_int_eq(e[0].dropped, 0);
	journal_errors_free(e, n);
	int64_t id = journal_start(j);
	ck_assert_int_eq(id, 2);
	journal_close(j);
}
END_TEST

START_TEST(journal_without_tables_reads_as_empty)
{
	struct journal *j = journal_open(store);
	struct import_row *rows;
	size_t n;
	struct import_row row;
	ck_assert_int_eq(journal_imports(j, 10, &rows, &n), 0);
	ck_assert_uint_eq(n, 0);
	journal_imports_free(rows, n);
	ck_assert_int_eq(journal_import(j, 1, &row), 0);
	journal_close(j);
}
END_TEST

START_TEST(journal_times_with_and_without_milliseconds)
{
	ck_assert_int_eq(journal_time("2026-11-30T21:10:39.123Z"), 1796073039);
	ck_assert_int_eq(journal_time("2026-11-30T21:10:39Z"), 1796073039);
	ck_assert_int_eq(journal_time(NULL), -1);
	ck_assert_int_eq(journal_time(""), -1);
	ck_assert_int_eq(journal_time("2026-11-30 21:10:39"), -1);
	ck_assert_int_eq(journal_time("2026-11-30T21:10:39.5+01:00"), -1);
}
END_TEST

START_TEST(journal_remembers_mappings)
{
	struct journal *j = journal_open(store);
	ck_assert_int_eq(journal_prepare(j), STORE_OK);
	ck_assert_ptr_null(journal_mapping_load(j, "fp", "contacts"));
	ck_assert_int_eq(journal_mapping_save(j, "fp", "contacts", "[1]"), STORE_OK);
	ck_assert_int_eq(journal_mapping_save(j, "fp", "contacts", "[2]"), STORE_OK);
	char *m = journal_mapping_load(j, "fp", "contacts");
	ck_assert_str_eq(m, "[2]");
	free(m);
	journal_close(j);
}
END_TEST

START_TEST(journal_tells_each_end_of_an_import_once)
{
	struct journal *j = journal_open(store);
	ck_assert_int_eq(journal_prepare(j), STORE_OK);
	char **ends;
	size_t n;
	ck_assert_int_eq(journal_notices(j, 7, &ends, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* The first process to claim an end tells it; a second one does not. */
	ck_assert_int_eq(journal_notice_claim(j, 7, "interrupted 2026-11-30T21:10:39Z"), STORE_OK);
	ck_assert_int_eq(journal_notice_claim(j, 7, "interrupted 2026-11-30T21:10:39Z"), STORE_ROW);
	ck_assert_int_eq(journal_notice_save(j, 7, "interrupted 2026-11-30T21:10:39Z", "[1]"),
	    STORE_OK);
	/* The next end (a resume) is another. */
	ck_assert_int_eq(journal_notice_claim(j, 7, "completed 2026-11-30T22:00:00Z"), STORE_OK);
	ck_assert_int_eq(journal_notice_save(j, 7, "completed 2026-11-30T22:00:00Z", "[2]"),
	    STORE_OK);
	ck_assert_int_eq(journal_notices(j, 7, &ends, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ends[0], "[1]");
	ck_assert_str_eq(ends[1], "[2]");
	for (size_t i = 0; i < n; i++)
		free(ends[i]);
	free(ends);
	journal_close(j);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store-sqlite");

	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, prepare_creates_the_table_with_imported_from_and_unique_match_keys);
	tcase_add_test(tc, prepare_accepts_the_table_it_made);
	tcase_add_test(tc, sqlite_has_no_connection_to_make_again);
	tcase_add_test(tc, journal_times_with_and_without_milliseconds);
	tcase_add_test(tc, existing_table_lacking_a_column_is_refused_naming_it);
	tcase_add_test(tc, existing_table_gets_the_columns_of_optional_fields);
	tcase_add_test(tc, unmatched_row_is_created);
	tcase_add_test(tc, created_row_has_no_before_image);
	tcase_add_test(tc, skip_leaves_the_stored_record_untouched);
	tcase_add_test(tc, update_overwrites_with_non_empty_incoming_fields);
	tcase_add_test(tc, replace_writes_a_match_as_update_does);
	tcase_add_test(tc, update_keeps_stored_value_when_incoming_empty);
	tcase_add_test(tc, update_without_change_is_unchanged);
	tcase_add_test(tc, update_before_image_holds_the_old_values);
	tcase_add_test(tc, merge_keeps_stored_non_empty_fields);
	tcase_add_test(tc, merge_fills_empty_fields_only);
	tcase_add_test(tc, merge_unions_tags);
	tcase_add_test(tc, merge_without_change_is_unchanged);
	tcase_add_test(tc, second_match_key_finds_the_record_when_the_first_is_empty);
	tcase_add_test(tc, second_match_key_finds_the_record_when_the_first_matches_nothing);
	tcase_add_test(tc, key_conflict_is_rejected_naming_the_record_the_key_and_both_values);
	tcase_add_test(tc, empty_stored_key_is_filled_without_conflict);
	tcase_add_test(tc, key_conflict_rule_needs_no_backend);
	tcase_add_test(tc, row_matching_two_records_is_rejected_with_a_reason);
	tcase_add_test(tc, rollback_undoes_the_batch);
	tcase_add_test(tc, a_new_database_has_16_kib_pages_an_old_one_keeps_its_own);
	tcase_add_test(tc, wal_checkpoints_run_on_their_own_thread_and_the_wal_starts_again);
	tcase_add_test(tc, on_a_disk_with_little_room_the_wal_holds_one_transaction);
	tcase_add_test(tc, after_a_small_transaction_the_next_waits_for_its_checkpoint);
	tcase_add_test(tc, an_error_that_stops_the_import_brings_checkpoints_back_inline);
	tcase_add_test(tc, dry_run_leaves_no_table_behind);
	tcase_add_test(tc, dry_run_leaves_stored_records_unchanged);
	tcase_add_test(tc, strategy_names_parse_back);
	tcase_add_test(tc, unreachable_postgresql_targets_are_refused_with_a_sentence);
	tcase_add_test(tc, targets_are_shown_without_their_password);
	tcase_add_test(tc, a_typed_password_is_held_for_its_target_only_and_wiped);
	tcase_add_test(tc, journal_rows_read_back_typed);
	tcase_add_test(tc, journal_settles_an_import_whose_process_is_gone);
	tcase_add_test(tc, journal_without_tables_reads_as_empty);
	tcase_add_test(tc, journal_keeps_values_dropped_and_how_invalid_values_cost);
	tcase_add_test(tc, journal_an_older_sluice_made_reads_then_gains_the_new_columns);
	tcase_add_test(tc, journal_remembers_mappings);
	tcase_add_test(tc, journal_tells_each_end_of_an_import_once);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
