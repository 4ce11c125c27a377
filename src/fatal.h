/* Dying well: what sluice does when it cannot go on (out of memory, a
 * broken invariant). A hook set by the wizard puts the terminal back first,
 * so that the message printed next stays on the screen. */
#ifndef SLUICE_FATAL_H
#define SLUICE_FATAL_H

#ifdef __cplusplus
extern "C" {
#endif

/* Sets the function fatal() calls before it prints its message (NULL: none).
 * The hook must not allocate or call fatal(); it may run on any thread,
 * and at most once. */
void fatal_set_hook(void (*hook)(void));

/* Calls the hook, prints the formatted message to standard error as it is
 * (the message carries its own "sluice: " and newline), then aborts. */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* What a failed fatal_assert() calls: says which check failed where. */
void fatal_assert_failed(const char *expr, const char *file, int line, const char *func)
    __attribute__((noreturn));

/* Like assert(), gone with NDEBUG like assert(), but dying through fatal(). */
#ifdef NDEBUG
#define fatal_assert(expr) ((void)0)
#else
#define fatal_assert(expr)                                                                         \
	((expr) ? (void)0 : fatal_assert_failed(#expr, __FILE__, __LINE__, __func__))
#endif

#ifdef __cplusplus
}
#endif

#endif
