/* Unit tests for store-sqlite-vfs.c: through sluice's VFS a WAL frame is
 * one write instead of two, and what it writes is a WAL any SQLite reads:
 * a copy of the database and its WAL taken while the connection is open
 * (as a crash would leave them) holds every committed transaction, among
 * them one larger than the page cache (its pages written to the WAL before
 * the commit, then written again and their headers rewritten). */
#include "config.h"

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-sqlite.h"
#include "testdir.h"
#include "xmalloc.h"

static void
case_setup(void)
{
	testdir_case_setup("store-vfs");
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

/* name in the test's directory (freed by the caller). */
static char *
at(const char *name)
{
	return xasprintf("%s/%s", tmp_dir, name);
}

/* The write system calls this process made so far. */
static long long
write_calls(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	ck_assert_msg(f != NULL, "/proc/self/io cannot be read: the test counts system calls there");
	char line[128];
	long long n = -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "syscw: %lld", &n) == 1)
			break;
	fclose(f);
	ck_assert_int_ge(n, 0);
	return n;
}

static void
exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err != NULL ? err : sqlite3_errstr(rc));
	sqlite3_free(err);
}

/* A database in WAL mode that SQLite never checkpoints by itself. */
static sqlite3 *
open_wal(const char *path, const char *vfs)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", path, sqlite3_errstr(rc));
	exec(db,
	    "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
	    " PRAGMA synchronous=NORMAL;"
	    " CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v BLOB)");
	return db;
}

/* One transaction of n rows with random keys (index pages all over). */
static void
insert_rows(sqlite3 *db, int n)
{
	char *sql = sqlite3_mprintf("BEGIN; WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL"
				    " SELECT i + 1 FROM c WHERE i < %d) INSERT INTO t (k, v)"
				    " SELECT hex(randomblob(12)), randomblob(300) FROM c; COMMIT",
	    n);
	exec(db, sql);
	sqlite3_free(sql);
}

/* The write calls one 200-row transaction takes through vfs. */
static long long
writes_of_a_transaction(const char *name, const char *vfs)
{
	char *path = at(name);
	sqlite3 *db = open_wal(path, vfs);
	free(path);
	insert_rows(db, 10);
	long long before = write_calls();
	insert_rows(db, 200);
	long long n = write_calls() - before;
	sqlite3_close(db);
	return n;
}

START_TEST(a_wal_frame_is_one_write)
{
	const char *vfs = store_sqlite_vfs();
	ck_assert_ptr_nonnull(vfs);
	ck_assert_str_eq(vfs, STORE_SQLITE_VFS);
	long long plain = writes_of_a_transaction("plain.db", NULL);
	long long ours = writes_of_a_transaction("ours.db", vfs);
	/* 200 rows of 300 bytes and their index: some 20 pages, each a
	 * header and a page through SQLite's own VFS. */
	ck_assert_int_ge(plain, 40);
	ck_assert_msg(ours * 10 <= plain * 6,
	    "through sluice's VFS the transaction took %lld writes, against %lld", ours, plain);
}
END_TEST

/* Copies the test's file from to to. */
static void
copy_file(const char *from_name, const char *to_name)
{
	char *from = at(from_name), *to = at(to_name);
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	free(from);
	free(to);
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
}

static char *
query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	char *s = xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return s;
}

START_TEST(the_wal_written_reads_back_after_a_crash)
{
	char *path = at("crash.db"), *copy = at("copy.db");
	sqlite3 *db = open_wal(path, store_sqlite_vfs());
	/* A page cache of 20 pages: the 3,000-row transaction spills. */
	exec(db, "PRAGMA cache_size=20");
	insert_rows(db, 50);
	insert_rows(db, 3000);
	insert_rows(db, 7);
	/* The connection stays open: nothing is checkpointed; the copy
	 * is what a killed process leaves. */
	copy_file("crash.db", "copy.db");
	copy_file("crash.db-wal", "copy.db-wal");
	sqlite3 *back = NULL;
	ck_assert_int_eq(sqlite3_open_v2(copy, &back, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	char *rows = query_text(back, "SELECT count(*) FROM t");
	char *ok = query_text(back, "PRAGMA integrity_check");
	char *same = query_text(db, "SELECT count(*) FROM t");
	ck_assert_str_eq(rows, "3057");
	ck_assert_str_eq(same, "3057");
	ck_assert_str_eq(ok, "ok");
	free(rows);
	free(ok);
	free(same);
	sqlite3_close(back);
	sqlite3_close(db);
	free(path);
	free(copy);
}
END_TEST

static Suite *
vfs_suite(void)
{
	Suite *s = suite_create("store-vfs");
	TCase *tc = tcase_create("wal");
	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_wal_frame_is_one_write);
	tcase_add_test(tc, the_wal_written_reads_back_after_a_crash);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(vfs_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
