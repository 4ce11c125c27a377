/* Threads that never take a signal (thread.h). */
#include "config.h"

#include <signal.h>

#include "thread.h"

int
thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	/* The new thread inherits the mask it is created with. */
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
