/* Rollback: undoes what one import wrote, in one transaction: the records
 * it created are deleted, the ones it updated or merged get their
 * before-images back, the ones it deleted (--strategy replace) come back. Records changed since (by a later import or another
 * program) are listed and stop the rollback unless forced. */
#ifndef SLUICE_ROLLBACK_H
#define SLUICE_ROLLBACK_H

#include <stdint.h>

#include "journal.h"
#include "store.h"

/* How many conflicts a rollback lists (it counts them all). */
#define ROLLBACK_MAX_LISTED 20

/* A record changed since the import. */
struct rollback_conflict {
	int64_t record_id;
	char *reason; /* "deleted since", "changed since by import 4" */
};

struct rollback_result {
	uint64_t deleted;   /* records the import created, now removed */
	uint64_t restored;  /* records it updated or merged, now as before */
	uint64_t recreated; /* records it deleted (--strategy replace), back */
	uint64_t conflicts; /* records changed since the import */
	struct rollback_conflict conflict_list[ROLLBACK_MAX_LISTED]; /* the first of them */
	size_t nconflict_list;
	int refused; /* conflicts and not forced: nothing was done */
};

/* Rolls back import id of the database behind store and journal. Returns
 * 0 when done or refused because of conflicts (see res), -1 with *cause
 * when it cannot be done at all (no such import, still running, a dry
 * run, already rolled back, the database refused). */
int rollback_import(struct store *store, struct journal *j, int64_t id, int force, unsigned retries,
    struct rollback_result *res, char **cause);

void rollback_result_clear(struct rollback_result *res);

#endif
