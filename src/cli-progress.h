/* The headless progress display shared by import, resume and watch: one
 * line on a terminal, or JSON lines for machines (progress-jsonl.h). */
#ifndef SLUICE_CLI_PROGRESS_H
#define SLUICE_CLI_PROGRESS_H

#include <stdio.h>

#include "progress.h"

enum cli_progress_mode {
	CLI_PROGRESS_AUTO,  /* a line on a terminal, else events only */
	CLI_PROGRESS_JSONL, /* snapshots and events as JSON lines */
	CLI_PROGRESS_NONE,  /* events only */
};

/* Parses --progress=auto|jsonl|none; -1 when it is none of them. */
int cli_progress_parse(const char *s);

/* Parses a duration such as 90, 90s, 10m, 1h30m, 7d; -1 on error. */
double cli_duration_parse(const char *s);

/* Draws the progress line (bar, percent, rows, rows/s, ETA) on fp, which
 * is a terminal, fitting its width. */
void cli_progress_draw(FILE *fp, const struct progress_snapshot *s);
/* Clears the line before something else is printed. */
void cli_progress_clear(FILE *fp);

#endif
