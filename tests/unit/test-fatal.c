/* Unit tests for fatal.c: the hook (the wizard's terminal restore) runs
 * before the message of out of memory and of a failed fatal_assert, and
 * the process then dies of SIGABRT. Each case dies in a child of its own. */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fatal.h"
#include "xmalloc.h"

#define HOOK_MARK "[terminal restored]"

/* Under AddressSanitizer (.ci/run), malloc returns NULL for an impossible
 * size, as without it, instead of stopping the test with a report. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static int test_out = -1; /* the child's pipe to the parent */

static void
test_hook(void)
{
	if (write(test_out, HOOK_MARK, strlen(HOOK_MARK)) < 0)
		_exit(99);
}

static void
test_hook_that_dies(void)
{
	test_hook();
	fatal("a second fatal, from the hook\n");
}

/* Runs die() in a child whose standard error and hook both write to one
 * pipe; returns what came through it (to free) and the wait status. */
static char *
test_die(void (*die)(void), void (*hook)(void), int *status)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		setrlimit(RLIMIT_CORE, &no_core);
		alarm(10); /* a hang dies of SIGALRM, not SIGABRT */
		close(fds[0]);
		test_out = fds[1];
		dup2(fds[1], STDERR_FILENO);
		fatal_set_hook(hook);
		die();
		_exit(0);
	}
	close(fds[1]);
	size_t len = 0, size = 256;
	char *out = xmalloc(size);
	ssize_t n;
	while ((n = read(fds[0], out + len, size - len - 1)) > 0)
		if ((len += (size_t)n) + 1 == size)
			out = xrealloc(out, size *= 2);
	out[len] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, status, 0), pid);
	return out;
}

/* Checks that die() aborted, with the hook's mark once, then at once a
 * message beginning with message_start (a sanitizer may say something
 * before); returns that output, to free. */
static char *
check_died_after_hook(void (*die)(void), const char *message_start)
{
	int status;
	char *out = test_die(die, test_hook, &status);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	    "the child did not abort (status %d)", status);
	const char *mark = strstr(out, HOOK_MARK), *message = strstr(out, message_start);
	ck_assert_msg(mark != NULL, "the hook did not run: \"%s\"", out);
	ck_assert_msg(message == mark + strlen(HOOK_MARK),
	    "the message does not follow the hook: \"%s\"", out);
	ck_assert_msg(strstr(message, HOOK_MARK) == NULL, "the hook ran twice: \"%s\"", out);
	return out;
}

static void
die_fatal(void)
{
	fatal("sluice: %s\n", "cannot go on");
}

static void
die_malloc(void)
{
	volatile size_t huge = SIZE_MAX - 4096;
	free(xmalloc(huge));
}

static void
die_overflow(void)
{
	free(xreallocarray(NULL, SIZE_MAX / 2, 4));
}

static void
die_assert(void)
{
	volatile int rows = 2;
	fatal_assert(rows == 3);
}

START_TEST(fatal_runs_the_hook_then_prints_then_aborts)
{
	int status;
	char *out = test_die(die_fatal, test_hook, &status);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	ck_assert_str_eq(out, HOOK_MARK "sluice: cannot go on\n");
	free(out);
}
END_TEST

START_TEST(out_of_memory_restores_the_terminal_before_the_message)
{
	free(check_died_after_hook(die_malloc, "sluice: out of memory ("));
	free(check_died_after_hook(die_overflow, "sluice: out of memory ("));
}
END_TEST

START_TEST(a_failed_assertion_restores_the_terminal_before_the_message)
{
	char *out = check_died_after_hook(die_assert,
	    "sluice: internal error: rows == 3 is false in die_assert()");
	ck_assert_msg(strstr(out, "test-fatal.c:") != NULL, "the message names no place: \"%s\"",
	    out);
	free(out);
}
END_TEST

START_TEST(without_a_hook_the_message_is_printed_alone)
{
	int status;
	char *out = test_die(die_fatal, NULL, &status);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	ck_assert_str_eq(out, "sluice: cannot go on\n");
	free(out);
}
END_TEST

START_TEST(a_fatal_inside_the_hook_aborts_at_once)
{
	int status;
	char *out = test_die(die_fatal, test_hook_that_dies, &status);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	    "the child did not abort (status %d)", status);
	ck_assert_str_eq(out, HOOK_MARK);
	free(out);
}
END_TEST

static Suite *
fatal_suite(void)
{
	Suite *s = suite_create("fatal");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, fatal_runs_the_hook_then_prints_then_aborts);
	tcase_add_test(tc, out_of_memory_restores_the_terminal_before_the_message);
	tcase_add_test(tc, a_failed_assertion_restores_the_terminal_before_the_message);
	tcase_add_test(tc, without_a_hook_the_message_is_printed_alone);
	tcase_add_test(tc, a_fatal_inside_the_hook_aborts_at_once);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fatal_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
