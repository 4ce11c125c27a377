/* fatal(): the one way sluice dies on purpose. The hook (the wizard's
 * terminal restore) runs first, then the message is printed, then abort().
 * Every out-of-memory and internal-error path goes through it (xmalloc,
 * the XLSX reader, the phone validator, the engine, fatal_assert). */
#include "config.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fatal.h"
#include "i18n.h"

static void (*_Atomic fatal_hook)(void);
static atomic_flag fatal_entered = ATOMIC_FLAG_INIT;
static _Thread_local int fatal_in_this_thread;

void
fatal_set_hook(void (*hook)(void))
{
	atomic_store(&fatal_hook, hook);
}

/* One thread dies with its message; a second thread failing meanwhile
 * waits for the abort rather than cut that message short. A fatal() from
 * inside the hook aborts at once. */
static void
fatal_enter(void)
{
	if (fatal_in_this_thread)
		abort();
	fatal_in_this_thread = 1;
	if (atomic_flag_test_and_set(&fatal_entered))
		for (;;)
			pause();
	void (*hook)(void) = atomic_exchange(&fatal_hook, NULL);
	if (hook != NULL)
		hook();
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	fatal_enter();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	abort();
}

void
fatal_assert_failed(const char *expr, const char *file, int line, const char *func)
{
	fatal(_("sluice: internal error: %s is false in %s() at %s:%d. This is a bug; please report it.\n"),
	    expr, func, file, line);
}
