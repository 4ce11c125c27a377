/* Unit tests for progress-jsonl.c: snapshots, events and the wizard's
 * import lines written as JSON lines and read back unchanged; what the
 * filter lets through; lines that are not of the protocol. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress-jsonl.h"

/* Text written by fn(fp, arg), as a string the caller frees. */
static char *
written(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	fn(fp, arg);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

/* Reads back the one line of text: it ends with a newline, holds no
 * other, and is a line of the protocol. */
static void
read_back(char *text, struct progress_line *l)
{
	size_t len = strlen(text);

	ck_assert_uint_gt(len, 1);
	ck_assert_int_eq(text[len - 1], '\n');
	text[len - 1] = '\0';
	ck_assert_ptr_null(strchr(text, '\n'));
	ck_assert_int_eq(progress_jsonl_read(text, l), 0);
}

/* Field by field: the doubles come back exactly. */
static void
assert_same_snapshot(const struct progress_snapshot *a, const struct progress_snapshot *b)
{
	ck_assert_int_eq(a->id, b->id);
	ck_assert_int_eq(a->status, b->status);
	ck_assert(a->percent == b->percent);
	ck_assert_uint_eq(a->rows_done, b->rows_done);
	ck_assert_uint_eq(a->rows_total, b->rows_total);
	ck_assert_int_eq(a->total_exact, b->total_exact);
	for (int k = 0; k < OUTCOME_COUNT; k++)
		ck_assert_uint_eq(a->counts.n[k], b->counts.n[k]);
	ck_assert_uint_eq(a->batch, b->batch);
	ck_assert_uint_eq(a->batches_total, b->batches_total);
	ck_assert(a->elapsed_s == b->elapsed_s);
	ck_assert(a->rows_per_s == b->rows_per_s);
	ck_assert(a->rows_per_min == b->rows_per_min);
	ck_assert(a->eta_s == b->eta_s);
}

static void
write_snapshot(FILE *fp, const void *s)
{
	progress_jsonl_snapshot(fp, s);
}

static void
write_event(FILE *fp, const void *ev)
{
	progress_jsonl_event(fp, ev);
}

START_TEST(snapshot_round_trips)
{
	struct progress_snapshot s = {
		.id = 42,
		.status = STATUS_RETRYING,
		.percent = 100.0 / 3,
		.rows_done = 123456789012ULL,
		.rows_total = 123456789099ULL,
		.total_exact = 1,
		.batch = 12346,
		.batches_total = 12346,
		.elapsed_s = 0.1 + 0.2,
		.rows_per_s = 98765.4321,
		.rows_per_min = 98765.4321 * 60,
		.eta_s = -1,
	};
	for (int k = 0; k < OUTCOME_COUNT; k++)
		s.counts.n[k] = (uint64_t)k * 1000003 + 7;
	char *text = written(write_snapshot, &s);
	struct progress_line l;

	read_back(text, &l);
	ck_assert_int_eq(l.type, PROGRESS_LINE_SNAPSHOT);
	assert_same_snapshot(&l.snap, &s);
	progress_line_clear(&l);
	free(text);

	/* Every status, and an inexact total. */
	for (int st = STATUS_PENDING; st < STATUS_COUNT; st++) {
		s.status = (enum import_status)st;
		s.total_exact = st % 2;
		text = written(write_snapshot, &s);
		read_back(text, &l);
		ck_assert_int_eq(l.snap.status, st);
		ck_assert_int_eq(l.snap.total_exact, st % 2);
		progress_line_clear(&l);
		free(text);
	}
}
END_TEST

START_TEST(snapshot_keys_are_the_documented_ones)
{
	struct progress_snapshot s = { .id = 3, .status = STATUS_RUNNING, .eta_s = -1 };
	char *text = written(write_snapshot, &s);

	ck_assert_str_eq(text,
	    "{\"type\":\"progress\",\"id\":3,\"status\":\"running\","
	    "\"percent\":0.0,\"rows_done\":0,\"rows_total\":0,\"total_exact\":false,"
	    "\"batch\":0,\"batches_total\":0,\"elapsed_s\":0.0,\"rows_per_s\":0.0,"
	    "\"rows_per_min\":0.0,\"eta_s\":-1.0,\"created\":0,\"updated\":0,\"merged\":0,"
	    "\"unchanged\":0,\"skipped\":0,\"rejected\":0,\"failed\":0,\"not_processed\":0,\"deleted\":0}\n");
	free(text);
}
END_TEST

START_TEST(events_round_trip)
{
	for (int k = PROGRESS_INFO; k <= PROGRESS_DROPPED; k++) {
		struct progress_event ev = {
			.kind = (enum progress_event_kind)k,
			.elapsed_s = 12.25 * k,
			.batch = (uint64_t)k * 17,
		};
		snprintf(ev.message, sizeof ev.message,
		    "Event %d: \"quoted\", a tab\t, \xc3\xa9t\xc3\xa9 and \xe6\x97\xa5\xe6\x9c\xac.",
		    k);
		char *text = written(write_event, &ev);
		struct progress_line l;

		read_back(text, &l);
		ck_assert_int_eq(l.type, PROGRESS_LINE_EVENT);
		ck_assert_int_eq(l.event.kind, k);
		ck_assert_uint_eq(l.event.batch, ev.batch);
		ck_assert(l.event.elapsed_s == ev.elapsed_s);
		ck_assert_str_eq(l.event.message, ev.message);
		ck_assert_int_eq(l.event.setup, 0);
		progress_line_clear(&l);
		free(text);
	}
}
END_TEST

START_TEST(an_unknown_event_kind_reads_as_info)
{
	struct progress_line l;

	ck_assert_int_eq(progress_jsonl_read("{\"type\":\"event\",\"kind\":\"novel\","
					     "\"batch\":2,\"elapsed_s\":1.5,\"message\":\"m\"}",
			     &l),
	    0);
	ck_assert_int_eq(l.event.kind, PROGRESS_INFO);
	ck_assert_str_eq(l.event.message, "m");
	progress_line_clear(&l);
}
END_TEST

/* Reads the line at *cursor, moves it to the next one, and checks the
 * line's type, id and message (NULL: none). */
static void
read_next(char **cursor, struct progress_line *l, enum progress_line_type type, int64_t id,
    const char *message)
{
	char *line = *cursor, *nl = strchr(line, '\n');

	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	*cursor = nl + 1;
	ck_assert_int_eq(progress_jsonl_read(line, l), 0);
	ck_assert_int_eq(l->type, type);
	ck_assert_int_eq(l->id, id);
	if (message == NULL)
		ck_assert_ptr_null(l->message);
	else
		ck_assert_str_eq(l->message, message);
}

START_TEST(wizard_lines_round_trip)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	progress_jsonl_started(fp, 7, 0);
	progress_jsonl_started(fp, 0, 1);
	progress_jsonl_error(fp, "The file \"a.csv\" is gone.");
	progress_jsonl_result(fp, 7, STATUS_INTERRUPTED, "disk I/O error");
	progress_jsonl_result(fp, 8, STATUS_COMPLETED, NULL);
	ck_assert_int_eq(fclose(fp), 0);

	struct progress_line l;
	char *cursor = buf;
	read_next(&cursor, &l, PROGRESS_LINE_STARTED, 7, NULL);
	ck_assert_int_eq(l.dry_run, 0);
	progress_line_clear(&l);
	read_next(&cursor, &l, PROGRESS_LINE_STARTED, 0, NULL);
	ck_assert_int_eq(l.dry_run, 1);
	progress_line_clear(&l);
	read_next(&cursor, &l, PROGRESS_LINE_ERROR, 0, "The file \"a.csv\" is gone.");
	progress_line_clear(&l);
	ck_assert_ptr_null(l.message);
	read_next(&cursor, &l, PROGRESS_LINE_RESULT, 7, "disk I/O error");
	ck_assert_int_eq(l.status, STATUS_INTERRUPTED);
	progress_line_clear(&l);
	read_next(&cursor, &l, PROGRESS_LINE_RESULT, 8, NULL);
	ck_assert_int_eq(l.status, STATUS_COMPLETED);
	progress_line_clear(&l);
	ck_assert_str_eq(cursor, "");
	free(buf);
}
END_TEST

START_TEST(other_lines_are_refused)
{
	static const char *const lines[] = {
		"",
		"not json",
		"[1,2]",
		"{\"type\":\"unknown\"}",
		"{\"type\":3}",
		"{\"kind\":\"retry\"}",
		"{\"type\":\"progress\"",
	};
	struct progress_line l;

	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		ck_assert_msg(progress_jsonl_read(lines[i], &l) == -1, "read: %s", lines[i]);
		progress_line_clear(&l);
	}
}
END_TEST

START_TEST(filter_lets_through_what_is_new)
{
	struct progress_jsonl_filter f = { 0 };
	struct progress_snapshot s = { .status = STATUS_RUNNING, .elapsed_s = 1 };

	ck_assert_int_eq(progress_jsonl_filter(&f, &s), 1);
	s.elapsed_s = 50;
	ck_assert_int_eq(progress_jsonl_filter(&f, &s), 0);
	s.rows_done = 10;
	ck_assert_int_eq(progress_jsonl_filter(&f, &s), 1);
	ck_assert_int_eq(progress_jsonl_filter(&f, &s), 0);
	s.status = STATUS_PAUSED;
	ck_assert_int_eq(progress_jsonl_filter(&f, &s), 1);
	s.total_exact = 1;
	ck_assert_int_eq(progress_jsonl_filter(&f, &s), 1);
	ck_assert_int_eq(progress_jsonl_filter(&f, &s), 0);

	/* With a heartbeat, an unchanged snapshot once a second. */
	struct progress_jsonl_filter g = { .every_s = 1 };
	s.elapsed_s = 2;
	ck_assert_int_eq(progress_jsonl_filter(&g, &s), 1);
	s.elapsed_s = 2.5;
	ck_assert_int_eq(progress_jsonl_filter(&g, &s), 0);
	s.elapsed_s = 3;
	ck_assert_int_eq(progress_jsonl_filter(&g, &s), 1);
}
END_TEST

static Suite *
progress_jsonl_suite(void)
{
	Suite *s = suite_create("progress-jsonl");
	TCase *tc = tcase_create("lines");

	tcase_add_test(tc, snapshot_round_trips);
	tcase_add_test(tc, snapshot_keys_are_the_documented_ones);
	tcase_add_test(tc, events_round_trip);
	tcase_add_test(tc, an_unknown_event_kind_reads_as_info);
	tcase_add_test(tc, wizard_lines_round_trip);
	tcase_add_test(tc, other_lines_are_refused);
	tcase_add_test(tc, filter_lets_through_what_is_new);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(progress_jsonl_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
