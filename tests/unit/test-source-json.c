/* Unit tests of the JSON backup source and of schema inference: the tables
 * a backup holds (members holding objects only), the union of keys as the
 * header, rows streamed from each table's place across chunk boundaries,
 * nested values as JSON text, NDJSON's _table, refusals, and the types a
 * schema is inferred with. Fixtures are written into a temporary directory
 * by each test. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema-infer.h"
#include "source.h"
#include "xmalloc.h"

static char fixture_dir[] = "/tmp/sluice-test-source-json-XXXXXX";

/* Writes text to the fixture called name; its path, valid until the next
 * call. */
static const char *
fixture(const char *name, const char *text)
{
	static char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static struct source *
open_table(const char *path, const char *table)
{
	struct source_options o = { .sheet = table };
	char *cause = NULL;
	struct source *s = source_open(path, &o, &cause);
	ck_assert_msg(s != NULL, "%s", cause ? cause : "?");
	return s;
}

/* The refusal opening path gives. */
static char *
refusal(const char *path, const char *table)
{
	struct source_options o = { .sheet = table };
	char *cause = NULL;
	struct source *s = source_open(path, &o, &cause);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(cause);
	return cause;
}

START_TEST(tables_and_header)
{
	const char *path = fixture("b.json",
	    "{\"metadata\": {\"v\": 1}, \"list\": [1, 2], \"empty\": [],\n"
	    " \"users\": [{\"id\": 1, \"name\": \"Ann\"}, {\"id\": 2, \"mail\": \"b@x\"}],\n"
	    " \"items\": [{\"id\": 7, \"dims\": {\"w\": [1, 2]}, \"ok\": true, \"n\": null}]}\n");
	struct source *s = open_table(path, NULL);
	size_t n;
	const struct source_sheet_info *t = source_sheets(s, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(t[0].name, "users");
	ck_assert_uint_eq(t[0].records, 2);
	ck_assert_str_eq(t[1].name, "items");
	ck_assert_str_eq(source_format(s), "json");
	ck_assert_str_eq(source_sheet(s), "users");
	const char *const *h = source_header(s, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(h[0], "id");
	ck_assert_str_eq(h[1], "name");
	ck_assert_str_eq(h[2], "mail");
	struct row *row;
	char *cause = NULL;
	ck_assert_int_eq(source_next(s, &row, &cause), 1);
	ck_assert_str_eq(row->cells[1], "Ann");
	ck_assert_str_eq(row->cells[2], "");
	ck_assert_uint_eq(row->line, 2);
	ck_assert_int_eq(source_next(s, &row, &cause), 1);
	ck_assert_str_eq(row->cells[0], "2");
	ck_assert_str_eq(row->cells[2], "b@x");
	ck_assert_int_eq(source_next(s, &row, &cause), 0);
	uint64_t done, total;
	source_progress(s, &done, &total);
	ck_assert_uint_eq(done, total);
	source_close(s);

	s = open_table(path, "2");
	ck_assert_int_eq(source_next(s, &row, &cause), 1);
	ck_assert_str_eq(row->cells[0], "7");
	ck_assert_str_eq(row->cells[1], "{\"w\":[1,2]}");
	ck_assert_str_eq(row->cells[2], "true");
	ck_assert_str_eq(row->cells[3], "");
	ck_assert_int_eq(source_next(s, &row, &cause), 0);
	source_close(s);

	cause = refusal(path, "orders");
	ck_assert_msg(strstr(cause, "has no table orders; its tables: users, items") != NULL, "%s",
	    cause);
	free(cause);
}
END_TEST

/* A table of many records, read across many chunks, after another. */
START_TEST(a_big_table_streams_across_chunks)
{
	size_t cap = 4 << 20, len = 0;
	char *text = xmalloc(cap);
	len += (size_t)snprintf(text + len, cap - len, "{\"a\": [{\"id\": 0}], \"big\": [");
	for (int i = 0; i < 20000; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s{\"id\": %d, \"s\": \"v\\\"%d\"}",
		    i ? ",\n" : "", i, i);
	snprintf(text + len, cap - len, "], \"z\": [{\"id\": 1}]}");
	const char *path = fixture("big.json", text);
	free(text);
	struct source *s = open_table(path, "big");
	struct row *row;
	char *cause = NULL;
	int i = 0, rc;
	while ((rc = source_next(s, &row, &cause)) == 1) {
		char want[32];
		snprintf(want, sizeof want, "v\"%d", i);
		ck_assert_str_eq(row->cells[1], want);
		ck_assert_uint_eq(row->number, (uint64_t)i + 1);
		ck_assert_uint_eq(row->line, (uint64_t)i + 1);
		i++;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(i, 20000);
	source_close(s);
}
END_TEST

START_TEST(ndjson_tables)
{
	const char *path = fixture("n.ndjson",
	    "{\"_table\": \"a\", \"id\": 1}\n{\"id\": 5, \"_table\": \"b\", \"x\": [1]}\n"
	    "{\"_table\": \"a\", \"id\": 2, \"y\": \"q\"}\n");
	struct source *s = open_table(path, "a");
	size_t n;
	const char *const *h = source_header(s, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(h[1], "y");
	struct row *row;
	char *cause = NULL;
	ck_assert_int_eq(source_next(s, &row, &cause), 1);
	ck_assert_str_eq(row->cells[0], "1");
	ck_assert_int_eq(source_next(s, &row, &cause), 1);
	ck_assert_str_eq(row->cells[1], "q");
	ck_assert_uint_eq(row->line, 3);
	ck_assert_int_eq(source_next(s, &row, &cause), 0);
	source_close(s);
	s = open_table(path, "b");
	ck_assert_int_eq(source_next(s, &row, &cause), 1);
	ck_assert_str_eq(row->cells[1], "[1]");
	ck_assert_int_eq(source_next(s, &row, &cause), 0);
	source_close(s);
}
END_TEST

START_TEST(refusals)
{
	char *cause = refusal(fixture("s.json", "{\"a\": 1, \"b\": {\"c\": []}}"), NULL);
	ck_assert_msg(strstr(cause, "none of its members is an array of objects") != NULL, "%s",
	    cause);
	free(cause);
	cause = refusal(fixture("t.json", "{\"a\": [{\"id\": 1}], \"a\": [{\"id\": 2}]}"), NULL);
	ck_assert_msg(strstr(cause, "holds the table a twice") != NULL, "%s", cause);
	free(cause);
	cause = refusal(fixture("u.json", "{\"a\": [{\"id\": 1},\n {\"id\": tru}]}"), NULL);
	ck_assert_msg(strstr(cause, "is not valid JSON on line 2") != NULL, "%s", cause);
	free(cause);
	/* A backup cut short is refused whole, whatever table is asked for. */
	cause =
	    refusal(fixture("v.json", "{\"z\": [{\"id\": 1}], \"a\": [{\"id\": 1}, {\"id\""), "z");
	ck_assert_msg(strstr(cause, "is not valid JSON on line 1: parse error: premature EOF.") !=
		NULL,
	    "%s", cause);
	free(cause);
}
END_TEST

START_TEST(inferred_types)
{
	const char *path = fixture("i.json",
	    "{\"t\": [{\"id\": 1, \"n\": 1, \"d\": \"2024-02-03\", \"dt\": \"2024-02-03T10:00:00Z\",\n"
	    "  \"b\": true, \"x\": {\"k\": 1}, \"m\": 1, \"7up\": \"a\", \"imported_from\": 3},\n"
	    " {\"id\": 2, \"n\": 2.5, \"d\": null, \"dt\": \"2024-02-04\", \"b\": false, \"m\": \"one\"}]}\n");
	struct source *s = open_table(path, "t");
	char *cause = NULL;
	char *text = schema_infer(s, "t", NULL, &cause);
	source_close(s);
	ck_assert_msg(text != NULL, "%s", cause ? cause : "?");
	const char *want[] = {
		"match_keys = source_id\n",
		"[field source_id]\ntype = number\ninteger = yes\nrequired = yes\nsynonyms = id\n",
		"[field n]\ntype = number\n\n",
		"[field d]\ntype = date\n",
		"[field dt]\ntype = text\n",
		"[field b]\ntype = enum\nvalues = true, false\n",
		"[field x]\ntype = text\n",
		"[field m]\ntype = text\n",
		"[field _7up]\ntype = text\nsynonyms = 7up\n",
		"[field x_imported_from]\ntype = number\ninteger = yes\nsynonyms = imported_from\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		ck_assert_msg(strstr(text, want[i]) != NULL, "want %s in:\n%s", want[i], text);
	free(text);

	s = open_table(path, "t");
	ck_assert_ptr_null(schema_infer(s, "t", "code", &cause));
	ck_assert_msg(strstr(cause, "--key t=COLUMN") != NULL, "%s", cause);
	free(cause);
	source_close(s);
}
END_TEST

static Suite *
source_json_suite(void)
{
	Suite *suite = suite_create("source-json");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, tables_and_header);
	tcase_add_test(tc, a_big_table_streams_across_chunks);
	tcase_add_test(tc, ndjson_tables);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, inferred_types);
	suite_add_tcase(suite, tc);
	return suite;
}

/* Removes the fixture directory and what the tests wrote in it. */
static void
remove_fixtures(void)
{
	DIR *dir = opendir(fixture_dir);
	struct dirent *entry;

	if (dir == NULL)
		return;
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		char *path = xasprintf("%s/%s", fixture_dir, entry->d_name);
		unlink(path);
		free(path);
	}
	closedir(dir);
	rmdir(fixture_dir);
}

int
main(void)
{
	SRunner *runner;
	int failed;

	if (mkdtemp(fixture_dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	runner = srunner_create(source_json_suite());
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	remove_fixtures();
	return failed == 0 ? 0 : 1;
}
