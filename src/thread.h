/* Threads that never take a signal: the process's signals are handled by
 * the thread that waits for them (the watcher, the wizard's loop), and a
 * thread started for work (the engine's, a reader ahead, a parse) must not
 * be the one the kernel picks to deliver them to. */
#ifndef SLUICE_THREAD_H
#define SLUICE_THREAD_H

#include <pthread.h>

/* pthread_create() with every signal blocked in the new thread: 0, or its
 * error number. */
int thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif
