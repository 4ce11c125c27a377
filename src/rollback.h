/* Rollback: undoes what one import wrote, in one transaction: the records
 * it created are deleted, the ones it updated or merged get their
 * before-images back. Records changed since (by a later import or another
 * program) are listed and stop the rollback unless forced. */
#ifndef SLUICE_ROLLBACK_H
#define SLUICE_ROLLBACK_H

#include <jansson.h>
#include <stdint.h>

#include "journal.h"
#include "store.h"

struct rollback_result {
	uint64_t deleted;	/* records the import created, now removed */
	uint64_t restored;	/* records it updated or merged, now as before */
	uint64_t conflicts;	/* records changed since the import */
	json_t *conflict_list;	/* the first of them: [{record_id, reason}] */
	int refused;		/* conflicts and not forced: nothing was done */
};

/* Rolls back import id of the database behind store and journal. Returns
 * 0 when done or refused because of conflicts (see res), -1 with *cause
 * when it cannot be done at all (no such import, still running, a dry
 * run, already rolled back, the database refused). */
int rollback_import(struct store *store, struct journal *j, int64_t id, int force,
    unsigned retries, struct rollback_result *res, char **cause);

void rollback_result_clear(struct rollback_result *res);

#endif
