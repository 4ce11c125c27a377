/* Detecting the encoding of a text file and reading it as UTF-8 through
 * iconv, a buffer at a time. Bytes that cannot be decoded are not guessed
 * at: they come out as a byte that is never UTF-8, with their file offset
 * kept, so the reader of the text can reject the row holding them. */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uchardet/uchardet.h>
#include <unistd.h>

#include "i18n.h"
#include "source-encoding.h"
#include "xmalloc.h"

#define ENCODING_IN_SIZE (64 * 1024)
/* How far back in the text the offsets of bad bytes are kept. */
#define ENCODING_MARKS_WINDOW (256 * 1024)
#define ENCODING_BAD_BYTE 0xff

/* A byte of the text standing for something in the file that is not text:
 * an undecodable sequence or a NUL character. */
struct encoding_mark {
	uint64_t out; /* offset in the text */
	uint64_t in;  /* offset in the file */
};

struct encoding_reader {
	int fd;
	char *name;  /* the encoding, as shown to people */
	iconv_t cd;  /* (iconv_t)-1: UTF-8, read as it is */
	size_t unit; /* bytes of a code unit: 1, 2 or 4 */

	unsigned char *in; /* bytes of the file not converted yet */
	size_t in_len, in_pos;
	uint64_t in_offset; /* file offset of in[0] */
	bool eof;

	uint64_t out_total; /* bytes of text given out */
	struct encoding_mark *marks;
	size_t nmarks, marks_size;
};

int
encoding_utf16_pattern(const unsigned char *p, size_t n)
{
	size_t even = 0, odd = 0, pairs = n / 2, i;

	if (pairs < 2)
		return 0;
	for (i = 0; i < 2 * pairs; i += 2) {
		even += p[i] == 0;
		odd += p[i + 1] == 0;
	}
	/* Text in a Latin script has a NUL in about every code unit; allow
	 * other scripts a share of the units and the odd NUL character. */
	if (odd * 10 >= pairs * 3 && even * 20 <= odd)
		return 'L';
	if (even * 10 >= pairs * 3 && odd * 20 <= even)
		return 'B';
	return 0;
}

/* Counts the bytes of p[0..n) that are not UTF-8 and the well-formed
 * sequences of more than one byte. A sequence cut by the end of a sample
 * that goes on is not counted as bad. */
static void
encoding_utf8_census(const unsigned char *p, size_t n, bool eof, size_t *bad, size_t *multi)
{
	size_t i = 0, k, need;

	*bad = *multi = 0;
	while (i < n) {
		unsigned char c = p[i];
		unsigned min = 0;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, min = c == 0xe0 ? 0xa0 : 0x80;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, min = c == 0xf0 ? 0x90 : 0x80;
		else {
			(*bad)++;
			i++;
			continue;
		}
		for (k = 1; k <= need; k++) {
			if (i + k == n && !eof)
				return;
			if (i + k >= n || (p[i + k] & 0xc0) != 0x80)
				break;
			if (k == 1 && min != 0 && p[i + 1] < min)
				break;
			if (k == 1 && c == 0xed && p[i + 1] > 0x9f)
				break;
			if (k == 1 && c == 0xf4 && p[i + 1] > 0x8f)
				break;
		}
		if (k <= need) {
			(*bad)++;
			i++;
			continue;
		}
		(*multi)++;
		i += need + 1;
	}
}

/* Whether iconv converts from name to UTF-8. */
static bool
encoding_known(const char *name)
{
	iconv_t cd = iconv_open("UTF-8", name);

	if (cd == (iconv_t)-1)
		return false;
	iconv_close(cd);
	return true;
}

/* The iconv name for what uchardet answered about 8-bit text; NULL when
 * the answer is of no use. */
static const char *
encoding_from_uchardet(const char *answer)
{
	if (answer == NULL || *answer == '\0' || !strcasecmp(answer, "ASCII") ||
	    !strncasecmp(answer, "UTF-", 4) || !strncasecmp(answer, "X-ISO-10646", 11))
		return NULL;
	/* As the WHATWG Encoding Standard does: ISO-8859-1 text is read as
	 * its superset Windows-1252, whose 0x80-0x9F are letters and quotes
	 * where Latin-1 has control codes nobody writes. */
	if (!strcasecmp(answer, "ISO-8859-1"))
		return "WINDOWS-1252";
	return encoding_known(answer) ? answer : NULL;
}

/* What p[0..n) decodes to in the encoding name: letters of Latin scripts,
 * letters of other scripts, and what is no text at all (bytes that do not
 * decode, C1 control codes), beyond ASCII. */
struct encoding_census {
	size_t latin, other, junk;
};

static void
encoding_count_letters(const char *name, const unsigned char *p, size_t n, struct encoding_census *c)
{
	iconv_t cd = iconv_open("UTF-8", name);
	char out[4096], *inp = (char *)p, *outp;
	size_t inleft = n, outleft, i;
	unsigned cp;
	bool more = true;

	memset(c, 0, sizeof *c);
	if (cd == (iconv_t)-1)
		return;
	while (more) {
		outp = out;
		outleft = sizeof out;
		if (iconv(cd, &inp, &inleft, &outp, &outleft) == (size_t)-1 && errno != E2BIG) {
			/* A byte that does not decode, or a sequence cut by the
			 * end of the sample. */
			if (inleft > 0) {
				c->junk++;
				inp++;
				inleft--;
			}
		}
		more = inleft > 0;
		for (i = 0; i < sizeof out - outleft;) {
			unsigned char b = (unsigned char)out[i];

			if (b < 0x80) {
				i++;
				continue;
			}
			if (b < 0xe0) {
				cp = (unsigned)(b & 0x1f) << 6 | (out[i + 1] & 0x3f);
				i += 2;
			} else if (b < 0xf0) {
				cp = (unsigned)(b & 0x0f) << 12 |
				    (unsigned)(out[i + 1] & 0x3f) << 6 | (out[i + 2] & 0x3f);
				i += 3;
			} else {
				cp = 0x10000;
				i += 4;
			}
			if (cp < 0xa0)
				c->junk++;
			else if ((cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
			    (cp >= 0x1e00 && cp <= 0x1eff))
				c->latin++;
			else if ((cp >= 0x370 && cp <= 0x52f) || (cp >= 0x5d0 && cp <= 0x5ea) ||
			    (cp >= 0x620 && cp <= 0x64a) || (cp >= 0xe01 && cp <= 0xe5b) ||
			    cp >= 0x3040)
				c->other++;
		}
	}
	iconv_close(cd);
}

/* uchardet is good at telling scripts apart but, on short Western text,
 * often names a Central European encoding that decodes it to the same
 * letters. Its answer is taken when it reads the text as letters of
 * another script, or as more letters than Windows-1252 does; otherwise
 * Windows-1252, the encoding of most 8-bit files. */
static const char *
encoding_choose_8bit(const char *answer, const unsigned char *p, size_t n)
{
	struct encoding_census a, w;

	if (answer == NULL || !strcasecmp(answer, "WINDOWS-1252"))
		return "WINDOWS-1252";
	encoding_count_letters(answer, p, n, &a);
	if (a.other > a.latin && a.other > a.junk)
		return answer;
	encoding_count_letters("WINDOWS-1252", p, n, &w);
	if ((long)(a.latin + a.other) - (long)a.junk > (long)(w.latin + w.other) - (long)w.junk)
		return answer;
	return "WINDOWS-1252";
}

char *
encoding_detect(const unsigned char *p, size_t n, bool eof, size_t *bom)
{
	size_t bad, multi;
	const char *name;
	uchardet_t ud;
	char *result;
	int pattern;

	*bom = 0;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		return xstrdup("UTF-8");
	if (n >= 4 && memcmp(p, "\xff\xfe\0\0", 4) == 0) {
		*bom = 4;
		return xstrdup("UTF-32LE");
	}
	if (n >= 4 && memcmp(p, "\0\0\xfe\xff", 4) == 0) {
		*bom = 4;
		return xstrdup("UTF-32BE");
	}
	if (n >= 2 && memcmp(p, "\xff\xfe", 2) == 0) {
		*bom = 2;
		return xstrdup("UTF-16LE");
	}
	if (n >= 2 && memcmp(p, "\xfe\xff", 2) == 0) {
		*bom = 2;
		return xstrdup("UTF-16BE");
	}
	pattern = encoding_utf16_pattern(p, n);
	if (pattern != 0)
		return xstrdup(pattern == 'L' ? "UTF-16LE" : "UTF-16BE");

	/* Valid UTF-8 is UTF-8. So is text that is mostly UTF-8 with a few
	 * bad bytes: those reject their rows, and the rest is not read as
	 * mojibake. */
	encoding_utf8_census(p, n, eof, &bad, &multi);
	if (bad == 0 || (multi > 0 && multi >= bad))
		return xstrdup("UTF-8");

	ud = uchardet_new();
	name = NULL;
	if (uchardet_handle_data(ud, (const char *)p, n) == 0) {
		uchardet_data_end(ud);
		name = encoding_from_uchardet(uchardet_get_charset(ud));
	}
	result = xstrdup(encoding_choose_8bit(name, p, n));
	uchardet_delete(ud);
	return result;
}

/* Reads more of the file after the bytes not converted yet. Returns -1
 * with errno set when read(2) fails. */
static int
encoding_fill(struct encoding_reader *r)
{
	size_t keep = r->in_len - r->in_pos;
	ssize_t n;

	if (r->in_pos > 0) {
		memmove(r->in, r->in + r->in_pos, keep);
		r->in_offset += r->in_pos;
		r->in_pos = 0;
		r->in_len = keep;
	}
	while (!r->eof && r->in_len < ENCODING_IN_SIZE) {
		n = read(r->fd, r->in + r->in_len, ENCODING_IN_SIZE - r->in_len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			r->eof = true;
		r->in_len += (size_t)n;
		/* One read is enough when it brought whole code units. */
		if (r->in_len - r->in_pos >= 4)
			break;
	}
	return 0;
}

static char *
encoding_canonical(const char *name)
{
	char *s = xstrdup(name), *p;

	for (p = s; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	}
	return s;
}

static bool
encoding_is_utf8(const char *name)
{
	return !strcasecmp(name, "UTF-8") || !strcasecmp(name, "UTF8");
}

struct encoding_reader *
encoding_reader_open(int fd, const char *forced, const char *name, char **cause)
{
	struct encoding_reader *r = xcalloc(1, sizeof *r);
	size_t bom = 0;
	char *detected = NULL;
	const char *use;

	r->fd = fd;
	r->cd = (iconv_t)-1;
	r->unit = 1;
	r->in = xmalloc(ENCODING_IN_SIZE);
	while (!r->eof && r->in_len < ENCODING_SAMPLE_SIZE) {
		if (encoding_fill(r) == -1) {
			*cause =
			    xasprintf(_("The file %s cannot be read: %s."), name, strerror(errno));
			goto fail;
		}
	}
	if (forced != NULL)
		use = forced;
	else {
		detected = encoding_detect(r->in, r->in_len, r->eof, &bom);
		use = detected;
	}
	r->name = encoding_canonical(use);
	if (!encoding_is_utf8(use)) {
		r->cd = iconv_open("UTF-8", use);
		if (r->cd == (iconv_t)-1) {
			*cause =
			    xasprintf(_("sluice does not know the encoding \"%s\" asked for "
					"%s; name one that iconv knows (iconv -l lists them), e.g. "
					"WINDOWS-1252, ISO-8859-15 or UTF-16LE."),
				r->name, name);
			goto fail;
		}
		if (strstr(r->name, "UTF-16") != NULL || strstr(r->name, "UCS-2") != NULL)
			r->unit = 2;
		else if (strstr(r->name, "UTF-32") != NULL || strstr(r->name, "UCS-4") != NULL)
			r->unit = 4;
	} else {
		free(r->name);
		r->name = xstrdup("UTF-8");
	}
	r->in_pos = bom;
	free(detected);
	return r;

fail:
	free(detected);
	encoding_reader_close(r);
	return NULL;
}

/* Keeps the file offset of the text's byte at out. */
static void
encoding_mark(struct encoding_reader *r, uint64_t out, uint64_t in)
{
	size_t drop = 0;

	while (drop < r->nmarks && r->marks[drop].out + ENCODING_MARKS_WINDOW < out)
		drop++;
	if (drop > 0) {
		memmove(r->marks, r->marks + drop, (r->nmarks - drop) * sizeof *r->marks);
		r->nmarks -= drop;
	}
	if (r->nmarks == r->marks_size) {
		r->marks_size = r->marks_size == 0 ? 64 : 2 * r->marks_size;
		r->marks = xreallocarray(r->marks, r->marks_size, sizeof *r->marks);
	}
	r->marks[r->nmarks].out = out;
	r->marks[r->nmarks].in = in;
	r->nmarks++;
}

/* Where the next NUL code unit is in in[in_pos..in_len), or in_len. */
static size_t
encoding_find_nul(const struct encoding_reader *r)
{
	size_t i, k;

	if (r->unit == 1) {
		const unsigned char *z = memchr(r->in + r->in_pos, 0, r->in_len - r->in_pos);
		return z != NULL ? (size_t)(z - r->in) : r->in_len;
	}
	for (i = r->in_pos; i + r->unit <= r->in_len; i += r->unit) {
		for (k = 0; k < r->unit && r->in[i + k] == 0; k++)
			;
		if (k == r->unit)
			return i;
	}
	return r->in_len;
}

ssize_t
encoding_reader_read(struct encoding_reader *r, unsigned char *buf, size_t size)
{
	size_t done = 0, avail, nul, inleft, outleft, skip;
	char *inp, *outp;
	ssize_t n;

	if (size == 0)
		return 0;
	if (r->cd == (iconv_t)-1) {
		avail = r->in_len - r->in_pos;
		if (avail > 0) {
			done = avail < size ? avail : size;
			memcpy(buf, r->in + r->in_pos, done);
			r->in_pos += done;
		} else {
			do
				n = read(r->fd, buf, size);
			while (n == -1 && errno == EINTR);
			if (n == -1)
				return -1;
			done = (size_t)n;
		}
		r->out_total += done;
		return (ssize_t)done;
	}

	while (done < size) {
		if (r->in_len - r->in_pos < 4 && !r->eof) {
			if (encoding_fill(r) == -1) {
				if (done > 0)
					break;
				return -1;
			}
		}
		if (r->in_pos == r->in_len) {
			outp = (char *)buf + done;
			outleft = size - done;
			iconv(r->cd, NULL, NULL, &outp, &outleft);
			done = size - outleft;
			break;
		}
		nul = encoding_find_nul(r);
		inp = (char *)r->in + r->in_pos;
		inleft = nul - r->in_pos;
		outp = (char *)buf + done;
		outleft = size - done;
		if (inleft > 0 && iconv(r->cd, &inp, &inleft, &outp, &outleft) == (size_t)-1) {
			r->in_pos = (size_t)((unsigned char *)inp - r->in);
			done = size - outleft;
			if (errno == E2BIG)
				break;
			if (errno == EINVAL && !r->eof) {
				/* A character cut by the end of the buffer. */
				if (encoding_fill(r) == -1) {
					if (done > 0)
						break;
					return -1;
				}
				continue;
			}
			/* EILSEQ, or a sequence cut by the end of the file. */
			if (done == size)
				break;
			skip = errno == EINVAL ? r->in_len - r->in_pos : r->unit;
			if (skip > r->in_len - r->in_pos)
				skip = r->in_len - r->in_pos;
			encoding_mark(r, r->out_total + done, r->in_offset + r->in_pos);
			buf[done++] = ENCODING_BAD_BYTE;
			r->in_pos += skip;
			continue;
		}
		r->in_pos = (size_t)((unsigned char *)inp - r->in);
		done = size - outleft;
		if (r->in_pos == nul && nul < r->in_len) {
			if (done == size)
				break;
			if (nul + r->unit > r->in_len)
				continue;
			encoding_mark(r, r->out_total + done, r->in_offset + nul);
			buf[done++] = '\0';
			r->in_pos += r->unit;
		}
		/* Give out what there is rather than wait for a full buffer. */
		if (done > 0 && r->in_pos == r->in_len)
			break;
	}
	r->out_total += done;
	return (ssize_t)done;
}

const char *
encoding_reader_name(const struct encoding_reader *r)
{
	return r->name;
}

bool
encoding_reader_converts(const struct encoding_reader *r)
{
	return r->cd != (iconv_t)-1;
}

uint64_t
encoding_reader_file_offset(const struct encoding_reader *r, uint64_t out)
{
	size_t lo = 0, hi = r->nmarks;
	uint64_t in;

	if (r->cd == (iconv_t)-1)
		return out;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->marks[mid].out < out)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->nmarks && r->marks[lo].out == out)
		return r->marks[lo].in;
	/* An estimate: the share of the text given out. */
	in = r->in_offset + r->in_pos;
	if (r->out_total == 0 || out >= r->out_total)
		return in;
	return (uint64_t)((double)in * ((double)out / (double)r->out_total));
}

void
encoding_reader_close(struct encoding_reader *r)
{
	if (r == NULL)
		return;
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	free(r->name);
	free(r->in);
	free(r->marks);
	free(r);
}

char *
encoding_to_utf8(const char *text, const char *charset)
{
	iconv_t cd = iconv_open("UTF-8", charset);
	size_t inleft = strlen(text), size = inleft * 3 + 16, outleft = size - 1;
	char *in = (char *)text, *out, *p;

	if (cd == (iconv_t)-1)
		return NULL;
	p = out = xmalloc(size);
	for (;;) {
		size_t rc = inleft > 0 ? iconv(cd, &in, &inleft, &p, &outleft) :
					 iconv(cd, NULL, NULL, &p, &outleft);

		if (rc != (size_t)-1 && inleft == 0 && in != NULL) {
			in = NULL; /* then the shift back to the initial state */
			continue;
		}
		if (rc != (size_t)-1)
			break;
		if (errno != E2BIG) {
			iconv_close(cd);
			free(out);
			return NULL;
		}
		size_t used = (size_t)(p - out);
		size *= 2;
		out = xrealloc(out, size);
		p = out + used;
		outleft = size - used - 1;
	}
	iconv_close(cd);
	*p = '\0';
	return out;
}
