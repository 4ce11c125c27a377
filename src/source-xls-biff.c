/* The XLS child's own reading of a workbook: the OLE2 (compound file)
 * container's "Workbook" stream, whatever the case of its name, then the
 * BIFF records FreeXL 1.0.6 passes over: FILEPASS, the BOF's version, the
 * cached result of each FORMULA (and its STRING), error cells, and numbers
 * shown as elapsed time ([h]:mm:ss). Every offset is checked. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source-sheet.h"
#include "source-xls-biff.h"
#include "xmalloc.h"

#define BIFF_FILE_MAX (512u * 1024 * 1024)
#define OLE_END 0xFFFFFFFEu
#define OLE_FREE 0xFFFFFFFFu

struct ole {
	const uint8_t *file;
	size_t size;
	unsigned shift; /* sector size = 1 << shift */
	uint32_t *fat;
	size_t nfat;
};

static uint16_t
biff_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
biff_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Sector id's bytes, or NULL when it lies outside the file. */
static const uint8_t *
biff_sector(const struct ole *o, uint32_t id)
{
	size_t off = ((size_t)id + 1) << o->shift;

	if (id >= OLE_END - 16 || off + ((size_t)1 << o->shift) > o->size)
		return NULL;
	return o->file + off;
}

/* Follows the chain from start through table[0..ntable), unit bytes per
 * link taken from get(), up to want bytes into a new buffer. NULL when
 * the chain is broken or loops. */
static uint8_t *
biff_chain(const struct ole *o, const uint32_t *table, size_t ntable, uint32_t start, size_t unit,
    const uint8_t *base, size_t base_size, size_t want)
{
	uint8_t *out = xmalloc(want > 0 ? want : 1);
	size_t got = 0, steps = 0;
	const uint8_t *p;
	uint32_t id = start;

	while (got < want) {
		if (id >= ntable || ++steps > ntable)
			goto fail;
		if (base == NULL)
			p = biff_sector(o, id);
		else
			p = (size_t)id * unit + unit <= base_size ? base + (size_t)id * unit : NULL;
		if (p == NULL)
			goto fail;
		memcpy(out + got, p, want - got < unit ? want - got : unit);
		got += want - got < unit ? want - got : unit;
		id = table[id];
	}
	return out;
fail:
	free(out);
	return NULL;
}

/* The file allocation table, from the header's 109 entries and the
 * DIFAT sectors after them. */
static int
biff_fat(struct ole *o)
{
	size_t per = ((size_t)1 << o->shift) / 4, nsect = biff_u32(o->file + 0x2C), i, k = 0;
	uint32_t difat = biff_u32(o->file + 0x44), id;
	const uint8_t *p = o->file + 0x4C, *s;
	size_t left = 109, steps = 0;

	if (nsect == 0 || nsect > o->size >> o->shift)
		return -1;
	o->nfat = nsect * per;
	o->fat = xreallocarray(NULL, o->nfat, sizeof *o->fat);
	while (k < nsect) {
		if (left == 0) {
			if (difat >= OLE_END - 16 || ++steps > nsect ||
			    (p = biff_sector(o, difat)) == NULL)
				return -1;
			left = per - 1;
			difat = biff_u32(p + (per - 1) * 4);
		}
		id = biff_u32(p);
		p += 4;
		left--;
		if ((s = biff_sector(o, id)) == NULL)
			return -1;
		for (i = 0; i < per; i++)
			o->fat[k * per + i] = biff_u32(s + i * 4);
		k++;
	}
	return 0;
}

/* Whether the directory entry's name is name, ignoring case; *exact
 * whether the case matches too. */
static bool
biff_name_is(const uint8_t *e, const char *name, bool *exact)
{
	size_t n = strlen(name), i;
	uint16_t len = biff_u16(e + 64);

	if (len != (n + 1) * 2)
		return false;
	*exact = true;
	for (i = 0; i < n; i++) {
		uint16_t c = biff_u16(e + 2 * i);
		if (c >= 128 || (c | 0x20) != (name[i] | 0x20))
			return false;
		if (c != (uint16_t)name[i])
			*exact = false;
	}
	return true;
}

/* Finds the workbook stream in the container and reads it. */
static int
biff_stream(struct ole *o, struct biff_book *b)
{
	static const char magic[8] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
	uint8_t *dir = NULL, *minifat_raw = NULL, *ministream = NULL;
	uint32_t root_start = 0, root_size = 0, start = 0, size = 0, cutoff, *minifat = NULL;
	size_t ndir, i, nminifat;
	bool found = false, exact = false, ex;
	const uint8_t *e;
	int rc = -1;

	if (o->size < 512 || memcmp(o->file, magic, 8) != 0)
		return -1;
	o->shift = biff_u16(o->file + 0x1E);
	if (o->shift != 9 && o->shift != 12)
		return -1;
	if (biff_fat(o) != 0)
		return -1;
	/* The directory: as many sectors as its chain has. */
	ndir = 0;
	for (uint32_t id = biff_u32(o->file + 0x30); id < o->nfat && ndir <= o->nfat; id = o->fat[id])
		ndir++;
	if (ndir == 0 || ndir > o->nfat)
		return -1;
	dir = biff_chain(o, o->fat, o->nfat, biff_u32(o->file + 0x30), (size_t)1 << o->shift, NULL,
	    0, ndir << o->shift);
	if (dir == NULL)
		return -1;
	for (i = 0; i < (ndir << o->shift) / 128; i++) {
		e = dir + i * 128;
		if (e[66] == 5 && i == 0) {
			root_start = biff_u32(e + 116);
			root_size = biff_u32(e + 120);
		}
		if (e[66] != 2 || found)
			continue;
		if (biff_name_is(e, "Workbook", &ex) || biff_name_is(e, "Book", &ex)) {
			found = true;
			exact = ex;
			start = biff_u32(e + 116);
			size = biff_u32(e + 120);
			for (size_t k = 0; k < 31 && k * 2 + 2 < biff_u16(e + 64); k++)
				b->stream_name[k] = (char)e[2 * k];
		}
	}
	if (!found || size > o->size)
		goto out;
	b->other_case = !exact;
	cutoff = biff_u32(o->file + 0x38);
	if (size >= cutoff) {
		b->data = biff_chain(o, o->fat, o->nfat, start, (size_t)1 << o->shift, NULL, 0, size);
	} else {
		/* A small stream lives in the mini stream, 64-byte sectors
		 * chained by the mini FAT. */
		nminifat = (size_t)biff_u32(o->file + 0x40) << o->shift;
		if (root_size > o->size || nminifat > o->size)
			goto out;
		ministream = biff_chain(o, o->fat, o->nfat, root_start, (size_t)1 << o->shift, NULL,
		    0, root_size);
		minifat_raw = biff_chain(o, o->fat, o->nfat, biff_u32(o->file + 0x3C),
		    (size_t)1 << o->shift, NULL, 0, nminifat);
		if (ministream == NULL || minifat_raw == NULL)
			goto out;
		minifat = xreallocarray(NULL, nminifat / 4 + 1, sizeof *minifat);
		for (i = 0; i < nminifat / 4; i++)
			minifat[i] = biff_u32(minifat_raw + 4 * i);
		b->data =
		    biff_chain(o, minifat, nminifat / 4, start, 64, ministream, root_size, size);
	}
	if (b->data != NULL) {
		b->size = size;
		b->found = true;
		rc = 0;
	}
out:
	free(dir);
	free(minifat_raw);
	free(minifat);
	free(ministream);
	return rc;
}

/* A custom number format's code, as ASCII, into code[256]. */
static void
biff_format_code(const uint8_t *p, size_t n, unsigned version, char *code)
{
	size_t cch, i, off, k = 0;
	bool wide = false;

	code[0] = '\0';
	if (version == 8) {
		if (n < 5)
			return;
		cch = biff_u16(p + 2);
		wide = p[4] & 1;
		off = 5 + (p[4] & 8 ? 2 : 0) + (p[4] & 4 ? 4 : 0);
	} else {
		if (n < 3)
			return;
		cch = p[2];
		off = 3;
	}
	for (i = 0; i < cch && k < 255; i++) {
		size_t at = off + (wide ? 2 * i : i);
		if (at + (wide ? 2 : 1) > n)
			break;
		code[k++] = wide && p[at + 1] != 0 ? '?' : (char)p[at];
	}
	code[k] = '\0';
}

/* The globals: version, FILEPASS, date system, formats, XFs, sheets. */
static void
biff_globals(struct biff_book *b)
{
	uint16_t *fmt_id = NULL;
	uint8_t *fmt_kind = NULL;
	size_t nfmt = 0, pos = 0, i;
	char code[256];

	if (b->size < 8)
		return;
	switch (biff_u16(b->data)) {
	case 0x0009: b->version = 2; return;
	case 0x0209: b->version = 3; return;
	case 0x0409: b->version = 4; return;
	case 0x0809:
		if (biff_u16(b->data + 2) < 6)
			return;
		b->version = biff_u16(b->data + 4) == 0x0600 ? 8 : 5;
		break;
	default: return;
	}
	while (pos + 4 <= b->size) {
		uint16_t type = biff_u16(b->data + pos), n = biff_u16(b->data + pos + 2);
		const uint8_t *p = b->data + pos + 4;
		if (pos + 4 + n > b->size || type == 0x000A)
			break;
		pos += 4 + (size_t)n;
		switch (type) {
		case 0x002F: b->encrypted = true; break;
		case 0x0022:
			if (n >= 2)
				b->date1904 = biff_u16(p) == 1;
			break;
		case 0x041E:
			if (n < 2 || nfmt == 4096)
				break;
			biff_format_code(p, n, b->version, code);
			fmt_id = xreallocarray(fmt_id, nfmt + 1, sizeof *fmt_id);
			fmt_kind = xreallocarray(fmt_kind, nfmt + 1, 1);
			fmt_id[nfmt] = biff_u16(p);
			fmt_kind[nfmt++] = (uint8_t)sheet_format_kind(code);
			break;
		case 0x00E0:
			if (n < 4 || b->nxf == 65536)
				break;
			b->xf_kind = xreallocarray(b->xf_kind, b->nxf + 1, 1);
			b->xf_kind[b->nxf] = (uint8_t)sheet_builtin_kind(biff_u16(p + 2));
			for (i = 0; i < nfmt; i++)
				if (fmt_id[i] == biff_u16(p + 2))
					b->xf_kind[b->nxf] = fmt_kind[i];
			b->nxf++;
			break;
		case 0x0085:
			if (n < 4 || b->nsheets == 65536)
				break;
			b->sheet_pos =
			    xreallocarray(b->sheet_pos, b->nsheets + 1, sizeof *b->sheet_pos);
			b->sheet_flags = xreallocarray(b->sheet_flags, b->nsheets + 1, 1);
			b->sheet_flags[b->nsheets] =
			    (uint8_t)((n >= 6 && p[4] != 0 ? 1 : 0) | (n >= 6 && p[5] != 0 ? 2 : 0));
			b->sheet_pos[b->nsheets++] = biff_u32(p);
			break;
		}
	}
	free(fmt_id);
	free(fmt_kind);
}

int
biff_load(int fd, struct biff_book *b)
{
	struct ole o = { 0 };
	struct stat sb;
	uint8_t *file;
	size_t got = 0;
	ssize_t n;
	int rc;

	memset(b, 0, sizeof *b);
	if (fstat(fd, &sb) != 0 || sb.st_size < 512 || (uint64_t)sb.st_size > BIFF_FILE_MAX)
		return -1;
	file = xmalloc((size_t)sb.st_size);
	while (got < (size_t)sb.st_size) {
		n = pread(fd, file + got, (size_t)sb.st_size - got, (off_t)got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	o.file = file;
	o.size = got;
	rc = biff_stream(&o, b);
	free(o.fat);
	free(file);
	if (rc == 0)
		biff_globals(b);
	return rc;
}

/* UTF-8 of the BIFF8 characters p[0..cch) (16-bit when wide) appended to
 * *out; surrogate pairs joined, lone ones replaced. */
static void
biff_utf8(const uint8_t *p, size_t cch, bool wide, char **out, size_t *len)
{
	size_t i;

	*out = xrealloc(*out, *len + cch * 3 + 1);
	for (i = 0; i < cch; i++) {
		uint32_t c = wide ? biff_u16(p + 2 * i) : p[i];
		char *o = *out + *len;
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < cch && biff_u16(p + 2 * i + 2) >= 0xDC00 &&
		    biff_u16(p + 2 * i + 2) < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) + (biff_u16(p + 2 * i + 2) - 0xDC00);
			i++;
			*out = xrealloc(*out, *len + (cch - i) * 3 + 5);
			o = *out + *len;
		} else if (c >= 0xD800 && c < 0xE000)
			c = 0xFFFD;
		if (c < 0x80) {
			o[0] = (char)c;
			*len += 1;
		} else if (c < 0x800) {
			o[0] = (char)(0xC0 | c >> 6);
			o[1] = (char)(0x80 | (c & 0x3F));
			*len += 2;
		} else if (c < 0x10000) {
			o[0] = (char)(0xE0 | c >> 12);
			o[1] = (char)(0x80 | (c >> 6 & 0x3F));
			o[2] = (char)(0x80 | (c & 0x3F));
			*len += 3;
		} else {
			o[0] = (char)(0xF0 | c >> 18);
			o[1] = (char)(0x80 | (c >> 12 & 0x3F));
			o[2] = (char)(0x80 | (c >> 6 & 0x3F));
			o[3] = (char)(0x80 | (c & 0x3F));
			*len += 4;
		}
	}
	(*out)[*len] = '\0';
}

/* The string of a STRING record at pos (BIFF8, perhaps continued in
 * CONTINUE records; BIFF5 when ASCII), or NULL. */
static char *
biff_string(const struct biff_book *b, size_t pos, unsigned version)
{
	uint16_t n = biff_u16(b->data + pos + 2);
	const uint8_t *p = b->data + pos + 4;
	size_t cch, got = 0, len = 0, off, avail, i;
	char *out = NULL;
	bool wide;

	if (version != 8) {
		if (n < 2 || (cch = biff_u16(p)) > (size_t)n - 2)
			return NULL;
		for (i = 0; i < cch; i++)
			if (p[2 + i] >= 0x80)
				return NULL;
		out = xmalloc(cch + 1);
		memcpy(out, p + 2, cch);
		out[cch] = '\0';
		return out;
	}
	if (n < 3)
		return NULL;
	cch = biff_u16(p);
	wide = p[2] & 1;
	off = 3 + (p[2] & 8 ? 2 : 0) + (p[2] & 4 ? 4 : 0);
	out = xstrdup("");
	for (;;) {
		if (off > n)
			goto fail;
		avail = (n - off) / (wide ? 2 : 1);
		if (avail > cch - got)
			avail = cch - got;
		biff_utf8(p + off, avail, wide, &out, &len);
		got += avail;
		if (got == cch)
			return out;
		/* The rest is in a CONTINUE record: a flags byte, then characters. */
		pos += 4 + (size_t)n;
		if (pos + 5 > b->size || biff_u16(b->data + pos) != 0x003C)
			goto fail;
		n = biff_u16(b->data + pos + 2);
		p = b->data + pos + 4;
		if (pos + 4 + n > b->size || n < 1)
			goto fail;
		wide = p[0] & 1;
		off = 1;
	}
fail:
	free(out);
	return NULL;
}

static const char *
biff_error_text(uint8_t code)
{
	switch (code) {
	case 0x00: return "#NULL!";
	case 0x07: return "#DIV/0!";
	case 0x0F: return "#VALUE!";
	case 0x17: return "#REF!";
	case 0x1D: return "#NAME?";
	case 0x24: return "#NUM!";
	case 0x2A: return "#N/A";
	default: return "#GETTING_DATA";
	}
}

static struct biff_cell *
biff_add(struct biff_cell **cells, size_t *n, uint16_t row, uint16_t col, const char *text, size_t len)
{
	struct biff_cell *c;

	*cells = xreallocarray(*cells, *n + 1, sizeof **cells);
	c = &(*cells)[(*n)++];
	c->row = row;
	c->col = col;
	c->missing = text == NULL;
	c->text = NULL;
	c->len = len;
	if (text != NULL) {
		c->text = xmalloc(len + 1);
		memcpy(c->text, text, len);
		c->text[len] = '\0';
	}
	return c;
}

static enum sheet_kind
biff_xf(const struct biff_book *b, uint16_t xf)
{
	return xf < b->nxf ? (enum sheet_kind)b->xf_kind[xf] : SHEET_NUMBER;
}

/* The number v of a cell with format xf, when shown as elapsed time (or
 * always, for a formula's result). */
static void
biff_number(const struct biff_book *b, struct biff_cell **cells, size_t *n, uint16_t row,
    uint16_t col, uint16_t xf, double v, bool always)
{
	enum sheet_kind kind = biff_xf(b, xf);
	char buf[SHEET_NUMBER_SIZE];
	size_t len;

	if (!always && kind != SHEET_ELAPSED)
		return;
	len = sheet_format_date(v, kind, b->date1904, buf);
	biff_add(cells, n, row, col, buf, len);
}

static double
biff_rk(uint32_t rk)
{
	double v;

	if (rk & 2)
		v = (double)((int32_t)rk >> 2);
	else {
		uint64_t bits = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
		memcpy(&v, &bits, sizeof v);
	}
	return rk & 1 ? v / 100 : v;
}

static int
biff_cell_order(const void *a, const void *b)
{
	const struct biff_cell *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

struct biff_cell *
biff_sheet_cells(const struct biff_book *b, size_t sheet, size_t *n)
{
	struct biff_cell *cells = NULL;
	long pending = -1; /* the formula waiting for its STRING */
	size_t pos, i;
	double v;

	*n = 0;
	if (!b->found || b->encrypted || sheet >= b->nsheets || (b->version != 5 && b->version != 8))
		return NULL;
	pos = b->sheet_pos[sheet];
	if (pos + 4 > b->size || biff_u16(b->data + pos) != 0x0809)
		return NULL;
	pos += 4 + (size_t)biff_u16(b->data + pos + 2);
	while (pos + 4 <= b->size) {
		uint16_t type = biff_u16(b->data + pos), len = biff_u16(b->data + pos + 2);
		const uint8_t *p = b->data + pos + 4;
		if (pos + 4 + len > b->size || type == 0x000A || type == 0x0809)
			break;
		if (type == 0x0207 && pending >= 0) {
			char *s = biff_string(b, pos, b->version);
			if (s != NULL) {
				cells[pending].missing = false;
				cells[pending].text = s;
				cells[pending].len = strlen(s);
			}
			pending = -1;
		} else if (type == 0x0006 && len >= 20) {
			uint16_t row = biff_u16(p), col = biff_u16(p + 2), xf = biff_u16(p + 4);
			const uint8_t *r = p + 6;
			pending = -1;
			if (biff_u16(r + 6) != 0xFFFF) {
				memcpy(&v, r, sizeof v);
				biff_number(b, &cells, n, row, col, xf, v, true);
			} else if (r[0] == 0) {
				biff_add(&cells, n, row, col, NULL, 0);
				pending = (long)*n - 1;
			} else if (r[0] == 1)
				biff_add(&cells, n, row, col, r[2] ? "TRUE" : "FALSE", r[2] ? 4 : 5);
			else if (r[0] == 2)
				biff_add(&cells, n, row, col, biff_error_text(r[2]),
				    strlen(biff_error_text(r[2])));
			/* r[0] == 3: the result is the empty string. */
		} else if (type == 0x0205 && len >= 8 && p[7] == 1) {
			biff_add(&cells, n, biff_u16(p), biff_u16(p + 2), biff_error_text(p[6]),
			    strlen(biff_error_text(p[6])));
		} else if (type == 0x0203 && len >= 14) {
			memcpy(&v, p + 6, sizeof v);
			biff_number(b, &cells, n, biff_u16(p), biff_u16(p + 2), biff_u16(p + 4), v,
			    false);
		} else if (type == 0x027E && len >= 10) {
			biff_number(b, &cells, n, biff_u16(p), biff_u16(p + 2), biff_u16(p + 4),
			    biff_rk(biff_u32(p + 6)), false);
		} else if (type == 0x00BD && len >= 6) {
			uint16_t row = biff_u16(p), col = biff_u16(p + 2);
			for (i = 4; i + 6 <= (size_t)len - 2; i += 6, col++)
				biff_number(b, &cells, n, row, col, biff_u16(p + i),
				    biff_rk(biff_u32(p + i + 2)), false);
		}
		if (type != 0x0006 && type != 0x0207 && type != 0x04BC && type != 0x0221 &&
		    type != 0x003C)
			pending = -1;
		pos += 4 + (size_t)len;
	}
	if (*n > 1)
		qsort(cells, *n, sizeof *cells, biff_cell_order);
	return cells;
}

void
biff_cells_free(struct biff_cell *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cells[i].text);
	free(cells);
}

void
biff_free(struct biff_book *b)
{
	free(b->data);
	free(b->xf_kind);
	free(b->sheet_pos);
	free(b->sheet_flags);
	memset(b, 0, sizeof *b);
}
