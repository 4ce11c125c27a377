/* What the XLS child reads of a workbook itself, beside FreeXL: the OLE2
 * container's workbook stream, what makes a file unreadable (encryption,
 * an old BIFF version, a stream named in other letters), and the values
 * FreeXL leaves out (formula results, elapsed times). Runs in the child
 * process only (source-xls-child.c). */
#ifndef SLUICE_SOURCE_XLS_BIFF_H
#define SLUICE_SOURCE_XLS_BIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A cell whose value the child gives instead of FreeXL's. */
struct biff_cell {
	uint16_t row, col;
	bool missing; /* a formula whose result cannot be had */
	char *text;   /* UTF-8, NUL-terminated; NULL when missing */
	size_t len;
};

struct biff_book {
	bool found;	      /* a workbook stream was read */
	bool other_case;      /* named "WORKBOOK" or the like: FreeXL looks for "Workbook" */
	char stream_name[32]; /* the name found, ASCII */
	unsigned version;     /* 2, 3, 4, 5 or 8 from the first BOF; 0 unknown */
	bool encrypted;	      /* a FILEPASS record */
	bool date1904;
	uint8_t *data; /* the stream */
	size_t size;
	/* Per XF: the sheet_kind of its number format. */
	uint8_t *xf_kind;
	size_t nxf;
	/* Sheet substream offsets, in BOUNDSHEET order. */
	uint32_t *sheet_pos;
	uint8_t *sheet_flags; /* 1 hidden, 2 not a worksheet */
	size_t nsheets;
};

/* Reads the workbook stream of the OLE2 file open on fd and its globals
 * into *b (zeroed first). Returns 0, or -1 when the container cannot be
 * read (b->found false). */
int biff_load(int fd, struct biff_book *b);
/* The cells of sheet (0-based, BOUNDSHEET order) that FreeXL does not
 * read: formula results and elapsed times. Sorted by row, then column;
 * *n of them. */
struct biff_cell *biff_sheet_cells(const struct biff_book *b, size_t sheet, size_t *n);
void biff_cells_free(struct biff_cell *cells, size_t n);
void biff_free(struct biff_book *b);

#endif
