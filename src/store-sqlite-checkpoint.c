/* The WAL's checkpoints on a thread of their own. Left to SQLite, the
 * writer copies the WAL into the database itself after a commit (the
 * automatic checkpoint), and the next batch waits for it: at 1,000,000
 * rows a tenth of the writer's time. Here a second connection to the same
 * file copies what each commit wrote while the writer goes on with the
 * next transaction, on a core the writer does not use.
 *
 * The WAL can start again from its beginning only when everything in it
 * has been copied as a transaction begins. So every other transaction
 * (STORE_SQLITE_CHECKPOINT_EVERY), or one that would begin with a big WAL
 * (STORE_SQLITE_CHECKPOINT_WAIT_FRAMES), waits for the checkpoint under
 * way, and the WAL then starts again: it holds at most about two
 * transactions, where SQLite's own checkpoint keeps it at one, and while
 * the writer waits, outside a transaction, another process can take the
 * database's lock.
 *
 * After a small transaction (STORE_SQLITE_CHECKPOINT_SMALL), whose
 * checkpoint is short, the next waits for it too: the writer then writes
 * what SQLite's own checkpoint would, in the same order, and a batch
 * size of a few rows gains nothing from the thread anyway.
 *
 * On a disk with little room left (STORE_SQLITE_CHECKPOINT_ROOM), every
 * transaction waits, as it would for SQLite's own checkpoint: the WAL
 * then starts again at each transaction, and a transaction that fills
 * the disk leaves the pages it wrote in vain for what follows (the
 * journal saying the import was interrupted), instead of racing the
 * checkpoint's copy for the last bytes.
 *
 * A checkpoint that fails (a reader holding old pages, an I/O error) is no
 * fault of the import: the writer's connection copies what is left when it
 * closes, as SQLite always does. From the first error that stops an import
 * (a full disk, an I/O error), the checkpointer is stopped and the writer
 * checkpoints inline again (store_sqlite_fail()): the WAL then starts
 * again at the next transaction, so that the few pages that say the
 * import was interrupted find room in the WAL the failed transaction
 * wrote, as they would without the checkpointer. */
#include "config.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "store-sqlite.h"
#include "xmalloc.h"

struct store_sqlite_checkpointer {
	pthread_t thread;
	sqlite3 *db; /* the checkpointer's own connection */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int pending; /* a commit since the last checkpoint began */
	int busy;    /* a checkpoint is running */
	int quit;
	int frames;  /* in the WAL after the writer's last commit (the writer's) */
	int last;    /* of them, those the last commit wrote */
	int commits; /* since the WAL last started again (the writer's) */
};

static void *
checkpointer_main(void *arg)
{
	struct store_sqlite_checkpointer *c = arg;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->pending && !c->quit)
			pthread_cond_wait(&c->cond, &c->lock);
		if (!c->pending)
			break;
		c->pending = 0;
		c->busy = 1;
		pthread_mutex_unlock(&c->lock);
		/* PASSIVE: copies what no reader still needs, never waits
		 * for a lock; what it leaves is copied by a later one. */
		sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->lock);
		c->busy = 0;
		pthread_cond_broadcast(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* SQLite calls this after each commit of the writer's connection with
 * the frames now in the WAL (instead of its automatic checkpoint). */
static int
checkpointer_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)db;
	(void)name;
	struct store_sqlite_checkpointer *c = arg;
	pthread_mutex_lock(&c->lock);
	c->last = frames > c->frames ? frames - c->frames : frames;
	c->frames = frames;
	c->commits++;
	c->pending = 1;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

static int
in_wal_mode(sqlite3 *db)
{
	sqlite3_stmt *q;
	int wal = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW) {
			const char *mode = (const char *)sqlite3_column_text(q, 0);
			wal = mode != NULL && strcmp(mode, "wal") == 0;
		}
		sqlite3_finalize(q);
	}
	return wal;
}

void
store_sqlite_checkpointer_start(struct store_sqlite *st)
{
	if (st->checkpointer != NULL || st->checkpointer_off)
		return;
	/* Only a WAL needs checkpoints (an in-memory database or a file
	 * system without shared memory keeps its rollback journal). */
	st->checkpointer_off = 1; /* unless it starts */
	if (!in_wal_mode(st->db))
		return;
	struct store_sqlite_checkpointer *c = xcalloc(1, sizeof *c);
	/* The new connection knows the WAL once it has read the database. */
	if (sqlite3_open_v2(st->path, &c->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    !in_wal_mode(c->db)) {
		sqlite3_close(c->db);
		free(c);
		return;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	/* The commit that starts it is the first to copy. */
	c->pending = 1;
	c->commits = 1;
	if (pthread_create(&c->thread, NULL, checkpointer_main, c) != 0) {
		pthread_cond_destroy(&c->cond);
		pthread_mutex_destroy(&c->lock);
		sqlite3_close(c->db);
		free(c);
		return;
	}
	sqlite3_wal_hook(st->db, checkpointer_wal_hook, c);
	st->checkpointer = c;
	st->checkpointer_off = 0;
}

/* Whether the disk holding the database has little room left (or cannot
 * say how much it has). */
static int
little_room(const struct store_sqlite *st)
{
	uint64_t room = st->checkpoint_room > 0 ? st->checkpoint_room : STORE_SQLITE_CHECKPOINT_ROOM;
	struct statvfs sv;
	if (statvfs(st->path, &sv) != 0)
		return 1;
	return (uint64_t)sv.f_bavail * sv.f_frsize < room;
}

void
store_sqlite_checkpointer_before_begin(struct store_sqlite *st)
{
	struct store_sqlite_checkpointer *c = st->checkpointer;
	if (c == NULL)
		return;
	int limit = st->checkpoint_wait_frames > 0 ? st->checkpoint_wait_frames :
						     STORE_SQLITE_CHECKPOINT_WAIT_FRAMES;
	pthread_mutex_lock(&c->lock);
	int small = st->checkpoint_small_frames > 0 ? st->checkpoint_small_frames :
						      STORE_SQLITE_CHECKPOINT_SMALL;
	int wait =
	    c->commits >= STORE_SQLITE_CHECKPOINT_EVERY || c->frames >= limit || c->last < small;
	if (!wait && c->commits > 0) {
		pthread_mutex_unlock(&c->lock);
		wait = little_room(st);
		pthread_mutex_lock(&c->lock);
	}
	if (wait) {
		while (c->pending || c->busy)
			pthread_cond_wait(&c->cond, &c->lock);
		c->frames = 0;
		c->commits = 0;
	}
	pthread_mutex_unlock(&c->lock);
}

void
store_sqlite_checkpointer_stop(struct store_sqlite *st)
{
	struct store_sqlite_checkpointer *c = st->checkpointer;
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->quit = 1;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	/* The writer's connection checkpoints by itself again (SQLite's
	 * default: every 1,000 pages). */
	sqlite3_wal_autocheckpoint(st->db, 1000);
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
	st->checkpointer = NULL;
}
