/* The tables of import statuses and row outcomes (status.h). The journal
 * stores the names; people read the labels. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "i18n.h"
#include "status.h"

#define B(s) (1u << (s))
/* From any finished status an import may be rolled back. */
#define ENDS                                                                                       \
	(B(STATUS_COMPLETED) | B(STATUS_COMPLETED_WITH_ERRORS) | B(STATUS_FAILED) |                \
	    B(STATUS_CANCELLED) | B(STATUS_INTERRUPTED))

static const struct status_entry {
	const char *name;
	const char *label;
	const char *short_label;
	unsigned live : 1, finished : 1, resumable : 1, alarming : 1;
	enum exit_code exit;
	unsigned next; /* B(status) of each status it may move to */
} status_table[STATUS_COUNT] = {
	[STATUS_NONE] = { "", "", "?", 0, 0, 0, 0, EXIT_INTERRUPTED, 0 },
	[STATUS_PENDING] = { "pending", N_("pending"), N_("pending"), 1, 0, 0, 0, EXIT_INTERRUPTED,
	    B(STATUS_VALIDATING) | B(STATUS_RUNNING) | ENDS },
	[STATUS_VALIDATING] = { "validating", N_("validating"), N_("validating"), 1, 0, 0, 0,
	    EXIT_INTERRUPTED, B(STATUS_RUNNING) | B(STATUS_PAUSED) | ENDS },
	[STATUS_RUNNING] = { "running", N_("running"), N_("running"), 1, 0, 0, 0, EXIT_INTERRUPTED,
	    B(STATUS_RETRYING) | B(STATUS_PAUSED) | ENDS },
	[STATUS_RETRYING] = { "retrying", N_("retrying"), N_("retrying"), 1, 0, 0, 0,
	    EXIT_INTERRUPTED, B(STATUS_RUNNING) | B(STATUS_PAUSED) | ENDS },
	[STATUS_PAUSED] = { "paused", N_("paused"), N_("paused"), 1, 0, 0, 0, EXIT_INTERRUPTED,
	    B(STATUS_RUNNING) | B(STATUS_RETRYING) | ENDS },
	[STATUS_COMPLETED] = { "completed", N_("completed"), N_("completed"), 0, 1, 0, 0,
	    EXIT_ALL_IMPORTED, B(STATUS_ROLLED_BACK) },
	[STATUS_COMPLETED_WITH_ERRORS] = { "completed_with_errors", N_("completed with errors"),
	    N_("with errors"), 0, 1, 0, 0, EXIT_SOME_REJECTED, B(STATUS_ROLLED_BACK) },
	[STATUS_FAILED] = { "failed", N_("failed"), N_("failed"), 0, 1, 0, 1, EXIT_INTERRUPTED,
	    B(STATUS_ROLLED_BACK) },
	[STATUS_CANCELLED] = { "cancelled", N_("cancelled"), N_("cancelled"), 0, 1, 1, 0,
	    EXIT_CANCELLED, B(STATUS_RUNNING) | B(STATUS_ROLLED_BACK) },
	[STATUS_INTERRUPTED] = { "interrupted", N_("interrupted"), N_("interrupted"), 0, 1, 1, 1,
	    EXIT_INTERRUPTED, B(STATUS_RUNNING) | B(STATUS_ROLLED_BACK) },
	[STATUS_ROLLED_BACK] = { "rolled_back", N_("rolled back"), N_("rolled back"), 0, 1, 0, 0,
	    EXIT_INTERRUPTED, 0 },
};

static const struct status_entry *
status_entry(enum import_status s)
{
	return &status_table[(unsigned)s < STATUS_COUNT ? s : STATUS_NONE];
}

const char *
status_name(enum import_status s)
{
	return status_entry(s)->name;
}

enum import_status
status_parse(const char *name)
{
	if (name == NULL || *name == '\0')
		return STATUS_NONE;
	for (int s = STATUS_NONE + 1; s < STATUS_COUNT; s++)
		if (!strcmp(name, status_table[s].name))
			return (enum import_status)s;
	return STATUS_NONE;
}

const char *
status_label(enum import_status s)
{
	const char *l = status_entry(s)->label;
	return *l ? _(l) : l;
}

const char *
status_short_label(enum import_status s)
{
	return _(status_entry(s)->short_label);
}

int
status_is_live(enum import_status s)
{
	return status_entry(s)->live;
}

int
status_is_finished(enum import_status s)
{
	return status_entry(s)->finished;
}

int
status_is_resumable(enum import_status s)
{
	return status_entry(s)->resumable;
}

int
status_is_alarming(enum import_status s)
{
	return status_entry(s)->alarming;
}

enum exit_code
status_exit_code(enum import_status s)
{
	return status_entry(s)->exit;
}

int
status_may_become(enum import_status from, enum import_status to)
{
	/* A live import whose process died is settled as interrupted; a
	 * resumed one is claimed back to running (both in the table). */
	return from == to || (status_entry(from)->next & B(to)) != 0;
}

static const struct {
	const char *name, *label;
} outcome_table[OUTCOME_COUNT] = {
	[OUTCOME_CREATED] = { "created", N_("created") },
	[OUTCOME_UPDATED] = { "updated", N_("updated") },
	[OUTCOME_MERGED] = { "merged", N_("merged") },
	[OUTCOME_UNCHANGED] = { "unchanged", N_("unchanged") },
	[OUTCOME_SKIPPED] = { "skipped", N_("skipped") },
	[OUTCOME_REJECTED] = { "rejected", N_("rejected") },
	[OUTCOME_FAILED] = { "failed", N_("failed") },
	[OUTCOME_NOT_PROCESSED] = { "not_processed", N_("not processed") },
	[OUTCOME_DELETED] = { "deleted", N_("deleted") },
};

const char *
outcome_name(enum outcome o)
{
	return (unsigned)o < OUTCOME_COUNT ? outcome_table[o].name : "";
}

int
outcome_parse(const char *name)
{
	for (int o = 0; name != NULL && o < OUTCOME_COUNT; o++)
		if (!strcmp(name, outcome_table[o].name))
			return o;
	return -1;
}

const char *
outcome_label(enum outcome o)
{
	return (unsigned)o < OUTCOME_COUNT ? _(outcome_table[o].label) : "";
}
