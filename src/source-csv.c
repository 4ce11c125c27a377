/* The CSV source: reads delimited text through libcsv in constant memory,
 * one record at a time, keeping the physical line where each row starts and
 * the file offset of bad bytes. Text in other encodings than UTF-8 comes
 * converted from source-encoding.c. Choosing CSV over other formats is done
 * by source.c, not here. */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "source.h"
#include "source-encoding.h"
#include "text.h"
#include "xmalloc.h"

#define CSV_CHUNK_SIZE (64 * 1024) /* read(2) size, and the sniffed sample */
#define CSV_FIELDS_MAX 16384	   /* most fields kept per row, as Excel */
#define CSV_SNIFF_RECORDS 20
#define CSV_NO_OFFSET UINT64_MAX

/* What reading one record gave. */
enum csv_result {
	CSV_RESULT_RECORD,
	CSV_RESULT_END,
	CSV_RESULT_READ_FAILED,
	CSV_RESULT_PARSE_FAILED, /* libcsv stopped; never expected */
};

/* The record being read. */
struct csv_record {
	uint64_t line;	   /* physical line of its first byte that is not blank */
	bool open;	   /* begun and not ended */
	bool done;	   /* libcsv ended it */
	bool unclosed;	   /* ended by the end of the file inside quotes */
	bool too_long;	   /* holds more than the source's record_max bytes */
	size_t big_field;  /* the first field longer than max_field, or SIZE_MAX */
	uint64_t big_size; /* its bytes */
	uint64_t cut;	   /* bytes of the field being read left out so far */
	size_t nfields;	   /* fields read */
	size_t nkept;	   /* fields kept in the row (at most CSV_FIELDS_MAX) */
	uint64_t bad_utf8; /* file offset of the first byte that is not UTF-8 */
	uint64_t nul;	   /* file offset of the first NUL byte */
};

/* Where libcsv's fields begin and end in the bytes it is given, followed
 * as it follows them, so that the spaces and tabs it takes off around an
 * unquoted field are put back: a row's cells are the file's bytes (the
 * values are trimmed where they are checked). */
enum csv_track_state {
	TRACK_ROW_START,   /* no field of a row begun */
	TRACK_FIELD_START, /* after a delimiter */
	TRACK_UNQUOTED,
	TRACK_QUOTED,
	TRACK_QUOTE_SEEN, /* a quote inside a quoted field */
};

/* The blanks around one field, in csv_source.blanks. */
struct csv_blanks {
	size_t at, lead, trail;
};

struct csv_source {
	int fd;
	struct encoding_reader *reader; /* the file's text as UTF-8 */
	char *name;			/* the path, escaped for messages */
	unsigned char delimiter;
	size_t max_field;  /* the most bytes a field holds */
	size_t record_max; /* the most text kept for one row */
	char *description;
	struct csv_parser parser;

	unsigned char *buf;  /* CSV_CHUNK_SIZE bytes of the file */
	size_t len;	     /* bytes in buf */
	size_t pos;	     /* next byte of buf to parse */
	uint64_t buf_offset; /* file offset of buf[0] */
	bool eof;	     /* read(2) returned 0 */
	bool hold;	     /* buf ends in part of a character: read more */
	bool prev_cr;	     /* the last byte scanned was CR */
	uint64_t line;	     /* physical line of the next byte */
	int read_errno;
	char *failure; /* why the rest cannot be read, once it cannot */

	struct csv_record record;
	enum csv_track_state track;
	bool track_spaced;	     /* a blank after the quote seen */
	size_t lead_at, lead, trail; /* the field being followed: its blanks */
	char *blanks;		     /* the blanks of the fields followed */
	size_t blanks_len, blanks_size;
	struct csv_blanks *fields; /* one per field followed, not yet given */
	size_t nfields_followed, fields_taken, fields_size;
	char *text; /* the cells of the record, each NUL-terminated */
	size_t text_len;
	size_t text_size;
	size_t *starts;	   /* where each cell starts in text */
	size_t cells_size; /* room in starts, row.cells and row.lens */
	struct row row;
	uint64_t rows; /* rows returned */

	char **header;
	size_t nheader;
	char *header_text;
	uint64_t header_line; /* physical line of the header */
};

/* The records of the sample as the header search sees them: how many,
 * and for the one being read, its values and whether one looks like
 * data rather than a column's name. */
struct csv_scan {
	size_t nrecords;
	size_t nvalues;
	bool data;
	long header; /* the first record that looks like a header, or -1 */
};

/* A space libcsv skips around unquoted fields; the delimiter never is. */
static bool
csv_is_blank(unsigned char c, unsigned char delimiter)
{
	return (c == ' ' || c == '\t') && c != delimiter;
}

/* libcsv grows a field's buffer through this; csv_feed keeps a field
 * from growing past max_field + 1 bytes. */
static void *
csv_realloc(void *p, size_t size)
{
	return xrealloc(p, size);
}

/* A size for people: "1 MiB", "64 KiB" or "1000 bytes". */
static char *
csv_size_text(uint64_t n)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		return xasprintf(_("%llu MiB"), (unsigned long long)(n / (1024 * 1024)));
	if (n >= 1024 && n % 1024 == 0)
		return xasprintf(_("%llu KiB"), (unsigned long long)(n / 1024));
	return xasprintf(ngettext("%llu byte", "%llu bytes", (unsigned long)n),
	    (unsigned long long)n);
}

/* Counts the delimiter d on each of the first records of the sample,
 * following quotes as libcsv does with d as the delimiter. A record cut off
 * by the end of the sample is not counted unless the file ends there.
 * Returns the number of records counted. */
static size_t
csv_sniff_counts(const unsigned char *p, size_t n, bool eof, unsigned char d,
    size_t counts[CSV_SNIFF_RECORDS])
{
	enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED } state = FIELD_START;
	size_t nrecords = 0, count = 0, i;
	bool content = false;

	for (i = 0; i < n && nrecords < CSV_SNIFF_RECORDS; i++) {
		unsigned char c = p[i];

		if (state != QUOTED && (c == '\r' || c == '\n')) {
			if (content)
				counts[nrecords++] = count;
			count = 0;
			content = false;
			state = FIELD_START;
			continue;
		}
		switch (state) {
		case FIELD_START:
			if (csv_is_blank(c, d))
				break;
			content = true;
			if (c == d)
				count++;
			else if (c == '"')
				state = QUOTED;
			else
				state = UNQUOTED;
			break;
		case UNQUOTED:
			if (c == d) {
				count++;
				state = FIELD_START;
			}
			break;
		case QUOTED:
			if (c == '"')
				state = QUOTE_IN_QUOTED;
			break;
		case QUOTE_IN_QUOTED:
			if (c == d) {
				count++;
				state = FIELD_START;
			} else if (!csv_is_blank(c, d))
				state = QUOTED;
			break;
		}
	}
	if (eof && i == n && content && nrecords < CSV_SNIFF_RECORDS)
		counts[nrecords++] = count;
	return nrecords;
}

/* Picks the delimiter that occurs the same number of times (not zero) on
 * most records of the sample, then the one occurring more often; ties go
 * to the earlier of , ; TAB |. A file with none of them is one column. */
static unsigned char
csv_sniff(const unsigned char *p, size_t n, bool eof)
{
	static const unsigned char candidates[] = { ',', ';', '\t', '|' };
	size_t counts[CSV_SNIFF_RECORDS], nrecords, best_records = 0;
	size_t best_count = 0, i, j, k;
	unsigned char best = ',';

	for (i = 0; i < sizeof candidates; i++) {
		nrecords = csv_sniff_counts(p, n, eof, candidates[i], counts);
		for (j = 0; j < nrecords; j++) {
			size_t same = 0;

			if (counts[j] == 0)
				continue;
			for (k = 0; k < nrecords; k++) {
				if (counts[k] == counts[j])
					same++;
			}
			if (same > best_records || (same == best_records && counts[j] > best_count)) {
				best = candidates[i];
				best_records = same;
				best_count = counts[j];
			}
		}
	}
	return best;
}

static void
csv_scan_field(void *data, size_t len, void *arg)
{
	struct csv_scan *c = arg;
	const char *p = data;

	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	if (len == 0)
		return;
	c->nvalues++;
	c->data |= source_is_data(p, len);
}

static void
csv_scan_row(int ch, void *arg)
{
	struct csv_scan *c = arg;

	(void)ch;
	if (c->header < 0 && c->nvalues >= 2 && !c->data)
		c->header = (long)c->nrecords;
	c->nrecords++;
	c->nvalues = 0;
	c->data = false;
}

/* Which of the first CSV_SNIFF_RECORDS records of the sample is the
 * header: the first with two values or more, none of them looking like
 * data (csv_scan_is_data). Lines of notes above it, as LinkedIn writes
 * them, are so skipped; 0 (the first record) when none is. */
static size_t
csv_find_header(const unsigned char *p, size_t n, bool eof, unsigned char delimiter)
{
	struct csv_parser parser;
	struct csv_scan c = { 0, 0, false, -1 };
	size_t i, start = 0;

	if (csv_init(&parser, 0) != 0)
		return 0;
	csv_set_delim(&parser, delimiter);
	csv_set_realloc_func(&parser, csv_realloc);
	/* A line at a time, as csv_read_record gives it to libcsv. */
	for (i = 0; i < n && c.nrecords < CSV_SNIFF_RECORDS && c.header < 0; i++) {
		if (p[i] != '\n' && p[i] != '\r' && i + 1 < n)
			continue;
		if (csv_parse(&parser, p + start, i + 1 - start, csv_scan_field, csv_scan_row, &c) !=
		    i + 1 - start)
			break;
		start = i + 1;
	}
	if (eof && c.header < 0)
		csv_fini(&parser, csv_scan_field, csv_scan_row, &c);
	csv_free(&parser);
	return c.header > 0 && c.header < CSV_SNIFF_RECORDS ? (size_t)c.header : 0;
}

/* Reads more of the file into buf, keeping the bytes not parsed yet.
 * Returns 1 when there are bytes to parse, 0 at the end of the file and -1
 * when read(2) fails. */
static int
csv_fill(struct csv_source *s)
{
	size_t keep = s->len - s->pos;
	ssize_t n;

	if (keep > 0 && s->pos > 0)
		memmove(s->buf, s->buf + s->pos, keep);
	s->buf_offset += s->pos;
	s->len = keep;
	s->pos = 0;
	s->hold = false;
	if (s->eof)
		return keep > 0;
	n = encoding_reader_read(s->reader, s->buf + s->len, CSV_CHUNK_SIZE - s->len);
	if (n < 0) {
		s->read_errno = errno;
		return -1;
	}
	if (n == 0)
		s->eof = true;
	s->len += (size_t)n;
	return s->len > 0;
}

/* How many bytes at the end of p[0..n) begin a UTF-8 character whose
 * remaining bytes are not there yet. */
static size_t
csv_partial_character(const unsigned char *p, size_t n)
{
	size_t k, need;

	for (k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = p[n - k];

		if ((c & 0xc0) == 0x80)
			continue;
		if (c < 0xc0)
			return 0;
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		return need > k ? k : 0;
	}
	return 0;
}

/* Keeps blank c of the field being followed. */
static void
csv_track_blank(struct csv_source *s, unsigned char c, size_t *count)
{
	if (s->blanks_len + 1 > s->blanks_size) {
		s->blanks_size = s->blanks_size == 0 ? 256 : 2 * s->blanks_size;
		s->blanks = xrealloc(s->blanks, s->blanks_size);
	}
	s->blanks[s->blanks_len++] = (char)c;
	(*count)++;
}

/* A field followed ends: its blanks wait for libcsv to give the field. */
static void
csv_track_end(struct csv_source *s, bool quoted)
{
	if (s->nfields_followed == s->fields_size) {
		s->fields_size = s->fields_size == 0 ? 16 : 2 * s->fields_size;
		s->fields = xreallocarray(s->fields, s->fields_size, sizeof *s->fields);
	}
	s->fields[s->nfields_followed++] = quoted ?
	    (struct csv_blanks){ 0, 0, 0 } :
	    (struct csv_blanks){ s->lead_at, s->lead, s->trail };
	s->lead_at = s->blanks_len;
	s->lead = s->trail = 0;
}

/* Follows n bytes as libcsv (not strict, its own blanks) reads them. */
static void
csv_track(struct csv_source *s, const unsigned char *p, size_t n)
{
	unsigned char d = s->delimiter;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		bool blank = csv_is_blank(c, d), eol = c == '\r' || c == '\n';

		switch (s->track) {
		case TRACK_ROW_START:
		case TRACK_FIELD_START:
			if (blank)
				csv_track_blank(s, c, &s->lead);
			else if (eol) {
				if (s->track == TRACK_FIELD_START)
					csv_track_end(s, false);
				else {
					s->blanks_len = s->lead_at;
					s->lead = 0;
				}
				s->track = TRACK_ROW_START;
			} else if (c == d) {
				csv_track_end(s, false);
				s->track = TRACK_FIELD_START;
			} else if (c == '"') {
				s->blanks_len = s->lead_at;
				s->lead = 0;
				s->track = TRACK_QUOTED;
			} else
				s->track = TRACK_UNQUOTED;
			break;
		case TRACK_UNQUOTED:
			if (blank)
				csv_track_blank(s, c, &s->trail);
			else if (c == d || eol) {
				csv_track_end(s, false);
				s->track = eol ? TRACK_ROW_START : TRACK_FIELD_START;
			} else {
				/* Blanks inside the field are libcsv's to keep. */
				s->blanks_len -= s->trail;
				s->trail = 0;
			}
			break;
		case TRACK_QUOTED:
			if (c == '"') {
				s->track = TRACK_QUOTE_SEEN;
				s->track_spaced = false;
			}
			break;
		case TRACK_QUOTE_SEEN:
			if (c == d || eol) {
				csv_track_end(s, true);
				s->track = eol ? TRACK_ROW_START : TRACK_FIELD_START;
			} else if (blank)
				s->track_spaced = true;
			else if (c == '"' && s->track_spaced)
				s->track_spaced = false;
			else
				s->track = TRACK_QUOTED;
			break;
		}
	}
}

static void
csv_on_field(void *data, size_t len, void *arg)
{
	struct csv_source *s = arg;
	struct csv_record *r = &s->record;
	size_t k = r->nkept, size;

	struct csv_blanks b = { 0, 0, 0 };
	if (s->fields_taken < s->nfields_followed)
		b = s->fields[s->fields_taken++];
	r->nfields++;
	if (r->cut > 0 || len + b.lead + b.trail > s->max_field) {
		if (r->cut == 0)
			r->cut = b.lead + b.trail;
		/* Longer than a field may be: its size is told, its text
		 * not kept (the cell stays empty). */
		if (r->big_field == SIZE_MAX) {
			r->big_field = r->nfields - 1;
			r->big_size = r->cut + len;
		}
		r->cut = 0;
		len = 0;
		b.lead = b.trail = 0;
	}
	if (k == CSV_FIELDS_MAX || r->too_long)
		return;
	size_t whole = b.lead + len + b.trail;
	if (s->text_len + whole + 1 > s->record_max) {
		r->too_long = true;
		return;
	}
	if (s->text_len + whole + 1 > s->text_size) {
		size = s->text_size == 0 ? 4096 : s->text_size;
		while (size < s->text_len + whole + 1)
			size *= 2;
		s->text = xrealloc(s->text, size);
		s->text_size = size;
	}
	if (k == s->cells_size) {
		size = s->cells_size == 0 ? 16 : 2 * s->cells_size;
		if (size > CSV_FIELDS_MAX)
			size = CSV_FIELDS_MAX;
		s->starts = xreallocarray(s->starts, size, sizeof *s->starts);
		s->row.cells = xreallocarray(s->row.cells, size, sizeof *s->row.cells);
		s->row.lens = xreallocarray(s->row.lens, size, sizeof *s->row.lens);
		s->cells_size = size;
	}
	char *to = s->text + s->text_len;
	if (b.lead > 0)
		memcpy(to, s->blanks + b.at, b.lead);
	if (len > 0)
		memcpy(to + b.lead, data, len);
	if (b.trail > 0)
		memcpy(to + b.lead + len, s->blanks + b.at + b.lead, b.trail);
	to[whole] = '\0';
	s->starts[k] = s->text_len;
	s->row.lens[k] = whole;
	s->text_len += whole + 1;
	r->nkept++;
}

static void
csv_on_row(int c, void *arg)
{
	struct csv_source *s = arg;

	(void)c;
	s->record.done = true;
}

/* Gives libcsv n bytes of p, never letting the field being read grow past
 * max_field + 1 bytes: a field that would is cut back to what libcsv needs
 * to end it as it would have (its trailing spaces, the closing quote seen)
 * and the rest counted in record.cut. libcsv has no call for this: its
 * struct csv_parser is public, and only entry_pos and spaces are touched.
 * Returns false when libcsv stops (never expected). */
static bool
csv_feed(struct csv_source *s, const unsigned char *p, size_t n)
{
	struct csv_parser *cp = &s->parser;

	csv_track(s, p, n);
	while (n > 0) {
		size_t room = s->max_field + 1 - cp->entry_pos, piece = n < room ? n : room;

		if (csv_parse(cp, p, piece, csv_on_field, csv_on_row, s) != piece)
			return false;
		p += piece;
		n -= piece;
		if (cp->entry_pos > s->max_field) {
			/* libcsv's trailing spaces of an unquoted field, or
			 * after a closing quote the quote and its spaces, are
			 * taken off when the field ends: one space stands for
			 * all of them, which is all libcsv asks of them. */
			size_t keep = (cp->spaces > 0 ? 1 : 0) + 1;

			s->record.cut += cp->entry_pos - keep;
			cp->spaces = cp->spaces > 0 ? 1 : 0;
			cp->entry_pos = keep;
		}
	}
	return true;
}

/* The file ended inside a record. A line break tells whether it ended
 * inside quotes: outside, it ends the record as usual; inside, it becomes
 * part of the field, is taken back, and csv_fini() ends the record. */
static enum csv_result
csv_end_record(struct csv_source *s)
{
	struct csv_record *r = &s->record;
	size_t k;

	if (!r->open)
		return CSV_RESULT_END;
	if (!csv_feed(s, (const unsigned char *)"\n", 1))
		return CSV_RESULT_PARSE_FAILED;
	if (!r->done) {
		csv_fini(&s->parser, csv_on_field, csv_on_row, s);
		r->unclosed = true;
		if (r->nkept == r->nfields && r->nkept > 0 && !r->too_long) {
			k = r->nkept - 1;
			if (s->row.lens[k] > 0 && s->text[s->starts[k] + s->row.lens[k] - 1] == '\n') {
				s->row.lens[k]--;
				s->text[s->starts[k] + s->row.lens[k]] = '\0';
			}
		}
	}
	return CSV_RESULT_RECORD;
}

/* Reads the next record, skipping blank lines. Bytes go to libcsv one
 * physical line at a time (a line ends at LF, CR LF or CR), so a record
 * ends exactly where a line does, and a record that libcsv has not ended
 * at the end of its line is inside a quoted field. */
static enum csv_result
csv_read_record(struct csv_source *s)
{
	struct csv_record *r = &s->record;
	const unsigned char *p;
	size_t n, i, bad;
	bool end_of_line;
	int filled;

	memset(r, 0, sizeof *r);
	r->bad_utf8 = r->nul = CSV_NO_OFFSET;
	r->big_field = SIZE_MAX;
	s->track = TRACK_ROW_START;
	s->blanks_len = s->lead_at = s->lead = s->trail = 0;
	s->nfields_followed = s->fields_taken = 0;
	s->text_len = 0;
	for (;;) {
		if (s->pos == s->len || s->hold) {
			filled = csv_fill(s);
			if (filled < 0)
				return CSV_RESULT_READ_FAILED;
			if (filled == 0)
				return csv_end_record(s);
		}

		p = s->buf + s->pos;
		n = s->len - s->pos;
		end_of_line = false;
		for (i = 0; i < n && !end_of_line; i++) {
			unsigned char c = p[i];

			if (c == '\n' || c == '\r') {
				if (c == '\r' || !s->prev_cr)
					s->line++;
				s->prev_cr = c == '\r';
				end_of_line = true;
				continue;
			}
			s->prev_cr = false;
			if (!r->open && !csv_is_blank(c, s->delimiter)) {
				r->open = true;
				r->line = s->line;
			}
			if (c == '\0' && r->nul == CSV_NO_OFFSET)
				r->nul = s->buf_offset + s->pos + i;
		}
		if (!end_of_line && !s->eof) {
			n = csv_partial_character(p, i);
			if (n > 0) {
				i -= n;
				s->hold = true;
			}
		}
		if (r->bad_utf8 == CSV_NO_OFFSET) {
			bad = text_utf8_invalid_at((const char *)p, i);
			if (bad != (size_t)-1)
				r->bad_utf8 = s->buf_offset + s->pos + bad;
		}
		if (i > 0 && !csv_feed(s, p, i))
			return CSV_RESULT_PARSE_FAILED;
		s->pos += i;
		if (r->done)
			return CSV_RESULT_RECORD;
	}
}

/* The file offset of the byte at offset out of the text read. */
static unsigned long long
csv_file_offset(const struct csv_source *s, uint64_t out)
{
	return (unsigned long long)encoding_reader_file_offset(s->reader, out);
}

/* Points the row's cells into text and says what is wrong with it. */
static void
csv_make_row(struct csv_source *s)
{
	struct csv_record *r = &s->record;
	unsigned long long number, line;
	size_t k;

	s->row.number = ++s->rows;
	s->row.line = r->line;
	s->row.ncells = r->nkept;
	for (k = 0; k < r->nkept; k++)
		s->row.cells[k] = s->text + s->starts[k];

	number = s->row.number;
	line = s->row.line;
	free(s->row.error);
	s->row.error = NULL;
	if (r->unclosed) {
		s->row.error = xasprintf(_("Row %llu (line %llu): a quoted "
					   "field is never closed before the end of the file."),
		    number, line);
	} else if (r->big_field != SIZE_MAX) {
		char *size = csv_size_text(s->max_field), *name;

		name = r->big_field < s->nheader ? text_escape(s->header[r->big_field]) : NULL;
		s->row.error = name != NULL ?
		    xasprintf(_("Row %llu (line %llu): the field \"%s\" (column %zu) holds "
				"%llu bytes, more than the %s a field may hold; shorten it, or import "
				"the file with a larger --max-field-size."),
			number, line, name, r->big_field + 1, (unsigned long long)r->big_size, size) :
		    xasprintf(_("Row %llu (line %llu): its field %zu holds %llu bytes, more "
				"than the %s a field may hold; shorten it, or import the file with a "
				"larger --max-field-size."),
			number, line, r->big_field + 1, (unsigned long long)r->big_size, size);
		free(name);
		free(size);
	} else if (r->too_long) {
		char *size = csv_size_text(s->record_max);

		s->row.error = xasprintf(_("Row %llu (line %llu) holds more than %s of "
					   "text, more than sluice keeps of one row; shorten its "
					   "fields."),
		    number, line, size);
		free(size);
	} else if (r->bad_utf8 != CSV_NO_OFFSET && encoding_reader_converts(s->reader)) {
		s->row.error = xasprintf(_("Row %llu (line %llu) holds bytes "
					   "that are not %s text at byte offset %llu of the file; "
					   "if the file is in another encoding, import it again with "
					   "--encoding NAME."),
		    number, line, encoding_reader_name(s->reader), csv_file_offset(s, r->bad_utf8));
	} else if (r->bad_utf8 != CSV_NO_OFFSET) {
		s->row.error = xasprintf(_("Row %llu (line %llu) is not valid "
					   "UTF-8 at byte offset %llu of the file; convert the file "
					   "to UTF-8 and import it again."),
		    number, line, csv_file_offset(s, r->bad_utf8));
	} else if (r->nul != CSV_NO_OFFSET) {
		s->row.error = xasprintf(_("Row %llu (line %llu) holds a NUL "
					   "byte at byte offset %llu of the file; the file may be "
					   "damaged."),
		    number, line, csv_file_offset(s, r->nul));
	} else if (r->nfields != s->nheader) {
		s->row.error =
		    xasprintf(ngettext("Row %llu (line %llu) has "
				       "%zu field but the header has %zu; check for a missing or "
				       "extra delimiter.",
				  "Row %llu (line %llu) has %zu fields "
				  "but the header has %zu; check for a missing or extra "
				  "delimiter.",
				  r->nfields),
			number, line, r->nfields, s->nheader);
	}
}

/* Keeps the header, each name trimmed: the record starting on line
 * header_line or after it when it is not 0, else the record skip records
 * in. Returns false and sets *cause when the file has no usable header. */
static bool
csv_read_header(struct csv_source *s, uint64_t header_line, size_t skip, char **cause)
{
	struct csv_record *r = &s->record;
	unsigned long long line;
	enum csv_result got;
	size_t k;

	while ((got = csv_read_record(s)) == CSV_RESULT_RECORD &&
	    (header_line != 0 ? r->line < header_line : skip-- > 0))
		;
	switch (got) {
	case CSV_RESULT_RECORD: break;
	case CSV_RESULT_END:
		if (header_line > 1)
			*cause = xasprintf(_("The file %s has no row on line %llu or after it: "
					     "there is no header row there."),
			    s->name, (unsigned long long)header_line);
		else
			*cause = xasprintf(_("The file %s holds only blank lines: "
					     "there is no header row."),
			    s->name);
		return false;
	case CSV_RESULT_READ_FAILED:
		*cause = xasprintf(_("The file %s cannot be read: %s."), s->name,
		    strerror(s->read_errno));
		return false;
	case CSV_RESULT_PARSE_FAILED:
		*cause = xasprintf(_("The file %s cannot be read as CSV: %s."), s->name,
		    csv_strerror(csv_error(&s->parser)));
		return false;
	}

	line = r->line;
	if ((r->big_field != SIZE_MAX || r->too_long) && !r->unclosed) {
		char *size = csv_size_text(r->too_long ? s->record_max : s->max_field);

		*cause = xasprintf(_("The header row of %s (line %llu) holds more than %s "
				     "in %s; check that this is the right file."),
		    s->name, (unsigned long long)r->line, size,
		    r->too_long ? _("all") : _("one field"));
		free(size);
		return false;
	}
	if (r->unclosed) {
		*cause = xasprintf(_("The header row of %s (line %llu) opens a "
				     "quote that is never closed before the end of the file."),
		    s->name, line);
		return false;
	}
	if (r->bad_utf8 != CSV_NO_OFFSET && encoding_reader_converts(s->reader)) {
		*cause = xasprintf(_("The header row of %s (line %llu) holds "
				     "bytes that are not %s text at byte offset %llu of the "
				     "file; import it again with --encoding NAME naming the "
				     "file's encoding."),
		    s->name, line, encoding_reader_name(s->reader), csv_file_offset(s, r->bad_utf8));
		return false;
	}
	if (r->bad_utf8 != CSV_NO_OFFSET) {
		*cause = xasprintf(_("The header row of %s (line %llu) is not "
				     "valid UTF-8 at byte offset %llu of the file; convert the "
				     "file to UTF-8 and import it again."),
		    s->name, line, csv_file_offset(s, r->bad_utf8));
		return false;
	}
	if (r->nul != CSV_NO_OFFSET) {
		*cause = xasprintf(_("The header row of %s (line %llu) holds a "
				     "NUL byte at byte offset %llu of the file; the file may be "
				     "damaged."),
		    s->name, line, csv_file_offset(s, r->nul));
		return false;
	}
	if (r->nfields > CSV_FIELDS_MAX) {
		*cause = xasprintf(_("The header row of %s has %zu columns; "
				     "sluice reads at most %d."),
		    s->name, r->nfields, CSV_FIELDS_MAX);
		return false;
	}

	s->header_line = r->line;
	s->nheader = r->nkept;
	s->header_text = xmalloc(s->text_len);
	memcpy(s->header_text, s->text, s->text_len);
	s->header = xreallocarray(NULL, s->nheader, sizeof *s->header);
	for (k = 0; k < s->nheader; k++)
		s->header[k] = text_trim(s->header_text + s->starts[k]);
	return true;
}

static void csv_close(void *);

static void *
csv_open(int fd, const char *path, const struct source_options *opts, char **cause)
{
	struct csv_source *s;
	int d = opts != NULL ? opts->delimiter : 0;
	uint64_t header_line;

	s = xcalloc(1, sizeof *s);
	s->fd = fd;
	s->name = text_escape(path);
	s->buf = xmalloc(CSV_CHUNK_SIZE);
	s->line = 1;
	s->max_field =
	    opts != NULL && opts->max_field > 0 ? opts->max_field : SOURCE_FIELD_MAX_DEFAULT;
	if (s->max_field > SOURCE_FIELD_MAX_LIMIT)
		s->max_field = SOURCE_FIELD_MAX_LIMIT;
	s->record_max = 4 * s->max_field;

	if (d < 0 || d > 0xff || d == '"' || d == '\r' || d == '\n') {
		*cause = xasprintf(_("The delimiter chosen for %s cannot be "
				     "used: choose one character other than a quote or a line "
				     "break."),
		    s->name);
		goto fail;
	}

	s->reader = encoding_reader_open(fd, opts != NULL ? opts->encoding : NULL, s->name, cause);
	if (s->reader == NULL)
		goto fail;

	/* The first chunk is the sample the delimiter is sniffed from. */
	while (!s->eof && s->len < CSV_CHUNK_SIZE) {
		if (csv_fill(s) < 0) {
			*cause = xasprintf(_("The file %s cannot be read: %s."), s->name,
			    strerror(s->read_errno));
			goto fail;
		}
	}
	if (s->len >= 3 && memcmp(s->buf, "\xef\xbb\xbf", 3) == 0)
		s->pos = 3;
	if (d != 0)
		s->delimiter = (unsigned char)d;
	else {
		s->delimiter = csv_sniff(s->buf + s->pos, s->len - s->pos, s->eof);
	}

	if (encoding_reader_converts(s->reader)) {
		if (s->delimiter == '\t') {
			s->description = xasprintf(_("CSV, delimiter TAB, encoding %s"),
			    encoding_reader_name(s->reader));
		} else if (s->delimiter == ' ') {
			s->description = xasprintf(_("CSV, delimiter SPACE, encoding %s"),
			    encoding_reader_name(s->reader));
		} else if (s->delimiter > ' ' && s->delimiter < 0x7f) {
			s->description = xasprintf(_("CSV, delimiter '%c', encoding %s"),
			    s->delimiter, encoding_reader_name(s->reader));
		} else {
			s->description = xasprintf(_("CSV, delimiter byte 0x%02X, encoding %s"),
			    s->delimiter, encoding_reader_name(s->reader));
		}
	} else if (s->delimiter == '\t')
		s->description = xstrdup(_("CSV, delimiter TAB"));
	else if (s->delimiter == ' ')
		s->description = xstrdup(_("CSV, delimiter SPACE"));
	else if (s->delimiter > ' ' && s->delimiter < 0x7f) {
		s->description = xasprintf(_("CSV, delimiter '%c'"), s->delimiter);
	} else {
		s->description = xasprintf(_("CSV, delimiter byte 0x%02X"), s->delimiter);
	}

	/* Not strict: a quote inside an unquoted field (ab"c) is kept, as
	 * Excel does. Fields are copied out, so no CSV_APPEND_NULL. */
	csv_init(&s->parser, 0);
	csv_set_delim(&s->parser, s->delimiter);
	csv_set_realloc_func(&s->parser, csv_realloc);
	csv_set_blk_size(&s->parser, CSV_CHUNK_SIZE);

	header_line = opts != NULL ? opts->header_line : 0;
	if (!csv_read_header(s, header_line,
		header_line == 0 ?
		    csv_find_header(s->buf + s->pos, s->len - s->pos, s->eof, s->delimiter) :
		    0,
		cause))
		goto fail;
	/* The lines above the header are named: nothing is left out unseen. */
	if (s->header_line > 2) {
		char *d =
		    xasprintf(_("%s; header on line %llu, lines 1-%llu skipped"), s->description,
			(unsigned long long)s->header_line, (unsigned long long)s->header_line - 1);
		free(s->description);
		s->description = d;
	} else if (s->header_line == 2) {
		char *d = xasprintf(_("%s; header on line 2, line 1 skipped"), s->description);
		free(s->description);
		s->description = d;
	}
	return s;

fail:
	csv_close(s);
	return NULL;
}

static const char *const *
csv_header(void *state, size_t *n)
{
	struct csv_source *s = state;

	*n = s->nheader;
	return (const char *const *)s->header;
}

static int
csv_next(void *state, struct row **row, char **cause)
{
	struct csv_source *s = state;
	unsigned long long number = s->rows + 1, line;

	if (s->failure != NULL) {
		*cause = xstrdup(s->failure);
		return -1;
	}
	switch (csv_read_record(s)) {
	case CSV_RESULT_RECORD:
		csv_make_row(s);
		*row = &s->row;
		return 1;
	case CSV_RESULT_END: return 0;
	case CSV_RESULT_READ_FAILED:
		s->failure = xasprintf(_("The file %s cannot be read: %s."), s->name,
		    strerror(s->read_errno));
		break;
	case CSV_RESULT_PARSE_FAILED:
		line = s->record.line;
		s->failure = xasprintf(_("Row %llu (line %llu) cannot be read as CSV: %s."), number,
		    line, csv_strerror(csv_error(&s->parser)));
		break;
	}
	*cause = xstrdup(s->failure);
	return -1;
}

static uint64_t
csv_offset(void *state)
{
	struct csv_source *s = state;

	return encoding_reader_file_offset(s->reader, s->buf_offset + s->pos);
}

static const char *
csv_describe(void *state)
{
	struct csv_source *s = state;

	return s->description;
}

static int
csv_delimiter(void *state)
{
	struct csv_source *s = state;

	return s->delimiter;
}

static const char *
csv_encoding(void *state)
{
	struct csv_source *s = state;

	return encoding_reader_name(s->reader);
}

static void
csv_close(void *state)
{
	struct csv_source *s = state;

	if (s == NULL)
		return;
	if (s->fd != -1)
		close(s->fd);
	encoding_reader_close(s->reader);
	csv_free(&s->parser);
	free(s->name);
	free(s->description);
	free(s->buf);
	free(s->failure);
	free(s->text);
	free(s->blanks);
	free(s->fields);
	free(s->starts);
	free(s->row.cells);
	free(s->row.lens);
	free(s->row.error);
	free(s->header);
	free(s->header_text);
	free(s);
}

static uint64_t
csv_header_line(void *state)
{
	struct csv_source *s = state;

	return s->header_line;
}

const struct source_ops source_csv_ops = {
	.name = "csv",
	.open = csv_open,
	.header = csv_header,
	.header_line = csv_header_line,
	.next = csv_next,
	.offset = csv_offset,
	.describe = csv_describe,
	.encoding = csv_encoding,
	.close = csv_close,
	.delimiter = csv_delimiter,
};
