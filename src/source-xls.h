/* The XLS source's two halves and what passes between them: a child
 * process (source-xls-child.c) parses the workbook and writes frames on a
 * pipe; the parent (source-xls.c) checks every frame and gives out rows.
 * A frame is a type byte, a 32-bit little-endian length, and that many
 * bytes:
 *   'O' opened: u8 XLS_OK or a failure (enum xls_failure), u8 BIFF version
 *   'S' a sheet: u8 flags (1 hidden, 2 not a worksheet), its UTF-8 name
 *   'L' the sheet list ends: u32 its count; the child then reads the
 *       chosen sheet (u32, 0-based) from the parent's pipe, and after
 *       each sheet's 'E' another (the next when one is empty, the same
 *       to read it anew), until the parent closes the pipe
 *   'D' the sheet chosen: u32 rows, u16 columns
 *   'R' a row: u32 its 0-based index; then its cells, then 'W'
 *   'C' a cell: u16 column, u8 XLS_CELL_*, then its UTF-8 text
 *   'W' the row ends
 *   'E' the sheet ends
 *   'F' the child cannot go on: u8 enum xls_failure */
#ifndef SLUICE_SOURCE_XLS_H
#define SLUICE_SOURCE_XLS_H

#include <stdint.h>
#include <sys/types.h>

#include "source.h"

#define XLS_FRAME_MAX (1024 * 1024 + 3) /* a cell of SHEET_CELL_MAX and its header */
#define XLS_SHEET_NAME_MAX 1024
#define XLS_SHEETS_MAX 65535
#define XLS_ROWS_MAX 65536
#define XLS_COLUMNS_MAX 256

enum xls_failure {
	XLS_OK,
	XLS_DAMAGED,	/* FreeXL cannot read it */
	XLS_CRAFTED,	/* FreeXL refuses its structure */
	XLS_NO_MEMORY,	/* the child ran out of memory */
	XLS_NOT_BOOK,	/* an OLE2 file without a workbook stream */
	XLS_ENCRYPTED,	/* a FILEPASS record */
	XLS_OLD_BIFF,	/* BIFF2 to BIFF5, which FreeXL does not read fully */
	XLS_STREAM_CASE /* the workbook stream named in other letters */
};

enum xls_cell_kind {
	XLS_CELL_VALUE,	  /* text, numbers and dates as text */
	XLS_CELL_NO_VALUE /* a formula whose result is not in the file */
};

/* Runs the child: reads the workbook open on in (named path), writes
 * frames to out, reads the sheet chosen from cmd. Never returns. */
void xls_child_run(int in, int out, int cmd) __attribute__((noreturn));

/* The parent's side over a stream of frames: reads from in (the child's
 * pipe), writes the sheet chosen to cmd, waits for pid (-1: no child) on
 * close. name is the file's name as the user gave it. Returns the state
 * of source_xls_ops, or NULL with *cause set; takes in and cmd always. */
void *xls_stream_open(int in, int cmd, pid_t pid, const char *name,
    const struct source_options *opts, char **cause);

#endif
