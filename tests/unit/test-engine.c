/* Unit tests for engine.c: whole imports of small CSV files into SQLite
 * databases in a temporary directory. Every result is checked against the
 * accounting invariant; then the counts each strategy, batch size, number
 * of validator threads and dry run give, a mapping that cannot start, a
 * retry after a lock held by another connection, and what engine_watch
 * tells a watcher. */
#include "config.h"

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "engine.h"
#include "testdir.h"
#include "xmalloc.h"

static char *db_path;
static char *contacts_schema;
static char *products_schema;

/* Nine rows: four people, two of them twice with keys written differently,
 * and three rows that validation rejects (a bad email, no match key, a
 * phone number that does not exist). */
static const char contacts_csv[] = "First Name,Last Name,Email,Phone\n"
				   "Ann,Lee,,+1 (212) 555-0187\n"
				   "Ann,Lee,,212.555.0187\n"
				   "Bob,Ray,John@X.com,\n"
				   "Bob,Ray,john@x.com,\n"
				   "Bad,Email,not-an-email,\n"
				   "No,Keys,,\n"
				   "Bad,Phone,,+1 (555) 123-4567\n"
				   "Cy,Doe,cy@example.com,(201) 555-0123\n"
				   "Dee,Fox,dee@example.com,\n";
#define CONTACTS_ROWS 9
#define CONTACTS_PEOPLE 4
#define CONTACTS_REJECTED 3

/* Each test case gets a directory, made and removed by the parent process
 * so that it goes away even when a test fails; each test works in a
 * subdirectory of its own. */
static void
case_setup(void)
{
	testdir_case_setup("engine");
}

static void
setup(void)
{
	const char *dir = getenv("SLUICE_SCHEMA_DIR");

	if (dir == NULL || *dir == '\0')
		dir = "data/schemas";
	make_tmp_dir();
	db_path = xasprintf("%s/target.db", tmp_dir);
	contacts_schema = xasprintf("%s/contacts.schema", dir);
	products_schema = xasprintf("%s/products.schema", dir);
}

static void
teardown(void)
{
	remove_tree(tmp_dir);
	free(db_path);
	free(contacts_schema);
	free(products_schema);
}

/* Writes text to a file called name in the temporary directory; returns
 * its path (caller frees). */
static char *
write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmp_dir, name);
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

static struct engine_options
options(const char *path, enum strategy strategy)
{
	return (struct engine_options){
		.path = path,
		.db = db_path,
		.schema = contacts_schema,
		.strategy = strategy,
		.batch_size = ENGINE_DEFAULT_BATCH,
		.retries = ENGINE_DEFAULT_RETRIES,
		.retry_base_ms = 10,
	};
}

static void
assert_invariant(const struct engine_result *r)
{
	uint64_t sum = 0;

	for (int o = 0; o < OUTCOME_COUNT; o++)
		sum += r->counts.n[o];
	ck_assert_msg(sum == r->total,
	    "total %llu != created %llu + updated %llu + merged %llu + unchanged %llu"
	    " + skipped %llu + rejected %llu + failed %llu + not_processed %llu",
	    (unsigned long long)r->total, (unsigned long long)r->counts.n[OUTCOME_CREATED],
	    (unsigned long long)r->counts.n[OUTCOME_UPDATED],
	    (unsigned long long)r->counts.n[OUTCOME_MERGED],
	    (unsigned long long)r->counts.n[OUTCOME_UNCHANGED],
	    (unsigned long long)r->counts.n[OUTCOME_SKIPPED],
	    (unsigned long long)r->counts.n[OUTCOME_REJECTED],
	    (unsigned long long)r->counts.n[OUTCOME_FAILED],
	    (unsigned long long)r->counts.n[OUTCOME_NOT_PROCESSED]);
}

/* Runs an import that must start; checks the invariant. */
static void
import_ok(const struct engine_options *o, const struct engine_hooks *hooks, struct engine_result *r)
{
	char *cause = NULL;
	int rc = engine_import(o, hooks, r, &cause);

	ck_assert_msg(rc == 0, "the import did not start: %s", cause != NULL ? cause : "(no cause)");
	ck_assert_ptr_null(cause);
	ck_assert_int_ne(r->status, STATUS_NONE);
	assert_invariant(r);
}

/* The result counts exactly what is given, nothing else. */
static void
assert_counts(const struct engine_result *r, uint64_t total, uint64_t created, uint64_t updated,
    uint64_t unchanged, uint64_t skipped, uint64_t rejected)
{
	const uint64_t want[OUTCOME_COUNT] = {
		[OUTCOME_CREATED] = created,
		[OUTCOME_UPDATED] = updated,
		[OUTCOME_UNCHANGED] = unchanged,
		[OUTCOME_SKIPPED] = skipped,
		[OUTCOME_REJECTED] = rejected,
	};

	ck_assert_uint_eq(r->total, total);
	for (int o = 0; o < OUTCOME_COUNT; o++)
		ck_assert_msg(r->counts.n[o] == want[o], "%s is %llu, not %llu",
		    outcome_name((enum outcome)o), (unsigned long long)r->counts.n[o],
		    (unsigned long long)want[o]);
}

static sqlite3 *
open_db(void)
{
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	return db;
}

/* The first column of the first row of sql, or -1 when it cannot run. */
static int64_t
db_int(const char *sql)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static int
table_exists(const char *name)
{
	char *sql;
	int64_t n;

	if (access(db_path, F_OK) != 0)
		return 0;
	sql = xasprintf("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
	    name);
	n = db_int(sql);
	free(sql);
	return n > 0;
}

START_TEST(invariant_holds_with_rejects_and_duplicates)
{
	char *csv = write_file("contacts.csv", contacts_csv);
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	/* The second Ann and the second Bob are the first ones again. */
	assert_counts(&r, CONTACTS_ROWS, CONTACTS_PEOPLE, 0, 2, 0, CONTACTS_REJECTED);
	ck_assert_int_eq(r.status, STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(r.errors_by_type[ERROR_VALIDATION], CONTACTS_REJECTED);
	ck_assert_uint_eq(r.errors_by_type[ERROR_BUSINESS], 0);
	ck_assert_int_gt(r.id, 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts"), CONTACTS_PEOPLE);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts WHERE phone = '+12125550187'"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts WHERE email = 'john@x.com'"), 1);
	engine_result_clear(&r);
	free(csv);
}
END_TEST

START_TEST(reimport_with_update_creates_nothing)
{
	char *csv = write_file("contacts.csv", contacts_csv);
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	engine_result_clear(&r);
	import_ok(&o, NULL, &r);
	assert_counts(&r, CONTACTS_ROWS, 0, 0, CONTACTS_ROWS - CONTACTS_REJECTED, 0,
	    CONTACTS_REJECTED);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts"), CONTACTS_PEOPLE);
	engine_result_clear(&r);
	free(csv);
}
END_TEST

START_TEST(reimport_with_skip_skips_every_match)
{
	char *csv = write_file("contacts.csv", contacts_csv);
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	engine_result_clear(&r);
	o.strategy = STRATEGY_SKIP;
	import_ok(&o, NULL, &r);
	assert_counts(&r, CONTACTS_ROWS, 0, 0, 0, CONTACTS_ROWS - CONTACTS_REJECTED,
	    CONTACTS_REJECTED);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts"), CONTACTS_PEOPLE);
	engine_result_clear(&r);
	free(csv);
}
END_TEST

START_TEST(reimport_with_merge_fills_and_unions)
{
	char *first = write_file("first.csv",
	    "Email,Phone,Company,Tags\n"
	    "ann@example.com,(212) 555-0187,Acme,vip\n"
	    "bob@example.com,,,east\n");
	char *second = write_file("second.csv",
	    "Email,Phone,Company,Tags\n"
	    "ANN@example.com,,Globex,west\n"
	    "bob@example.com,,Initech,east\n");
	struct engine_options o = options(first, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	engine_result_clear(&r);
	o.path = second;
	o.strategy = STRATEGY_MERGE;
	import_ok(&o, NULL, &r);
	assert_invariant(&r);
	ck_assert_uint_eq(r.counts.n[OUTCOME_MERGED], 2);
	ck_assert_uint_eq(r.counts.n[OUTCOME_CREATED], 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts WHERE email = 'ann@example.com'"
				" AND company = 'Acme' AND tags = 'vip;west'"),
	    1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts WHERE email = 'bob@example.com'"
				" AND company = 'Initech' AND tags = 'east'"),
	    1);
	engine_result_clear(&r);
	free(first);
	free(second);
}
END_TEST

START_TEST(row_matching_two_records_is_rejected_as_business)
{
	char *csv = write_file("two.csv",
	    "Email,Phone\n"
	    "a@example.com,(201) 555-0123\n"
	    "b@example.com,(212) 555-0187\n"
	    "b@example.com,(201) 555-0123\n");
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	assert_counts(&r, 3, 2, 0, 0, 0, 1);
	ck_assert_uint_eq(r.errors_by_type[ERROR_BUSINESS], 1);
	ck_assert_uint_eq(r.errors_by_type[ERROR_VALIDATION], 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM sluice_import_errors"
				" WHERE type = 'business' AND row_no = 3"),
	    1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts"), 2);
	engine_result_clear(&r);
	free(csv);
}
END_TEST

START_TEST(a_value_dropped_stays_with_a_kept_row_only)
{
	/* Row 2 drops its birthday and is created; row 4 would drop its
	 * birthday too, but matches two records and is rejected: its bad
	 * birthday goes with it, not dropped alone. */
	char *csv = write_file("drop.csv",
	    "Email,Phone,Birthday\n"
	    "a@example.com,(201) 555-0123,1990-01-02\n"
	    "c@example.com,,31/02/1990\n"
	    "b@example.com,(212) 555-0187,\n"
	    "b@example.com,(201) 555-0123,--02-30\n");
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	assert_counts(&r, 4, 3, 0, 0, 0, 1);
	ck_assert_uint_eq(r.values_dropped, 1);
	ck_assert_uint_eq(r.errors_by_type[ERROR_VALIDATION], 2);
	ck_assert_uint_eq(r.errors_by_type[ERROR_BUSINESS], 1);
	ck_assert_uint_eq(r.nsamples, 3);
	ck_assert_int_eq(r.samples[0].row_no, 2);
	ck_assert_int_eq(r.samples[0].dropped, 1);
	for (size_t i = 1; i < r.nsamples; i++)
		ck_assert_int_eq(r.samples[i].dropped, 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts WHERE email = 'c@example.com'"
				" AND birthday IS NULL"),
	    1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM sluice_import_errors WHERE dropped"), 1);
	ck_assert_int_eq(
	    db_int("SELECT count(*) FROM sluice_import_errors WHERE dropped AND row_no = 2"), 1);
	engine_result_clear(&r);

	/* Every invalid value rejecting its row: row 2 is rejected too. */
	o.invalid_values = INVALID_VALUES_REJECT_ROW;
	import_ok(&o, NULL, &r);
	ck_assert_uint_eq(r.values_dropped, 0);
	ck_assert_uint_eq(r.counts.n[OUTCOME_REJECTED], 2);
	engine_result_clear(&r);
	free(csv);
}
END_TEST

START_TEST(small_batches_give_the_same_results_as_one_big_batch)
{
	char *csv = write_file("contacts.csv", contacts_csv);
	char *big_db = xasprintf("%s/big.db", tmp_dir);
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct engine_result big, small;
	char *sql;

	o.db = big_db;
	import_ok(&o, NULL, &big);
	o.db = db_path;
	o.batch_size = 2;
	import_ok(&o, NULL, &small);
	ck_assert_uint_eq(small.total, big.total);
	for (int i = 0; i < OUTCOME_COUNT; i++)
		ck_assert_msg(small.counts.n[i] == big.counts.n[i],
		    "%s: %llu in batches of 2, %llu in one", outcome_name((enum outcome)i),
		    (unsigned long long)small.counts.n[i], (unsigned long long)big.counts.n[i]);
	ck_assert_int_eq(small.status, big.status);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts"), CONTACTS_PEOPLE);

	sql = xasprintf("SELECT count(*) FROM sluice_import_batches WHERE import_id = %lld",
	    (long long)small.id);
	ck_assert_int_eq(db_int(sql), (CONTACTS_ROWS + 1) / 2);
	free(sql);
	sql = xasprintf("SELECT sum(rows) FROM sluice_import_batches WHERE import_id = %lld",
	    (long long)small.id);
	ck_assert_int_eq(db_int(sql), CONTACTS_ROWS);
	free(sql);
	engine_result_clear(&big);
	engine_result_clear(&small);
	free(big_db);
	free(csv);
}
END_TEST

/* The errors a database's journal holds, in order, as one string (caller
 * frees). */
static char *
journal_errors_text(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *text = xstrdup("");

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
			     "SELECT row_no || ' ' || line_no || ' ' || coalesce(field, '') || ' ' ||"
			     " type || ' ' || message || ' ' || coalesce(value, '') || ' ' || dropped"
			     " FROM sluice_import_errors ORDER BY rowid",
			     -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *more = xasprintf("%s%s\n", text, (const char *)sqlite3_column_text(st, 0));
		free(text);
		text = more;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return text;
}

START_TEST(validator_threads_give_the_same_results_as_one)
{
	/* The nine rows a hundred times: people repeated across batches, and
	 * batches (of 7 rows) that end inside a validator's chunk. */
	size_t body = strlen(contacts_csv) - strlen(strchr(contacts_csv, '\n') + 1);
	char *text = xstrdup(contacts_csv);
	for (int i = 1; i < 100; i++) {
		char *more = xasprintf("%s%s", text, contacts_csv + body);
		free(text);
		text = more;
	}
	char *csv = write_file("contacts.csv", text);
	struct engine_options o = options(csv, STRATEGY_MERGE);
	struct engine_result one, many;
	char *one_db = xasprintf("%s/one.db", tmp_dir);

	o.batch_size = 7;
	o.threads = 1;
	o.db = one_db;
	import_ok(&o, NULL, &one);
	char *one_errors = journal_errors_text(one_db);
	for (unsigned threads = 2; threads <= 4; threads += 2) {
		char *db = xasprintf("%s/threads-%u.db", tmp_dir, threads);
		o.threads = threads;
		o.db = db;
		import_ok(&o, NULL, &many);
		ck_assert_int_eq(many.status, one.status);
		ck_assert_uint_eq(many.total, 100 * CONTACTS_ROWS);
		for (int i = 0; i < OUTCOME_COUNT; i++)
			ck_assert_uint_eq(many.counts.n[i], one.counts.n[i]);
		for (int i = 0; i < ERROR_TYPE_COUNT; i++)
			ck_assert_uint_eq(many.errors_by_type[i], one.errors_by_type[i]);
		ck_assert_uint_eq(many.matched_file, one.matched_file);
		ck_assert_uint_eq(many.new_records, one.new_records);
		ck_assert_uint_eq(many.nsamples, one.nsamples);
		for (size_t i = 0; i < many.nsamples; i++) {
			ck_assert_int_eq(many.samples[i].row_no, one.samples[i].row_no);
			ck_assert_str_eq(many.samples[i].message, one.samples[i].message);
		}
		char *errors = journal_errors_text(db);
		ck_assert_str_eq(errors, one_errors);
		free(errors);
		engine_result_clear(&many);
		free(db);
	}
	ck_assert_uint_eq(one.new_records, CONTACTS_PEOPLE);
	engine_result_clear(&one);
	free(one_errors);
	free(one_db);
	free(csv);
	free(text);
}
END_TEST

START_TEST(dry_run_counts_but_leaves_no_table)
{
	char *csv = write_file("contacts.csv", contacts_csv);
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct engine_result r;

	o.dry_run = 1;
	import_ok(&o, NULL, &r);
	ck_assert_int_eq(r.dry_run, 1);
	assert_counts(&r, CONTACTS_ROWS, CONTACTS_PEOPLE, 0, 2, 0, CONTACTS_REJECTED);
	ck_assert_int_eq(table_exists("contacts"), 0);
	engine_result_clear(&r);
	free(csv);
}
END_TEST

START_TEST(dry_run_leaves_stored_records_unchanged)
{
	char *csv = write_file("contacts.csv", contacts_csv);
	char *changes = write_file("changes.csv",
	    "Email,Company\n"
	    "john@x.com,Initech\n"
	    "eve@example.com,Hooli\n");
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	engine_result_clear(&r);
	o.path = changes;
	o.dry_run = 1;
	import_ok(&o, NULL, &r);
	assert_counts(&r, 2, 1, 1, 0, 0, 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts"), CONTACTS_PEOPLE);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts WHERE company IS NOT NULL"), 0);
	engine_result_clear(&r);
	free(changes);
	free(csv);
}
END_TEST

START_TEST(unmapped_required_field_refuses_to_start)
{
	char *csv = write_file("products.csv",
	    "Product Name,Price\n"
	    "Widget,1.50\n");
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct engine_result r;
	char *cause = NULL;

	o.schema = products_schema;
	ck_assert_int_eq(engine_import(&o, NULL, &r, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, "sku") != NULL, "the cause \"%s\" does not name sku", cause);
	ck_assert_int_eq(table_exists("products"), 0);
	free(cause);
	engine_result_clear(&r);
	free(csv);
}
END_TEST

/* The other connection holding the write lock, released at the first
 * notice the engine gives. */
struct lock_holder {
	sqlite3 *db;
	int notices;
	int released;
};

static void
release_on_notice(void *ctx, const char *message)
{
	struct lock_holder *h = ctx;

	ck_assert_ptr_nonnull(message);
	h->notices++;
	if (!h->released) {
		ck_assert_int_eq(sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
		h->released = 1;
	}
}

static void
hold_lock(struct lock_holder *h)
{
	memset(h, 0, sizeof *h);
	ck_assert_int_eq(sqlite3_open(db_path, &h->db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
}

START_TEST(retry_after_lock_completes)
{
	char *csv = write_file("contacts.csv", contacts_csv);
	char *more = write_file("more.csv",
	    "Email,Phone\n"
	    "eve@example.com,\n"
	    "ann@example.com,(212) 555-0187\n"
	    "fay@example.com,(201) 555-0123\n");
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct lock_holder holder;
	struct engine_hooks hooks = { .notice = release_on_notice, .ctx = &holder };
	struct engine_result r;

	/* The database and its tables exist; then another connection takes
	 * the write lock. */
	import_ok(&o, NULL, &r);
	engine_result_clear(&r);
	hold_lock(&holder);
	o.path = more;
	o.retries = 5;
	o.retry_base_ms = 10;
	o.on_key_conflict = KEY_CONFLICT_UPDATE; /* fay's row replaces Cy's email */
	import_ok(&o, &hooks, &r);
	ck_assert_int_ge(holder.notices, 1);
	ck_assert_int_eq(holder.released, 1);
	ck_assert_int_eq(r.status, STATUS_COMPLETED);
	/* eve is new; ann's row adds an email to Ann Lee; fay's row matches Cy
	 * by phone and gives Cy another email. */
	assert_counts(&r, 3, 1, 2, 0, 0, 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts"), CONTACTS_PEOPLE + 1);
	sqlite3_close(holder.db);
	engine_result_clear(&r);
	free(more);
	free(csv);
}
END_TEST

START_TEST(retry_after_lock_on_a_new_database_completes)
{
	char *csv = write_file("contacts.csv", contacts_csv);
	struct engine_options o = options(csv, STRATEGY_UPDATE);
	struct lock_holder holder;
	struct engine_hooks hooks = { .notice = release_on_notice, .ctx = &holder };
	struct engine_result r;

	/* Nothing of sluice's is in the database yet when the lock is held. */
	hold_lock(&holder);
	o.retries = 5;
	o.retry_base_ms = 10;
	import_ok(&o, &hooks, &r);
	ck_assert_int_ge(holder.notices, 1);
	assert_counts(&r, CONTACTS_ROWS, CONTACTS_PEOPLE, 0, 2, 0, CONTACTS_REJECTED);
	sqlite3_close(holder.db);
	engine_result_clear(&r);
	free(csv);
}
END_TEST

START_TEST(cell_fix_is_applied_before_validation_and_journaled)
{
	char *path = write_file("c.csv", contacts_csv);
	struct engine_options o = options(path, STRATEGY_UPDATE);
	/* Row 5 holds "not-an-email" in column 2. */
	const struct engine_fix fix = { .row = 5,
		.column = 2,
		.original = "not-an-email",
		.value = "fixed@example.com" };
	o.fixes = &fix;
	o.nfixes = 1;
	struct engine_result r;

	import_ok(&o, NULL, &r);
	assert_counts(&r, CONTACTS_ROWS, CONTACTS_PEOPLE + 1, 0, 2, 0, CONTACTS_REJECTED - 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts WHERE email = 'fixed@example.com'"),
	    1);
	ck_assert_int_eq(
	    db_int("SELECT count(*) FROM sluice_import_fixes WHERE row_no = 5"
		   " AND column_no = 2 AND header = 'Email' AND original = 'not-an-email'"),
	    1);
	engine_result_clear(&r);
	free(path);
}
END_TEST

START_TEST(rows_are_classified_as_new_stored_repeated_or_ambiguous)
{
	char *path = write_file("c.csv", contacts_csv);
	struct engine_options o = options(path, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	ck_assert_uint_eq(r.new_records, CONTACTS_PEOPLE);
	ck_assert_uint_eq(r.matched_file, 2);
	ck_assert_uint_eq(r.matched_stored, 0);
	engine_result_clear(&r);

	/* Again, as a dry run: every row now matches a stored record. */
	o.dry_run = 1;
	import_ok(&o, NULL, &r);
	ck_assert_uint_eq(r.new_records, 0);
	ck_assert_uint_eq(r.matched_stored, CONTACTS_PEOPLE + 2);
	ck_assert_uint_eq(r.ambiguous, 0);
	engine_result_clear(&r);
	free(path);
}
END_TEST

START_TEST(match_samples_show_update_and_merge)
{
	char *first = write_file("a.csv", "First Name,Email,Company\nAnn,ann@example.com,Old\n");
	char *second = write_file("b.csv", "First Name,Email,Company\nAnn,ANN@example.com,New\n");
	struct engine_options o = options(first, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	engine_result_clear(&r);
	o.path = second;
	o.dry_run = 1;
	import_ok(&o, NULL, &r);
	ck_assert_uint_eq(r.nmatch_samples, 1);
	ck_assert_uint_eq(r.match_samples[0].row, 1);
	ck_assert_uint_ge(r.match_samples[0].nchanges, 1);
	const struct match_change *change = &r.match_samples[0].changes[0];
	ck_assert_str_eq(change->field, "company");
	ck_assert_str_eq(change->stored, "Old");
	ck_assert_str_eq(change->incoming, "New");
	ck_assert_str_eq(change->update, "New");
	ck_assert_str_eq(change->merge, "Old");
	engine_result_clear(&r);
	free(first);
	free(second);
}
END_TEST

/* A family line: Mañuel's phone with Barbara's email is a key conflict,
 * counted apart with a sample of what replacing the key would do; a
 * resumed import keeps the choice the journal has. */
static const char family_csv[] = "First Name,Last Name,Email,Phone\n"
				 "Mañuel,Dvořák,mdvok@web.de,+44 20 3103 7281\n"
				 "Barbara,King,barb@example.com,+44 20 3103 7281\n";

START_TEST(key_conflicts_are_counted_apart_with_samples)
{
	char *path = write_file("f.csv", family_csv);
	struct engine_options o = options(path, STRATEGY_UPDATE);
	struct engine_result r;

	import_ok(&o, NULL, &r);
	ck_assert_int_eq(r.on_key_conflict, KEY_CONFLICT_REJECT);
	assert_counts(&r, 2, 1, 0, 0, 0, 1);
	ck_assert_uint_eq(r.new_records, 1);
	ck_assert_uint_eq(r.key_conflicts, 1);
	ck_assert_uint_eq(r.ambiguous, 0);
	ck_assert_uint_eq(r.nconflict_samples, 1);
	ck_assert_str_eq(r.conflict_samples[0].key, "email");
	ck_assert_int_eq(r.conflict_samples[0].row, 2);
	ck_assert_int_eq(r.errors_by_type[ERROR_BUSINESS], 1);
	engine_result_clear(&r);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts WHERE email = 'mdvok@web.de'"), 1);
	free(path);
}
END_TEST

START_TEST(resume_keeps_the_key_conflict_choice)
{
	char *path = write_file("f.csv", family_csv);
	struct engine_options o = options(path, STRATEGY_UPDATE);
	o.on_key_conflict = KEY_CONFLICT_UPDATE;
	o.batch_size = 1;
	o.start_paused = 1;
	struct engine_result r;
	char *cause = NULL;
	struct engine *e = engine_start(&o, NULL, &cause);
	ck_assert_ptr_nonnull(e);
	engine_cancel(e);
	engine_finish(e, &r);
	ck_assert_int_eq(r.status, STATUS_CANCELLED);
	engine_result_clear(&r);

	struct engine_options ro = options(NULL, STRATEGY_UPDATE);
	ro.resume_id = 1;
	import_ok(&ro, NULL, &r);
	ck_assert_int_eq(r.on_key_conflict, KEY_CONFLICT_UPDATE);
	assert_counts(&r, 2, 1, 1, 0, 0, 0);
	ck_assert_uint_eq(r.key_conflicts, 1);
	engine_result_clear(&r);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts WHERE email = 'barb@example.com'"), 1);
	free(path);
}
END_TEST

START_TEST(cancel_rolls_back_the_batch_in_flight)
{
	char *path = write_file("c.csv", contacts_csv);
	struct engine_options o = options(path, STRATEGY_UPDATE);
	o.batch_size = 2;
	struct engine_result r;
	char *cause = NULL;

	/* Start paused, so that the cancel comes before any batch. */
	o.start_paused = 1;
	struct engine *e = engine_start(&o, NULL, &cause);
	ck_assert_ptr_nonnull(e);
	engine_cancel(e);
	engine_finish(e, &r);
	assert_invariant(&r);
	ck_assert_int_eq(r.status, STATUS_CANCELLED);
	ck_assert_uint_eq(r.counts.n[OUTCOME_NOT_PROCESSED], CONTACTS_ROWS);
	ck_assert_int_eq(db_int("SELECT count(*) FROM sluice_imports WHERE status = 'cancelled'"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts"), 0);
	engine_result_clear(&r);

	/* Resume finishes it with the same outcome as one run. */
	struct engine_options ro = options(NULL, STRATEGY_UPDATE);
	ro.resume_id = 1;
	import_ok(&ro, NULL, &r);
	ck_assert_int_eq(r.status, STATUS_COMPLETED_WITH_ERRORS);
	assert_counts(&r, CONTACTS_ROWS, CONTACTS_PEOPLE, 0, 2, 0, CONTACTS_REJECTED);
	ck_assert_int_eq(db_int("SELECT count(*) FROM contacts"), CONTACTS_PEOPLE);
	engine_result_clear(&r);
	free(path);
}
END_TEST

START_TEST(resume_refuses_a_changed_file)
{
	char *path = write_file("c.csv", contacts_csv);
	struct engine_options o = options(path, STRATEGY_UPDATE);
	o.batch_size = 2;
	o.start_paused = 1;
	struct engine_result r;
	char *cause = NULL;
	struct engine *e = engine_start(&o, NULL, &cause);
	ck_assert_ptr_nonnull(e);
	engine_cancel(e);
	engine_finish(e, &r);
	engine_result_clear(&r);

	free(write_file("c.csv", "First Name,Email\nZed,zed@example.com\n"));
	struct engine_options ro = options(NULL, STRATEGY_UPDATE);
	ro.resume_id = 1;
	ck_assert_int_eq(engine_import(&ro, NULL, &r, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "has changed"));
	free(cause);
	engine_result_clear(&r);
	free(path);
}
END_TEST

/* What a watcher was told. */
struct seen {
	int resume_asked, cancel;
	unsigned snapshots, events;
	int resumed_event, cancelled_event;
	struct progress_snapshot last;
};

static int
seen_should_cancel(void *ctx)
{
	struct seen *s = ctx;
	return s->cancel;
}

/* Resumes an engine started paused, once. */
static int
seen_should_pause(void *ctx)
{
	struct seen *s = ctx;
	if (s->resume_asked)
		return -1;
	s->resume_asked = 1;
	return 0;
}

static void
seen_event(void *ctx, const struct progress_event *ev)
{
	struct seen *s = ctx;
	ck_assert_int_eq(ev->setup, 0);
	s->events++;
	s->resumed_event |= ev->kind == PROGRESS_RESUMED;
	s->cancelled_event |= ev->kind == PROGRESS_CANCELLED;
}

static void
seen_snapshot(void *ctx, const struct progress_snapshot *snap)
{
	struct seen *s = ctx;
	if (s->snapshots > 0)
		ck_assert_uint_ge(snap->rows_done, s->last.rows_done);
	s->snapshots++;
	s->last = *snap;
}

/* Imports the contacts in batches of 2, started paused, under a watcher
 * that resumes it (and cancels it if seen->cancel), into *r. */
static void
watch_contacts(struct seen *seen, struct engine_result *r)
{
	char *path = write_file("c.csv", contacts_csv);
	struct engine_options o = options(path, STRATEGY_UPDATE);
	const struct engine_watcher w = {
		.should_cancel = seen_should_cancel,
		.should_pause = seen_should_pause,
		.event = seen_event,
		.snapshot = seen_snapshot,
		.ctx = seen,
		.period_ms = 5,
	};
	char *cause = NULL;

	o.batch_size = 2;
	o.start_paused = 1;
	struct engine *e = engine_start(&o, NULL, &cause);
	ck_assert_ptr_nonnull(e);
	engine_watch(e, &w);
	ck_assert_int_eq(engine_running(e), 0);
	engine_finish(e, r);
	assert_invariant(r);
	ck_assert(seen->resume_asked);
	ck_assert_uint_ge(seen->snapshots, 1);
	ck_assert_int_eq(seen->last.status, r->status);
	for (int k = 0; k < OUTCOME_COUNT; k++)
		ck_assert_uint_eq(seen->last.counts.n[k], r->counts.n[k]);
	free(path);
}

START_TEST(watch_follows_an_import_to_its_end)
{
	struct seen seen = { 0 };
	struct engine_result r;

	watch_contacts(&seen, &r);
	ck_assert(seen.resumed_event);
	ck_assert_int_eq(r.status, STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(seen.last.rows_done, CONTACTS_ROWS);
	ck_assert_int_eq(seen.last.total_exact, 1);
	engine_result_clear(&r);
}
END_TEST

START_TEST(watch_cancels_when_asked)
{
	struct seen seen = { .cancel = 1 };
	struct engine_result r;

	watch_contacts(&seen, &r);
	ck_assert(seen.cancelled_event);
	ck_assert_int_eq(r.status, STATUS_CANCELLED);
	ck_assert_uint_eq(r.counts.n[OUTCOME_NOT_PROCESSED], CONTACTS_ROWS);
	engine_result_clear(&r);
}
END_TEST

/* engine_wait_end: still running after its wait while paused; once
 * cancelled, it returns when the worker ends. Were the end not signalled,
 * the wait would last its whole minute, past the test's timeout. */
START_TEST(wait_end_returns_when_the_worker_ends)
{
	char *path = write_file("c.csv", contacts_csv);
	struct engine_options o = options(path, STRATEGY_UPDATE);
	struct engine_result r;
	char *cause = NULL;

	o.start_paused = 1;
	struct engine *e = engine_start(&o, NULL, &cause);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(engine_wait_end(e, 20), 1);
	engine_cancel(e);
	ck_assert_int_eq(engine_wait_end(e, 60000), 0);
	ck_assert_int_eq(engine_running(e), 0);
	engine_finish(e, &r);
	ck_assert_int_eq(r.status, STATUS_CANCELLED);
	engine_result_clear(&r);
	free(path);
}
END_TEST

/* A source that runs for three reads, then ends; or cannot be read. */
static int
countdown_read(void *ctx, struct progress_snapshot *s)
{
	int *left = ctx;
	if (*left < 0)
		return -1;
	*s = (struct progress_snapshot){ .rows_done = (uint64_t)(3 - *left),
		.status = *left > 0 ? STATUS_RUNNING : STATUS_COMPLETED };
	return (*left)-- > 0;
}

START_TEST(watch_follows_a_source_to_its_end)
{
	int left = 3;
	const struct engine_watch_source src = { .read = countdown_read, .ctx = &left };
	struct seen seen = { 0 };
	const struct engine_watcher w = { .snapshot = seen_snapshot, .ctx = &seen, .period_ms = 1 };

	ck_assert_int_eq(engine_watch_source(&src, &w), 0);
	ck_assert_uint_eq(seen.snapshots, 4);
	ck_assert_int_eq(seen.last.status, STATUS_COMPLETED);
	ck_assert_uint_eq(seen.last.rows_done, 3);

	left = -1;
	seen = (struct seen){ 0 };
	ck_assert_int_eq(engine_watch_source(&src, &w), -1);
	ck_assert_uint_eq(seen.snapshots, 0);
}
END_TEST

START_TEST(progress_ring_says_when_events_were_dropped)
{
	struct progress p;
	progress_init(&p);
	for (int i = 0; i < PROGRESS_RING + 5; i++)
		progress_event(&p, PROGRESS_INFO, 0, 0, 0, "x");
	struct progress_event ev[PROGRESS_RING + 8];
	size_t n = progress_take(&p, ev, PROGRESS_RING + 8);
	ck_assert_uint_eq(n, PROGRESS_RING + 1);
	ck_assert_int_eq(ev[0].kind, PROGRESS_DROPPED);
	ck_assert_ptr_nonnull(strstr(ev[0].message, "5 events were dropped"));
	progress_destroy(&p);
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("import");
	TCase *locks = tcase_create("locks");

	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	/* Check's 4 s is too short for a loaded machine under ThreadSanitizer
	 * (one test took longer with two builds running); still under the
	 * minute wait_end_returns_when_the_worker_ends would wait in vain. */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, invariant_holds_with_rejects_and_duplicates);
	tcase_add_test(tc, reimport_with_update_creates_nothing);
	tcase_add_test(tc, reimport_with_skip_skips_every_match);
	tcase_add_test(tc, reimport_with_merge_fills_and_unions);
	tcase_add_test(tc, row_matching_two_records_is_rejected_as_business);
	tcase_add_test(tc, a_value_dropped_stays_with_a_kept_row_only);
	tcase_add_test(tc, small_batches_give_the_same_results_as_one_big_batch);
	tcase_add_test(tc, validator_threads_give_the_same_results_as_one);
	tcase_add_test(tc, dry_run_counts_but_leaves_no_table);
	tcase_add_test(tc, dry_run_leaves_stored_records_unchanged);
	tcase_add_test(tc, unmapped_required_field_refuses_to_start);
	tcase_add_test(tc, cell_fix_is_applied_before_validation_and_journaled);
	tcase_add_test(tc, rows_are_classified_as_new_stored_repeated_or_ambiguous);
	tcase_add_test(tc, match_samples_show_update_and_merge);
	tcase_add_test(tc, key_conflicts_are_counted_apart_with_samples);
	tcase_add_test(tc, resume_keeps_the_key_conflict_choice);
	tcase_add_test(tc, cancel_rolls_back_the_batch_in_flight);
	tcase_add_test(tc, resume_refuses_a_changed_file);
	tcase_add_test(tc, watch_follows_an_import_to_its_end);
	tcase_add_test(tc, watch_cancels_when_asked);
	tcase_add_test(tc, wait_end_returns_when_the_worker_ends);
	tcase_add_test(tc, watch_follows_a_source_to_its_end);
	tcase_add_test(tc, progress_ring_says_when_events_were_dropped);
	suite_add_tcase(s, tc);

	/* SQLite waits on the lock for a while before the engine hears of
	 * it: give these more than Check's default 4 s. */
	tcase_add_unchecked_fixture(locks, case_setup, case_teardown);
	tcase_add_checked_fixture(locks, setup, teardown);
	tcase_set_timeout(locks, 60);
	tcase_add_test(locks, retry_after_lock_completes);
	tcase_add_test(locks, retry_after_lock_on_a_new_database_completes);
	suite_add_tcase(s, locks);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
