/* The XLSX source: a workbook's sheet read row by row through expat,
 * straight from the ZIP member as it inflates. The shared strings are kept
 * in a string table (source-strtab.c), in memory up to XLSX_SST_MEMORY and
 * on disk beyond; they are parsed on a thread of their own, through a
 * reader of the file of its own, while the sheet is parsed (struct
 * xlsx_sst). The chosen sheet is parsed on a thread of its own too
 * (struct xlsx_parse), its rows kept in an unlinked temporary file that
 * they are read back from. Without source_options.early, all of it is
 * parsed before a single row is given out (damage, zip bombs and absurd
 * cell references refuse the file before anything is written, and the
 * rows are counted); with it, rows are given out once the header is found
 * and XLSX_EARLY_ROWS are parsed, and source_settle() says at the end
 * whether the whole sheet was read cleanly (the engine commits nothing
 * until it has). The ZIP limits live in source-zip.c, the writing of
 * numbers and dates in source-sheet.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
/* Debian's libexpat is built with DTD support, which the protection
 * against entity expansion belongs to; its header needs telling. */
#ifndef XML_DTD
#define XML_DTD 1
#endif
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fatal.h"
#include "i18n.h"
#include "source.h"
#include "source-sheet.h"
#include "source-strtab.h"
#include "source-zip.h"
#include "text.h"
#include "thread.h"
#include "xmalloc.h"

/* The spool's stdio buffer: a write or read a 64 KiB, not one a 4 KiB
 * page as stdio's own buffer (st_blksize) would make them. At 1,000,000
 * rows that is 62,000 writes and as many reads fewer. */
#define XLSX_SPOOL_BUFFER (64 * 1024)
#define XLSX_SHEETS_MAX 1000
#define XLSX_RELS_MAX 1000
#define XLSX_XF_MAX 65536
#define XLSX_SST_MAX (16u * 1024 * 1024) /* shared strings */
/* What the shared strings keep in memory while they are parsed beside the
 * sheet (freed, with the rest of the table, once the sheet is parsed and
 * before the import's memory is taken): room for the strings the sheet's
 * parse reaches before the thread reading them is done. */
#define XLSX_SST_MEMORY ((size_t)32 << 20)
/* The same with source_options.early, where the import's memory is taken
 * while the sheet is parsed: strings beyond it wait for the table's end. */
#define XLSX_SST_EARLY_MEMORY ((size_t)2 << 20)
/* With source_options.early, rows are given out while the sheet is still
 * parsed once this many are (a sheet with fewer is parsed whole first, as
 * without it). */
#define XLSX_EARLY_ROWS 20000
#define XLSX_SST_TEXT_MAX ((size_t)512 * 1024 * 1024)
#define XLSX_ATTR_MAX 4096 /* longest sheet name, path or format code kept */
/* Entity expansion beyond this factor stops expat (its default is 100). */
#define XLSX_AMPLIFICATION 50.0f

/* What every parse shares: the parser, and why it stopped. */
struct xlsx_xml {
	XML_Parser parser;
	char *error; /* set by a handler that stopped the parser */
	bool doctype;
};

struct xlsx_sheet {
	char *name;
	char *rid;
	char *path; /* the part holding its cells */
	bool hidden;
	bool chart; /* not a worksheet */
};

struct xlsx_rel {
	char *id;
	char *type;
	char *target;
};

enum xlsx_cell_type {
	XLSX_CELL_NUMBER,
	XLSX_CELL_SHARED,
	XLSX_CELL_INLINE,
	XLSX_CELL_STRING, /* a formula's text */
	XLSX_CELL_BOOL,
	XLSX_CELL_ERROR,
	XLSX_CELL_DATE, /* ISO 8601 text */
};

/* The shared strings' parse: on a thread of its own, with its own reader
 * of the file, while the sheet is parsed. The sheet's parse reads the
 * strings the thread has put in memory as they come (ready, published by
 * the thread after each); for one not there yet, it waits, and for one on
 * disk, it waits for the thread's end. */
struct xlsx_sst {
	struct xlsx_xml xml; /* first: handlers get this as user data */
	const char *name;    /* the file's name, escaped */
	struct zip_archive *zip;
	char *path;
	struct strtab *table;
	/* The string being read (its text so far). */
	char *si_text;
	size_t si_len, si_size;
	size_t text_len; /* all of their text */
	bool in_si, in_t, in_rph;

	pthread_t thread;
	bool running; /* started and not yet joined */
	atomic_size_t ready;
	atomic_bool stop; /* the sheet's parse ended first: stop */
	pthread_mutex_t lock;
	pthread_cond_t more;
	bool counted; /* what it inflated is added to the workbook's reader's */
	bool done;    /* under lock: the parse has ended */
	int rc;	      /* its result, and why it failed */
	char *cause;
};

/* The sheet's parse, once xlsx_open() has found the header and returned
 * with the parse going on (source_options.early): the rows are read back
 * from the spool as they come, and source_settle() says whether all of
 * the sheet (and the shared strings) was read cleanly. */
struct xlsx_parse {
	pthread_t thread;
	bool running; /* started and not yet joined (the opener's and the
		       * closer's alone) */
	atomic_bool stop;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	/* Under lock, published by the parse: */
	uint64_t whole; /* rows whole in the spool's file */
	bool done;	/* the parse has ended */
	char *failure;	/* why it failed, once done; NULL: it did not */
	bool owns_sst;	/* the shared strings are the parse's to free */
	/* Published without the lock, for progress and for a reader that
	 * must stop as soon as the parse failed: */
	atomic_int state;	      /* 0: going on; 1: ended cleanly; -1: failed */
	atomic_uint_fast64_t fed;     /* bytes of the sheet's XML parsed */
	atomic_uint_fast64_t counted; /* rows with a value so far */
	uint64_t declared;	      /* the sheet's XML's declared size */
	bool early;		      /* rows are read back while it goes on: say them */
};

struct xlsx_source {
	struct xlsx_xml xml; /* first: handlers get the source as user data */
	int fd;
	char *name; /* the path, escaped */
	uint64_t size;
	struct zip_archive *zip;

	struct xlsx_sheet *sheets;
	size_t nsheets;
	struct source_sheet_info *infos;
	struct xlsx_rel *rels;
	size_t nrels;
	char *workbook; /* the workbook part's path */
	char *base;	/* its folder, ending with a slash ("xl/") */
	bool date1904;
	struct xlsx_sheet *sheet; /* the one read */
	char *description;

	/* Styles: the kind of number each cell format shows. */
	unsigned *xf_format; /* numFmtId of each cellXfs entry */
	unsigned char *xf_kind;
	size_t nxf;
	unsigned *fmt_ids; /* custom number formats */
	unsigned char *fmt_kinds;
	size_t nfmts;
	bool in_cell_xfs;

	/* The shared strings, read on a thread of their own (struct
	 * xlsx_sst) while the sheet is parsed. */
	struct xlsx_sst *sst;
	bool in_t, in_rph;

	/* The sheet's parse: on a thread of its own (struct xlsx_parse),
	 * which alone uses what follows until it has ended. */
	bool in_sheet_data, in_row, in_cell, in_v, in_is;
	uint64_t parse_line; /* the spreadsheet row being read */
	long col;	     /* the cell being read, or -1 */
	enum xlsx_cell_type type;
	unsigned style;
	bool has_value;
	bool seen_is; /* the cell has an <is>: its text is the value, not <v>'s */
	char *value;  /* the cell's text */
	size_t value_len, value_size;
	uint64_t rows_counted;	 /* rows with a value, header included */
	struct sheet_rows build; /* the row being parsed */
	/* The rows with a value, as the parse made them (struct
	 * xlsx_spooled, then the text, columns, lengths and problem),
	 * written through spool and read back through spool_in, a
	 * descriptor of the same file with an offset of its own. */
	FILE *spool;
	char *spool_buf; /* its stdio buffer, XLSX_SPOOL_BUFFER bytes */
	struct xlsx_parse parse;

	/* What follows is the reader's (xlsx_next()'s) alone. */
	FILE *spool_in;
	char *spool_in_buf;
	bool spool_done;     /* all of it read back */
	uint64_t rows_read;  /* rows read back since spool_in's start */
	uint64_t rows_whole; /* rows known to be whole in the file */
	uint64_t line;	     /* the spreadsheet row read back last */
	struct sheet_rows rows;
	uint64_t header_line; /* the header's spreadsheet row */
	uint64_t skip;	      /* rows with values above it */
	uint64_t total;	      /* data rows, once the parse has ended */
	bool settled;	      /* the parse has ended, cleanly: total is known */
	char *failure;
};

static const char *
xlsx_local(const char *name)
{
	const char *colon = strrchr(name, ':');

	return colon != NULL ? colon + 1 : name;
}

static const char *
xlsx_attr(const char **atts, const char *name)
{
	for (; *atts != NULL; atts += 2) {
		if (strncmp(atts[0], "xmlns", 5) != 0 && !strcmp(xlsx_local(atts[0]), name))
			return atts[1];
	}
	return NULL;
}

/* A copy of an attribute, cut to XLSX_ATTR_MAX bytes. */
static char *
xlsx_strdup(const char *s)
{
	if (s == NULL)
		s = "";
	return xstrndup(s, strnlen(s, XLSX_ATTR_MAX));
}

/* Stops the parse with a reason. */
static void
xlsx_stop(struct xlsx_xml *x, char *error)
{
	if (x->error == NULL)
		x->error = error;
	else
		free(error);
	XML_StopParser(x->parser, XML_FALSE);
}

/* No part of a workbook has a DTD: one is refused before any entity in it
 * could be declared, let alone expanded. */
static void XMLCALL
xlsx_doctype(void *data, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
    int has_internal_subset)
{
	struct xlsx_xml *x = data;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	x->doctype = true;
	XML_StopParser(x->parser, XML_FALSE);
}

static XML_Parser
xlsx_parser_new(struct xlsx_xml *x, XML_StartElementHandler start, XML_EndElementHandler end,
    XML_CharacterDataHandler text)
{
	XML_Parser p = XML_ParserCreate(NULL);

	if (p == NULL) {
		fatal(_("sluice: out of memory\n"));
	}
	x->parser = p;
	x->error = NULL;
	x->doctype = false;
	XML_SetUserData(p, x);
	XML_SetStartDoctypeDeclHandler(p, xlsx_doctype);
	XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, XLSX_AMPLIFICATION);
	XML_SetElementHandler(p, start, end);
	if (text != NULL)
		XML_SetCharacterDataHandler(p, text);
	return p;
}

/* Why parsing the part path stopped, as a sentence naming the file. */
static char *
xlsx_parse_error(const char *name, struct xlsx_xml *x, const char *path)
{
	char *part, *cause;
	enum XML_Error code;

	if (x->error != NULL) {
		cause = x->error;
		x->error = NULL;
		return cause;
	}
	part = text_escape(path);
	code = XML_GetErrorCode(x->parser);
	if (x->doctype) {
		cause = xasprintf(
		    _("%s is refused: its part %s declares a DTD, which no "
		      "workbook needs and which can hide an entity expansion attack. Save it "
		      "again from the spreadsheet program."),
		    name, part);
	} else if (code == XML_ERROR_AMPLIFICATION_LIMIT_BREACH) {
		cause =
		    xasprintf(_("%s is refused: its part %s expands entities far beyond "
				"its size, as an entity expansion attack does. Save it again from the "
				"spreadsheet program."),
			name, part);
	} else {
		cause = xasprintf(
		    _("%s is damaged: its part %s is not well-formed XML (line "
		      "%lu: %s). Save it again from the spreadsheet program, or ask for a new "
		      "copy of the file."),
		    name, part, (unsigned long)XML_GetCurrentLineNumber(x->parser),
		    XML_ErrorString(code));
	}
	free(part);
	return cause;
}

/* Feeds expat the next n bytes of a part (the last when n is 0). Out of
 * memory is sluice's end, as in xmalloc(), never a damaged file. */
static enum XML_Status
xlsx_feed(XML_Parser p, const void *data, ssize_t n)
{
	enum XML_Status st = XML_Parse(p, data, (int)n, n == 0);
	if (st == XML_STATUS_ERROR && XML_GetErrorCode(p) == XML_ERROR_NO_MEMORY)
		fatal(_("sluice: out of memory\n"));
	return st;
}

/* Parses the whole member path of zip with the handlers, x being their
 * data; name is the file's, for messages. With stop, the parse ends
 * (without an error) once it is set. */
static int
xlsx_parse_zip_part(struct zip_archive *zip, const char *name, const char *path, struct xlsx_xml *x,
    XML_StartElementHandler start, XML_EndElementHandler end, XML_CharacterDataHandler text,
    atomic_bool *stop, char **cause)
{
	XML_Parser p;
	ssize_t n;
	const void *data;
	int rc = 0;

	if (zip_entry_open(zip, path, cause) != 0)
		return -1;
	p = xlsx_parser_new(x, start, end, text);
	/* Inflated on another core while this one parses (the shared
	 * strings of a large workbook are a hundred megabytes of XML). */
	struct zip_ahead *ahead = zip_ahead_start(zip);
	do {
		if (stop != NULL && atomic_load(stop))
			break;
		n = zip_ahead_next(ahead, &data, cause);
		if (n < 0) {
			rc = -1;
			break;
		}
		if (xlsx_feed(p, data, n) != XML_STATUS_OK) {
			*cause = xlsx_parse_error(name, x, path);
			rc = -1;
			break;
		}
	} while (n > 0);
	zip_ahead_stop(ahead);
	free(x->error);
	x->error = NULL;
	XML_ParserFree(p);
	x->parser = NULL;
	return rc;
}

/* Parses the whole part path of the workbook with the handlers. */
static int
xlsx_parse_part(struct xlsx_source *s, const char *path, struct xlsx_xml *x,
    XML_StartElementHandler start, XML_EndElementHandler end, XML_CharacterDataHandler text,
    char **cause)
{
	return xlsx_parse_zip_part(s->zip, s->name, path, x, start, end, text, NULL, cause);
}

/* --- The workbook and its relationships ---------------------------------- */

static void XMLCALL
xlsx_workbook_start(void *data, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx_source *s = data;
	const char *name = xlsx_local(el), *v;
	struct xlsx_sheet *sh;

	if (!strcmp(name, "workbookPr")) {
		v = xlsx_attr(atts, "date1904");
		s->date1904 = v != NULL && (!strcmp(v, "1") || !strcasecmp(v, "true"));
	} else if (!strcmp(name, "sheet")) {
		if (s->nsheets == XLSX_SHEETS_MAX) {
			xlsx_stop(&s->xml,
			    xasprintf(_("%s is refused: its workbook lists more "
					"than %d sheets. Save it again from the spreadsheet program."),
				s->name, XLSX_SHEETS_MAX));
			return;
		}
		s->sheets = xreallocarray(s->sheets, s->nsheets + 1, sizeof *s->sheets);
		sh = &s->sheets[s->nsheets++];
		memset(sh, 0, sizeof *sh);
		sh->name = xlsx_strdup(xlsx_attr(atts, "name"));
		sh->rid = xlsx_strdup(xlsx_attr(atts, "id"));
		v = xlsx_attr(atts, "state");
		sh->hidden = v != NULL && strcmp(v, "visible") != 0;
	}
}

static void XMLCALL
xlsx_ignore_end(void *data, const XML_Char *el)
{
	(void)data;
	(void)el;
}

static void XMLCALL
xlsx_rels_start(void *data, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx_source *s = data;
	struct xlsx_rel *r;
	const char *mode;

	if (strcmp(xlsx_local(el), "Relationship") != 0)
		return;
	mode = xlsx_attr(atts, "TargetMode");
	if (mode != NULL && !strcasecmp(mode, "External"))
		return;
	if (s->nrels == XLSX_RELS_MAX) {
		xlsx_stop(&s->xml,
		    xasprintf(_("%s is refused: its workbook has more than %d "
				"relationships. Save it again from the spreadsheet program."),
			s->name, XLSX_RELS_MAX));
		return;
	}
	s->rels = xreallocarray(s->rels, s->nrels + 1, sizeof *s->rels);
	r = &s->rels[s->nrels++];
	r->id = xlsx_strdup(xlsx_attr(atts, "Id"));
	r->type = xlsx_strdup(xlsx_attr(atts, "Type"));
	r->target = xlsx_strdup(xlsx_attr(atts, "Target"));
}

/* The part a relationship points to: relative to base (the folder of the
 * part whose relationships they are, "" or ending with a slash), or from
 * the root when it starts with a slash. */
static char *
xlsx_resolve(const char *base, const char *target)
{
	char *path, *out, *seg, *save = NULL;
	size_t n = 0;

	if (target[0] == '/')
		path = xstrdup(target + 1);
	else
		path = xasprintf("%s%s", base, target);
	out = xmalloc(strlen(path) + 1);
	for (seg = strtok_r(path, "/", &save); seg != NULL; seg = strtok_r(NULL, "/", &save)) {
		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			continue;
		}
		if (n > 0)
			out[n++] = '/';
		memcpy(out + n, seg, strlen(seg));
		n += strlen(seg);
	}
	out[n] = '\0';
	free(path);
	return out;
}

static bool
xlsx_type_is(const char *type, const char *what)
{
	size_t t = strlen(type), w = strlen(what);

	return t > w && type[t - w - 1] == '/' && !strcasecmp(type + t - w, what);
}

/* The part of the first relationship of the type, or NULL. */
static char *
xlsx_rel_part(struct xlsx_source *s, const char *type)
{
	size_t i;

	for (i = 0; i < s->nrels; i++) {
		if (xlsx_type_is(s->rels[i].type, type))
			return xlsx_resolve(s->base, s->rels[i].target);
	}
	return NULL;
}

/* Frees the relationships read. */
static void
xlsx_rels_clear(struct xlsx_source *s)
{
	size_t i;

	for (i = 0; i < s->nrels; i++) {
		free(s->rels[i].id);
		free(s->rels[i].type);
		free(s->rels[i].target);
	}
	free(s->rels);
	s->rels = NULL;
	s->nrels = 0;
}

/* Where the workbook part is: the package's officeDocument relationship
 * (_rels/.rels) says so; xl/workbook.xml when it has none. Sets
 * s->workbook and s->base (its folder). */
static int
xlsx_find_workbook(struct xlsx_source *s, char **cause)
{
	char *slash;
	size_t i;

	if (zip_has(s->zip, "_rels/.rels")) {
		if (xlsx_parse_part(s, "_rels/.rels", &s->xml, xlsx_rels_start, xlsx_ignore_end,
			NULL, cause) != 0)
			return -1;
		for (i = 0; i < s->nrels && s->workbook == NULL; i++) {
			if (xlsx_type_is(s->rels[i].type, "officeDocument"))
				s->workbook = xlsx_resolve("", s->rels[i].target);
		}
		xlsx_rels_clear(s);
	}
	if (s->workbook == NULL || !zip_has(s->zip, s->workbook)) {
		free(s->workbook);
		s->workbook = xstrdup("xl/workbook.xml");
	}
	if (!zip_has(s->zip, s->workbook)) {
		*cause = xasprintf(
		    _("%s is a ZIP archive but not an XLSX workbook (it holds no "
		      "xl/workbook.xml); sluice reads XLSX, XLS and CSV files: save it in one of "
		      "those formats and import that."),
		    s->name);
		return -1;
	}
	slash = strrchr(s->workbook, '/');
	s->base = xstrndup(s->workbook, slash != NULL ? (size_t)(slash - s->workbook) + 1 : 0);
	return 0;
}

static int
xlsx_read_workbook(struct xlsx_source *s, char **cause)
{
	char *rels;
	size_t i, j;
	int rc = 0;

	if (xlsx_find_workbook(s, cause) != 0 ||
	    xlsx_parse_part(s, s->workbook, &s->xml, xlsx_workbook_start, xlsx_ignore_end, NULL,
		cause) != 0)
		return -1;
	/* The workbook's own relationships: _rels/NAME.rels beside it. */
	rels = xasprintf("%s_rels/%s.rels", s->base, s->workbook + strlen(s->base));
	if (zip_has(s->zip, rels))
		rc = xlsx_parse_part(s, rels, &s->xml, xlsx_rels_start, xlsx_ignore_end, NULL, cause);
	free(rels);
	if (rc != 0)
		return -1;
	for (i = 0; i < s->nsheets; i++) {
		struct xlsx_sheet *sh = &s->sheets[i];

		for (j = 0; j < s->nrels; j++) {
			if (!strcmp(s->rels[j].id, sh->rid))
				break;
		}
		if (j < s->nrels) {
			sh->path = xlsx_resolve(s->base, s->rels[j].target);
			sh->chart = !xlsx_type_is(s->rels[j].type, "worksheet");
		} else {
			/* No relationships: the name Excel would give it. */
			sh->path = xasprintf("%sworksheets/sheet%zu.xml", s->base, i + 1);
		}
	}
	s->infos = xcalloc(s->nsheets > 0 ? s->nsheets : 1, sizeof *s->infos);
	for (i = 0; i < s->nsheets; i++) {
		s->infos[i].name = s->sheets[i].name;
		s->infos[i].hidden = s->sheets[i].hidden;
		s->infos[i].chart = s->sheets[i].chart;
	}
	return 0;
}

/* Reads sheet i from now on, if the package has its cells. */
static int
xlsx_use_sheet(struct xlsx_source *s, size_t i, char **cause)
{
	struct xlsx_sheet *sh = &s->sheets[i];
	char *esc;

	if (!zip_has(s->zip, sh->path)) {
		esc = text_escape(sh->name);
		*cause =
		    xasprintf(_("%s is not a complete XLSX workbook: the cells of its sheet "
				"\"%s\" are missing. Save it again from the spreadsheet program."),
			s->name, esc);
		free(esc);
		return -1;
	}
	s->sheet = sh;
	return 0;
}

/* --- Styles -------------------------------------------------------------- */

static void XMLCALL
xlsx_styles_start(void *data, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx_source *s = data;
	const char *name = xlsx_local(el), *id, *code;

	if (!strcmp(name, "cellXfs"))
		s->in_cell_xfs = true;
	else if (!strcmp(name, "xf") && s->in_cell_xfs) {
		if (s->nxf == XLSX_XF_MAX)
			return;
		id = xlsx_attr(atts, "numFmtId");
		s->xf_format = xreallocarray(s->xf_format, s->nxf + 1, sizeof *s->xf_format);
		s->xf_format[s->nxf++] = id != NULL ? (unsigned)strtoul(id, NULL, 10) : 0;
	} else if (!strcmp(name, "numFmt")) {
		id = xlsx_attr(atts, "numFmtId");
		code = xlsx_attr(atts, "formatCode");
		if (id == NULL || code == NULL || s->nfmts == XLSX_XF_MAX)
			return;
		s->fmt_ids = xreallocarray(s->fmt_ids, s->nfmts + 1, sizeof *s->fmt_ids);
		s->fmt_kinds = xreallocarray(s->fmt_kinds, s->nfmts + 1, sizeof *s->fmt_kinds);
		s->fmt_ids[s->nfmts] = (unsigned)strtoul(id, NULL, 10);
		s->fmt_kinds[s->nfmts] = (unsigned char)sheet_format_kind(code);
		s->nfmts++;
	}
}

static void XMLCALL
xlsx_styles_end(void *data, const XML_Char *el)
{
	struct xlsx_source *s = data;

	if (!strcmp(xlsx_local(el), "cellXfs"))
		s->in_cell_xfs = false;
}

static int
xlsx_read_styles(struct xlsx_source *s, char **cause)
{
	char *path = xlsx_rel_part(s, "styles");
	size_t i, j;
	int rc = 0;

	if (path == NULL)
		path = xasprintf("%sstyles.xml", s->base);
	if (zip_has(s->zip, path))
		rc = xlsx_parse_part(s, path, &s->xml, xlsx_styles_start, xlsx_styles_end, NULL,
		    cause);
	free(path);
	if (rc != 0)
		return -1;
	s->xf_kind = xcalloc(s->nxf > 0 ? s->nxf : 1, 1);
	for (i = 0; i < s->nxf; i++) {
		s->xf_kind[i] = (unsigned char)sheet_builtin_kind(s->xf_format[i]);
		for (j = s->nfmts; j-- > 0;) {
			if (s->fmt_ids[j] == s->xf_format[i]) {
				s->xf_kind[i] = s->fmt_kinds[j];
				break;
			}
		}
	}
	return 0;
}

/* --- Shared strings ------------------------------------------------------ */

static int
xlsx_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes Excel's _xHHHH_ escapes of s[0..n) in place (they write control
 * characters; _x005F_ writes the underscore). Returns the new length. */
static size_t
xlsx_unescape(char *s, size_t n)
{
	size_t i = 0, o = 0;
	unsigned cp;
	int k, h;

	if (n < 7 || memmem(s, n, "_x", 2) == NULL)
		return n;
	while (i < n) {
		if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' && s[i + 6] == '_') {
			cp = 0;
			for (k = 2; k < 6; k++) {
				h = xlsx_hex((unsigned char)s[i + k]);
				if (h < 0)
					break;
				cp = cp * 16 + (unsigned)h;
			}
			if (k == 6) {
				i += 7;
				if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
					continue;
				if (cp < 0x80)
					s[o++] = (char)cp;
				else if (cp < 0x800) {
					s[o++] = (char)(0xc0 | cp >> 6);
					s[o++] = (char)(0x80 | (cp & 0x3f));
				} else {
					s[o++] = (char)(0xe0 | cp >> 12);
					s[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
					s[o++] = (char)(0x80 | (cp & 0x3f));
				}
				continue;
			}
		}
		s[o++] = s[i++];
	}
	return o;
}

static void XMLCALL
xlsx_sst_start(void *data, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx_sst *p = data;
	const char *name = xlsx_local(el);

	(void)atts;
	if (!strcmp(name, "si")) {
		if (strtab_count(p->table) == XLSX_SST_MAX) {
			xlsx_stop(&p->xml,
			    xasprintf(_("%s is refused: it holds more than %u "
					"different texts, more than sluice reads. Save the sheet as "
					"CSV and import that."),
				p->name, XLSX_SST_MAX));
			return;
		}
		p->in_si = true;
		p->si_len = 0;
	} else if (!strcmp(name, "rPh"))
		p->in_rph = true;
	else if (!strcmp(name, "t") && p->in_si && !p->in_rph)
		p->in_t = true;
}

/* Tells the sheet's parse, when it waits, that strings came or the parse
 * ended. */
static void
xlsx_sst_wake(struct xlsx_sst *p)
{
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->lock);
}

static void XMLCALL
xlsx_sst_end(void *data, const XML_Char *el)
{
	struct xlsx_sst *p = data;
	const char *name = xlsx_local(el);
	char *cause = NULL;

	if (!strcmp(name, "t"))
		p->in_t = false;
	else if (!strcmp(name, "rPh"))
		p->in_rph = false;
	else if (!strcmp(name, "si") && p->in_si) {
		p->si_len = xlsx_unescape(p->si_text, p->si_len);
		if (strtab_add(p->table, p->si_text, p->si_len, &cause) != 0)
			xlsx_stop(&p->xml, cause);
		p->in_si = false;
		size_t m = strtab_in_memory(p->table);
		if (m != atomic_load_explicit(&p->ready, memory_order_relaxed)) {
			atomic_store_explicit(&p->ready, m, memory_order_release);
			if (m % 1024 == 0)
				xlsx_sst_wake(p);
		}
	}
}

static void XMLCALL
xlsx_sst_text(void *data, const XML_Char *text, int len)
{
	struct xlsx_sst *p = data;
	size_t size;

	if (!p->in_t || len <= 0)
		return;
	if (p->text_len + (size_t)len + 1 > XLSX_SST_TEXT_MAX) {
		xlsx_stop(&p->xml,
		    xasprintf(_("%s is refused: its shared strings hold more than "
				"%zu MiB of text, more than sluice reads. Save the sheet as CSV and "
				"import that."),
			p->name, XLSX_SST_TEXT_MAX >> 20));
		return;
	}
	p->text_len += (size_t)len;
	if (p->si_len + (size_t)len + 1 > p->si_size) {
		size = p->si_size ? p->si_size : 256;
		while (size < p->si_len + (size_t)len + 1)
			size *= 2;
		p->si_text = xrealloc(p->si_text, size);
		p->si_size = size;
	}
	memcpy(p->si_text + p->si_len, text, (size_t)len);
	p->si_len += (size_t)len;
}

static void *
xlsx_sst_run(void *arg)
{
	struct xlsx_sst *p = arg;
	char *cause = NULL;
	int rc = xlsx_parse_zip_part(p->zip, p->name, p->path, &p->xml, xlsx_sst_start,
	    xlsx_sst_end, xlsx_sst_text, &p->stop, &cause);
	pthread_mutex_lock(&p->lock);
	p->rc = rc;
	p->cause = cause;
	p->done = true;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Ends the shared strings' parse (at once with stop, else once it is
 * done): 0, or -1 with *cause when it failed. From then on the table is
 * the sheet's parse's alone. */
static int
xlsx_sst_finish(struct xlsx_source *s, bool stop, char **cause)
{
	struct xlsx_sst *p = s->sst;
	if (p == NULL)
		return 0;
	if (p->running) {
		if (stop)
			atomic_store(&p->stop, true);
		pthread_join(p->thread, NULL);
		p->running = false;
	}
	if (p->rc == 0)
		return 0;
	if (cause != NULL && p->cause != NULL) {
		*cause = p->cause;
		p->cause = NULL;
	}
	return -1;
}

static void
xlsx_sst_free(struct xlsx_sst *p)
{
	if (p == NULL)
		return;
	strtab_free(p->table);
	zip_close(p->zip);
	free(p->path);
	free(p->si_text);
	free(p->cause);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->more);
	free(p);
}

/* Starts reading the shared strings on a thread of their own, through
 * another reader of the file (or here, when no thread can be made). */
static int
xlsx_read_shared_strings(struct xlsx_source *s, size_t memory, char **cause)
{
	struct xlsx_sst *p = xcalloc(1, sizeof *p);
	char *path = xlsx_rel_part(s, "sharedStrings");

	s->sst = p;
	p->name = s->name;
	/* SLUICE_TEST_SST_MEMORY: less, so that a test can put most strings
	 * on disk. */
	const char *hook = getenv("SLUICE_TEST_SST_MEMORY");
	if (hook != NULL && atol(hook) > 0)
		memory = (size_t)atol(hook);
	p->table = strtab_new(memory);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->more, NULL);
	if (path == NULL)
		path = xasprintf("%ssharedStrings.xml", s->base);
	p->path = path;
	if (!zip_has(s->zip, path))
		return 0;
	p->zip = zip_open(s->fd, s->name, cause);
	if (p->zip == NULL)
		return -1;
	strtab_reserve(p->table);
	p->running = thread_start(&p->thread, xlsx_sst_run, p) == 0;
	if (p->running)
		return 0;
	p->rc = xlsx_parse_zip_part(p->zip, p->name, p->path, &p->xml, xlsx_sst_start, xlsx_sst_end,
	    xlsx_sst_text, NULL, cause);
	zip_add_inflated(s->zip, zip_inflated_total(p->zip));
	p->counted = true;
	return p->rc;
}

/* --- The sheet ----------------------------------------------------------- */

/* Reads a cell reference such as "AB12": *col is 0-based, *line 1-based.
 * Returns false when it is not one or lies beyond XFD1048576. */
static bool
xlsx_cell_ref(const char *ref, long *col, uint64_t *line)
{
	const char *p = ref;
	unsigned long c = 0, r = 0;
	int letters = 0, digits = 0;

	for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
		if (++letters > 3)
			return false;
		c = c * 26 + (unsigned long)((*p | 0x20) - 'a' + 1);
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 7)
			return false;
		r = r * 10 + (unsigned long)(*p - '0');
	}
	if (*p != '\0' || letters == 0 || c > SHEET_COLUMNS_MAX ||
	    (digits > 0 && (r == 0 || r > SHEET_ROWS_MAX)))
		return false;
	*col = (long)c - 1;
	*line = r;
	return true;
}

static void
xlsx_sheet_fail(struct xlsx_source *s, char *why)
{
	xlsx_stop(&s->xml, why);
}

/* A cell's attributes r, t and s, read in one pass: a sheet has millions
 * of cells. */
static void
xlsx_cell_attrs(const char **atts, const char **r, const char **t, const char **style)
{
	*r = *t = *style = NULL;
	for (; *atts != NULL; atts += 2) {
		if (atts[0][0] == '\0' || atts[0][1] != '\0')
			continue;
		switch (atts[0][0]) {
		case 'r': *r = atts[1]; break;
		case 't': *t = atts[1]; break;
		case 's': *style = atts[1]; break;
		}
	}
}

static unsigned
xlsx_style_index(const char *v)
{
	unsigned n = 0;

	for (; *v >= '0' && *v <= '9'; v++) {
		if (n > XLSX_XF_MAX)
			return XLSX_XF_MAX;
		n = n * 10 + (unsigned)(*v - '0');
	}
	return n;
}

static void XMLCALL
xlsx_sheet_start(void *data, const XML_Char *el, const XML_Char **atts)
{
	struct xlsx_source *s = data;
	const char *name = el[0] != '\0' && el[1] == '\0' ? el : xlsx_local(el), *v, *t, *st;
	unsigned long n;
	uint64_t line;
	char *esc;

	if (s->in_cell) {
		if (!strcmp(name, "v"))
			s->in_v = s->has_value = true;
		else if (!strcmp(name, "is")) {
			/* An inline string's text is the cell's value: a <v>
			 * beside it (read before or after) is not added to it. */
			if (!s->seen_is)
				s->value_len = 0;
			s->in_is = s->has_value = s->seen_is = true;
			s->type = XLSX_CELL_INLINE;
		} else if (!strcmp(name, "rPh"))
			s->in_rph = true;
		else if (!strcmp(name, "t") && s->in_is && !s->in_rph)
			s->in_t = true;
		return;
	}
	if (s->in_row && !strcmp(name, "c")) {
		s->in_cell = true;
		s->has_value = s->seen_is = false;
		s->value_len = 0;
		xlsx_cell_attrs(atts, &v, &t, &st);
		if (v != NULL) {
			if (!xlsx_cell_ref(v, &s->col, &line)) {
				esc = text_escape(v);
				xlsx_sheet_fail(s,
				    xasprintf(_("%s is refused: its row %llu has a cell "
						"at \"%s\", beyond the last cell a spreadsheet has (XFD1048576). "
						"Save it again from the spreadsheet program."),
					s->name, (unsigned long long)s->parse_line, esc));
				free(esc);
				return;
			}
		} else if (++s->col >= SHEET_COLUMNS_MAX) {
			xlsx_sheet_fail(s,
			    xasprintf(_("%s is refused: its row %llu has more than "
					"%d columns, more than a spreadsheet has. Save it again from the "
					"spreadsheet program."),
				s->name, (unsigned long long)s->parse_line, SHEET_COLUMNS_MAX));
			return;
		}
		if (t == NULL || !strcmp(t, "n"))
			s->type = XLSX_CELL_NUMBER;
		else if (!strcmp(t, "s"))
			s->type = XLSX_CELL_SHARED;
		else if (!strcmp(t, "inlineStr"))
			s->type = XLSX_CELL_INLINE;
		else if (!strcmp(t, "b"))
			s->type = XLSX_CELL_BOOL;
		else if (!strcmp(t, "e"))
			s->type = XLSX_CELL_ERROR;
		else if (!strcmp(t, "d"))
			s->type = XLSX_CELL_DATE;
		else
			s->type = XLSX_CELL_STRING;
		s->style = st != NULL ? xlsx_style_index(st) : 0;
		return;
	}
	if (s->in_sheet_data && !strcmp(name, "row")) {
		v = xlsx_attr(atts, "r");
		if (v != NULL) {
			errno = 0;
			n = strtoul(v, NULL, 10);
			if (errno != 0 || n == 0 || n > SHEET_ROWS_MAX) {
				esc = text_escape(v);
				xlsx_sheet_fail(s,
				    xasprintf(_("%s is refused: it has a row numbered "
						"\"%s\", beyond the last row a spreadsheet has (%d). Save it again "
						"from the spreadsheet program."),
					s->name, esc, SHEET_ROWS_MAX));
				free(esc);
				return;
			}
			s->parse_line = n;
		} else if (++s->parse_line > SHEET_ROWS_MAX) {
			xlsx_sheet_fail(s,
			    xasprintf(_("%s is refused: it has more than %d rows, "
					"more than a spreadsheet has. Save it again from the spreadsheet "
					"program."),
				s->name, SHEET_ROWS_MAX));
			return;
		}
		s->in_row = true;
		s->col = -1;
		sheet_row_begin(&s->build);
		return;
	}
	if (!strcmp(name, "sheetData"))
		s->in_sheet_data = true;
}

/* Waits until string i of the shared strings can be read while their
 * parse goes on, or until that parse has ended (then joined: false, with
 * the parse stopped when it failed). */
static bool
xlsx_sst_wait(struct xlsx_source *s, size_t i)
{
	struct xlsx_sst *p = s->sst;
	bool done;

	pthread_mutex_lock(&p->lock);
	while (!(done = p->done) && atomic_load_explicit(&p->ready, memory_order_acquire) <= i)
		pthread_cond_wait(&p->more, &p->lock);
	pthread_mutex_unlock(&p->lock);
	if (!done)
		return true;
	/* What failed is said by xlsx_open(), which asks again. */
	if (xlsx_sst_finish(s, false, NULL) != 0)
		xlsx_sheet_fail(s, xstrdup(p->cause != NULL ? p->cause : ""));
	return false;
}

/* The shared string the cell's value names, or NULL after stopping the
 * parse. */
static const char *
xlsx_shared_string(struct xlsx_source *s, size_t *len)
{
	char column[4], *cause = NULL;
	const char *p = s->value, *text;
	struct xlsx_sst *sst = s->sst;
	size_t i = 0;

	for (; *p >= '0' && *p <= '9' && i <= XLSX_SST_MAX; p++)
		i = i * 10 + (size_t)(*p - '0');
	if (p != s->value && *p == '\0' && sst->running &&
	    (i < atomic_load_explicit(&sst->ready, memory_order_acquire) || xlsx_sst_wait(s, i)))
		return strtab_peek(sst->table, i, len);
	if (s->xml.error != NULL)
		return NULL; /* the shared strings' parse failed */
	if (p == s->value || *p != '\0' || i >= strtab_count(sst->table)) {
		sheet_column_name((unsigned)s->col, column);
		xlsx_sheet_fail(s,
		    xasprintf(_("%s is damaged: its cell %s%llu refers to a "
				"shared text that the workbook does not have. Save it again from the "
				"spreadsheet program."),
			s->name, column, (unsigned long long)s->parse_line));
		return NULL;
	}
	text = strtab_get(sst->table, i, len, &cause);
	if (text == NULL)
		xlsx_sheet_fail(s, cause);
	return text;
}

/* The value of the cell just read as text, into buf when it must be
 * written; *len 0 for an empty cell. NULL after stopping the parse. */
static const char *
xlsx_cell_text(struct xlsx_source *s, char *buf, size_t *len)
{
	enum sheet_kind kind;
	size_t n;

	*len = 0;
	switch (s->type) {
	case XLSX_CELL_SHARED:
		/* <v/>: an empty cell, as spreadsheet programs read it. */
		return s->value_len == 0 ? "" : xlsx_shared_string(s, len);
	case XLSX_CELL_INLINE:
		*len = xlsx_unescape(s->value, s->value_len);
		s->value[*len] = '\0';
		return s->value;
	case XLSX_CELL_STRING:
	case XLSX_CELL_ERROR: *len = s->value_len; return s->value;
	case XLSX_CELL_BOOL:
		if (s->value_len == 0)
			return "";
		*len = s->value[0] == '1' || (s->value[0] | 0x20) == 't' ? 4 : 5;
		return *len == 4 ? "TRUE" : "FALSE";
	case XLSX_CELL_DATE:
		kind = s->style < s->nxf ? (enum sheet_kind)s->xf_kind[s->style] : SHEET_DATE;
		n = s->value_len;
		if (n > 19)
			n = 19;
		if (kind == SHEET_DATE && n > 10)
			n = 10;
		memcpy(buf, s->value, n);
		buf[n] = '\0';
		if (n > 10 && buf[10] == ' ')
			buf[10] = 'T';
		*len = n;
		return buf;
	case XLSX_CELL_NUMBER: break;
	}
	if (s->value_len == 0)
		return "";
	kind = s->style < s->nxf ? (enum sheet_kind)s->xf_kind[s->style] : SHEET_NUMBER;
	double v;
	if (sheet_parse_number(s->value, &v) && !isfinite(v)) {
		/* No spreadsheet holds NaN or infinity: the text is kept as
		 * the file has it and the row is rejected, never read as 0. */
		char column[4], *esc = text_escape(s->value);
		sheet_column_name((unsigned)s->col, column);
		sheet_row_problem(&s->build,
		    xasprintf(_("its cell %s%llu holds \"%s\", which is no number a "
				"spreadsheet holds; correct the cell in the spreadsheet program."),
			column, (unsigned long long)s->parse_line, esc));
		free(esc);
		*len = s->value_len;
		return s->value;
	}
	if (kind != SHEET_NUMBER) {
		if (sheet_parse_number(s->value, &v)) {
			*len = sheet_format_date(v, kind, s->date1904, buf);
			return buf;
		}
	}
	n = sheet_format_number_text(s->value, buf);
	if (n == 0) {
		*len = s->value_len;
		return s->value;
	}
	*len = n;
	return buf;
}

static void
xlsx_end_cell(struct xlsx_source *s)
{
	char buf[SHEET_NUMBER_SIZE], *cause = NULL;
	const char *text;
	size_t len;

	s->in_cell = s->in_v = s->in_is = s->in_t = s->in_rph = false;
	if (!s->has_value)
		return;
	s->value[s->value_len] = '\0';
	text = xlsx_cell_text(s, buf, &len);
	if (text == NULL || len == 0)
		return;
	if (sheet_row_add(&s->build, (unsigned)s->col, text, len, s->parse_line, &cause) != 0)
		xlsx_sheet_fail(s, cause);
}

/* A row's fixed part in the spool. */
struct xlsx_spooled {
	uint64_t line;
	size_t text_len, ncells, problem_len;
};

static char *
xlsx_spool_cause(void)
{
	return xasprintf(_("Cannot use the temporary file that holds the file's texts: %s."),
	    strerror(errno ? errno : EIO));
}

/* Empties the spool, creating it in $TMPDIR (or /tmp), already unlinked,
 * the first time: a descriptor to write it and one to read it back. */
static int
xlsx_spool_reset(struct xlsx_source *s, char **cause)
{
	const char *dir;
	char *path;
	int fd, in = -1;

	s->spool_done = false;
	s->rows_read = s->rows_whole = 0;
	if (s->spool != NULL) {
		rewind(s->spool);
		rewind(s->spool_in);
		if (ftruncate(fileno(s->spool), 0) == 0)
			return 0;
		*cause = xlsx_spool_cause();
		return -1;
	}
	dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	path = xasprintf("%s/sluice-rows-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0) {
		in = open(path, O_RDONLY | O_CLOEXEC);
		int err = errno;
		unlink(path);
		errno = err;
	}
	if (in >= 0) {
		s->spool = fdopen(fd, "w");
		s->spool_in = s->spool != NULL ? fdopen(in, "r") : NULL;
	}
	free(path);
	if (s->spool_in == NULL) {
		int err = errno;
		if (s->spool != NULL)
			fclose(s->spool);
		else if (fd >= 0)
			close(fd);
		if (in >= 0)
			close(in);
		s->spool = NULL;
		*cause =
		    xasprintf(_("Cannot create a temporary file in %s for the file's texts: %s."),
			dir, strerror(err));
		return -1;
	}
	/* glibc's setvbuf() keeps its own size without a buffer given. */
	s->spool_buf = xmalloc(XLSX_SPOOL_BUFFER);
	setvbuf(s->spool, s->spool_buf, _IOFBF, XLSX_SPOOL_BUFFER);
	s->spool_in_buf = xmalloc(XLSX_SPOOL_BUFFER);
	setvbuf(s->spool_in, s->spool_in_buf, _IOFBF, XLSX_SPOOL_BUFFER);
	return 0;
}

/* Adds the row just read to the spool. */
static void
xlsx_spool_row(struct xlsx_source *s)
{
	struct sheet_rows *r = &s->build;
	struct xlsx_spooled h = { s->parse_line, r->text_len, r->ncells,
		r->problem != NULL ? strlen(r->problem) : 0 };

	if (fwrite(&h, sizeof h, 1, s->spool) != 1 ||
	    fwrite(r->text, 1, h.text_len, s->spool) != h.text_len ||
	    fwrite(r->cols, sizeof *r->cols, h.ncells, s->spool) != h.ncells ||
	    fwrite(r->lens, sizeof *r->lens, h.ncells, s->spool) != h.ncells ||
	    (h.problem_len > 0 && fwrite(r->problem, 1, h.problem_len, s->spool) != h.problem_len))
		xlsx_sheet_fail(s, xlsx_spool_cause());
}

/* While the parse goes on: waits until more rows than those read back are
 * whole in the spool, or the parse has ended. 0 (rows_whole and settled
 * updated), or -1 with s->failure set when the parse failed. */
static int
xlsx_spool_wait(struct xlsx_source *s)
{
	struct xlsx_parse *p = &s->parse;
	int rc = 0;

	pthread_mutex_lock(&p->lock);
	while (!p->done && p->whole <= s->rows_read)
		pthread_cond_wait(&p->changed, &p->lock);
	s->rows_whole = p->whole;
	if (p->done && p->failure != NULL) {
		free(s->failure);
		s->failure = xstrdup(p->failure);
		rc = -1;
	} else if (p->done) {
		s->settled = true;
		s->total = s->rows_whole > s->skip ? s->rows_whole - 1 - s->skip : 0;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* Reads the next row back from the spool into s->rows: 1, 0 at its end,
 * -1 with s->failure set (when the spool fails us, or as soon as the parse
 * going on has failed). */
static int
xlsx_spool_next(struct xlsx_source *s)
{
	struct sheet_rows *r = &s->rows;
	struct xlsx_spooled h;

	if (s->spool_done)
		return 0;
	if (!s->settled &&
	    (s->rows_read >= s->rows_whole ||
		atomic_load_explicit(&s->parse.state, memory_order_relaxed) < 0) &&
	    xlsx_spool_wait(s) != 0)
		return -1;
	if (s->rows_read >= s->rows_whole) {
		s->spool_done = true;
		return 0;
	}
	if (fread(&h, sizeof h, 1, s->spool_in) != 1)
		goto fail;
	sheet_row_begin(r);
	if (h.text_len > r->text_size) {
		r->text = xrealloc(r->text, h.text_len);
		r->text_size = h.text_len;
	}
	if (h.ncells > r->cells_size) {
		r->cells_size = h.ncells;
		r->cols = xreallocarray(r->cols, h.ncells, sizeof *r->cols);
		r->offs = xreallocarray(r->offs, h.ncells, sizeof *r->offs);
		r->lens = xreallocarray(r->lens, h.ncells, sizeof *r->lens);
	}
	if (h.problem_len > 0)
		r->problem = xmalloc(h.problem_len + 1);
	if (fread(r->text, 1, h.text_len, s->spool_in) != h.text_len ||
	    fread(r->cols, sizeof *r->cols, h.ncells, s->spool_in) != h.ncells ||
	    fread(r->lens, sizeof *r->lens, h.ncells, s->spool_in) != h.ncells ||
	    (h.problem_len > 0 && fread(r->problem, 1, h.problem_len, s->spool_in) != h.problem_len))
		goto fail;
	if (r->problem != NULL)
		r->problem[h.problem_len] = '\0';
	/* The cells' texts follow one another, each ended by a NUL, after
	 * the empty one at 0 (sheet_row_add). */
	for (size_t i = 0, off = 1; i < h.ncells; off += r->lens[i++] + 1) {
		if (off + r->lens[i] >= h.text_len)
			goto fail;
		r->offs[i] = off;
	}
	r->text_len = h.text_len;
	r->ncells = h.ncells;
	s->line = h.line;
	s->rows_read++;
	return 1;
fail:
	if (!ferror(s->spool_in))
		errno = EIO;
	free(s->failure);
	s->failure = xlsx_spool_cause();
	return -1;
}

static void XMLCALL
xlsx_sheet_end(void *data, const XML_Char *el)
{
	struct xlsx_source *s = data;
	const char *name = el[0] != '\0' && el[1] == '\0' ? el : xlsx_local(el);

	if (s->in_cell) {
		if (!strcmp(name, "c"))
			xlsx_end_cell(s);
		else if (!strcmp(name, "v"))
			s->in_v = false;
		else if (!strcmp(name, "is"))
			s->in_is = false;
		else if (!strcmp(name, "t"))
			s->in_t = false;
		else if (!strcmp(name, "rPh"))
			s->in_rph = false;
		return;
	}
	if (s->in_row && !strcmp(name, "row")) {
		s->in_row = false;
		if (!sheet_row_empty(&s->build)) {
			s->rows_counted++;
			xlsx_spool_row(s);
		}
		return;
	}
	if (!strcmp(name, "sheetData"))
		s->in_sheet_data = false;
}

static void XMLCALL
xlsx_sheet_text(void *data, const XML_Char *text, int len)
{
	struct xlsx_source *s = data;
	size_t size;
	char column[4];

	if (!((s->in_v && !s->seen_is) || (s->in_is && s->in_t && !s->in_rph)) || len <= 0)
		return;
	if (s->value_len + (size_t)len + 1 > SHEET_CELL_MAX) {
		sheet_column_name((unsigned)(s->col < 0 ? 0 : s->col), column);
		xlsx_sheet_fail(s,
		    xasprintf(_("%s is refused: its cell %s%llu holds more than "
				"1 MiB of text, more than a spreadsheet cell can. Save it again from the "
				"spreadsheet program."),
			s->name, column, (unsigned long long)s->parse_line));
		return;
	}
	if (s->value_len + (size_t)len + 1 > s->value_size) {
		size = s->value_size;
		while (size < s->value_len + (size_t)len + 1)
			size *= 2;
		s->value = xrealloc(s->value, size);
		s->value_size = size;
	}
	memcpy(s->value + s->value_len, text, (size_t)len);
	s->value_len += (size_t)len;
}

/* Starts reading the sheet from its beginning. */
static int
xlsx_sheet_begin(struct xlsx_source *s, char **cause)
{
	if (s->xml.parser != NULL) {
		XML_ParserFree(s->xml.parser);
		s->xml.parser = NULL;
	}
	if (xlsx_spool_reset(s, cause) != 0 || zip_entry_open(s->zip, s->sheet->path, cause) != 0)
		return -1;
	xlsx_parser_new(&s->xml, xlsx_sheet_start, xlsx_sheet_end, xlsx_sheet_text);
	s->in_sheet_data = s->in_row = s->in_cell = s->in_v = s->in_is = false;
	s->in_t = s->in_rph = false;
	s->parse_line = 0;
	s->rows_counted = 0;
	return 0;
}

/* Makes the rows parsed so far readable: written to the file, then said. */
static int
xlsx_publish(struct xlsx_source *s)
{
	struct xlsx_parse *p = &s->parse;

	if (fflush(s->spool) != 0)
		return -1;
	pthread_mutex_lock(&p->lock);
	p->whole = s->rows_counted;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Parses all of the sheet into the spool, making its rows readable as it
 * goes, and ends the shared strings' parse: 0, or -1 with *failure set. */
static int
xlsx_parse_sheet(struct xlsx_source *s, char **failure)
{
	struct xlsx_parse *p = &s->parse;
	char *cause = NULL, *sst_cause = NULL;
	uint64_t fed = 0, said = 0;
	bool stopped = false;
	ssize_t n;
	const void *data;

	/* Inflated on another core while this one parses. */
	struct zip_ahead *ahead = zip_ahead_start(s->zip);
	do {
		if (atomic_load_explicit(&p->stop, memory_order_relaxed)) {
			stopped = true;
			n = 0;
			break;
		}
		n = zip_ahead_next(ahead, &data, &cause);
		if (n < 0)
			break;
		if (xlsx_feed(s->xml.parser, data, n) == XML_STATUS_ERROR) {
			cause = xlsx_parse_error(s->name, &s->xml, s->sheet->path);
			n = -1;
			break;
		}
		fed += (uint64_t)n;
		atomic_store_explicit(&p->fed, fed, memory_order_relaxed);
		atomic_store_explicit(&p->counted, s->rows_counted, memory_order_relaxed);
		/* Parsed whole first, the rows are read back once it has
		 * ended: written as the spool's buffer fills, not a chunk. */
		if (p->early && s->rows_counted != said) {
			if (xlsx_publish(s) != 0) {
				cause = xlsx_spool_cause();
				n = -1;
				break;
			}
			said = s->rows_counted;
		}
	} while (n > 0);
	zip_ahead_stop(ahead);
	/* The shared strings are read whole whatever the sheet holds (a
	 * damaged table refuses the file), and what is wrong with them is
	 * said first, as it was when they were read first. */
	if (xlsx_sst_finish(s, stopped, &sst_cause) != 0) {
		free(cause);
		cause = sst_cause != NULL ? sst_cause : xlsx_spool_cause();
		n = -1;
	}
	/* What the table's reader inflated counts towards the workbook's
	 * limit (here, once the sheet's reader is done). */
	if (s->sst != NULL && s->sst->zip != NULL && !s->sst->counted) {
		zip_add_inflated(s->zip, zip_inflated_total(s->sst->zip));
		s->sst->counted = true;
	}
	if (n == 0 && fflush(s->spool) != 0) {
		cause = xlsx_spool_cause();
		n = -1;
	}
	*failure = cause;
	return n < 0 ? -1 : 0;
}

/* The sheet's parse, on its thread: says how it ended, and gives back the
 * shared strings' memory when xlsx_open() has left it that. */
static void *
xlsx_parse_run(void *arg)
{
	struct xlsx_source *s = arg;
	struct xlsx_parse *p = &s->parse;
	char *failure = NULL;
	int rc = xlsx_parse_sheet(s, &failure);

	pthread_mutex_lock(&p->lock);
	if (rc == 0)
		p->whole = s->rows_counted;
	p->failure = failure;
	p->done = true;
	bool mine = p->owns_sst;
	atomic_store_explicit(&p->state, rc == 0 ? 1 : -1, memory_order_release);
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	if (mine) {
		xlsx_sst_free(s->sst);
		s->sst = NULL;
	}
	return NULL;
}

/* Starts the sheet's parse on a thread of its own and waits until it has
 * ended (true, joined), or with early > 0, until that many rows are whole
 * in the spool (false: the parse goes on). */
static bool
xlsx_parse_begin(struct xlsx_source *s, uint64_t early)
{
	struct xlsx_parse *p = &s->parse;
	bool done;

	s->settled = false; /* a sheet before it may have been */
	p->whole = 0;
	p->done = false;
	free(p->failure);
	p->failure = NULL;
	atomic_store(&p->stop, false);
	atomic_store(&p->state, 0);
	atomic_store(&p->fed, 0);
	atomic_store(&p->counted, 0);
	p->declared = zip_entry_size(s->zip);
	p->early = early > 0;
	if (thread_start(&p->thread, xlsx_parse_run, s) != 0) {
		xlsx_parse_run(s); /* no thread to be had: here, whole */
		return true;
	}
	p->running = true;
	pthread_mutex_lock(&p->lock);
	while (!p->done && (early == 0 || p->whole < early))
		pthread_cond_wait(&p->changed, &p->lock);
	done = p->done;
	pthread_mutex_unlock(&p->lock);
	if (done) {
		pthread_join(p->thread, NULL);
		p->running = false;
	}
	return done;
}

static void xlsx_close(void *);

/* Finds the header among the rows of the sheet (sheet_row_is_header):
 * sets *skip to the rows with values above it. The spool is read from its
 * beginning again after. */
static int
xlsx_find_header(struct xlsx_source *s, uint64_t want, uint64_t *skip, char **cause)
{
	size_t nth = 0;
	int rc;

	*skip = 0;
	while ((rc = xlsx_spool_next(s)) == 1) {
		if (sheet_row_is_header(&s->rows, nth, s->line, want)) {
			*skip = nth;
			break;
		}
		if (want == 0 && nth + 1 >= SOURCE_HEADER_ROWS)
			break; /* none looks like one: the first row is it */
		nth++;
	}
	if (rc < 0) {
		*cause = s->failure;
		s->failure = NULL;
		return -1;
	}
	if (rc == 0 && want != 0) {
		char *esc = text_escape(s->sheet->name);
		*cause = xasprintf(_("The sheet \"%s\" of %s has no row with a value on row %llu or "
				     "after it: there is no header row there."),
		    esc, s->name, (unsigned long long)want);
		free(esc);
		return -1;
	}
	s->spool_done = false;
	s->rows_read = 0;
	if (fseeko(s->spool_in, 0, SEEK_SET) != 0) {
		*cause = xlsx_spool_cause();
		return -1;
	}
	return 0;
}

static void *
xlsx_open(int fd, const char *path, const struct source_options *opts, char **cause)
{
	struct xlsx_source *s = xcalloc(1, sizeof *s);
	const char *want;
	long chosen, first;
	uint64_t skip;
	struct stat sb;
	char *esc;

	s->fd = fd;
	s->name = text_escape(path);
	sheet_rows_init(&s->rows, s->name);
	sheet_rows_init(&s->build, s->name);
	pthread_mutex_init(&s->parse.lock, NULL);
	pthread_cond_init(&s->parse.changed, NULL);
	s->value_size = 4096;
	s->value = xmalloc(s->value_size);
	if (fstat(fd, &sb) == 0)
		s->size = (uint64_t)sb.st_size;
	s->zip = zip_open(fd, s->name, cause);
	if (s->zip == NULL)
		goto fail;
	if (xlsx_read_workbook(s, cause) != 0)
		goto fail;
	want = opts != NULL ? opts->sheet : NULL;
	chosen = sheet_choose(s->infos, s->nsheets, want, s->name, cause);
	if (chosen < 0 || xlsx_use_sheet(s, (size_t)chosen, cause) != 0 ||
	    xlsx_read_styles(s, cause) != 0 ||
	    xlsx_read_shared_strings(s,
		opts != NULL && opts->early ? XLSX_SST_EARLY_MEMORY : XLSX_SST_MEMORY, cause) != 0)
		goto fail;

	/* All of the sheet is parsed before any row is given out, so that
	 * a damaged or hostile file writes nothing; or, with early, once the
	 * header is found, as the parse goes on (source_settle() then says
	 * whether all of it was read cleanly). Without a choice, the first
	 * sheet holding rows is read. */
	uint64_t early = 0;
	if (opts != NULL && opts->early) {
		const char *hook = getenv("SLUICE_TEST_XLSX_EARLY_ROWS");
		early = hook != NULL && atol(hook) > 0 ? (uint64_t)atol(hook) : XLSX_EARLY_ROWS;
	}
	first = chosen;
	for (;;) {
		if (xlsx_sheet_begin(s, cause) != 0)
			goto fail;
		if (!xlsx_parse_begin(s, early))
			break; /* rows there, the parse going on */
		if (s->parse.failure != NULL) {
			*cause = s->parse.failure;
			s->parse.failure = NULL;
			goto fail;
		}
		s->settled = true;
		s->rows_whole = s->rows_counted;
		if (s->rows_counted > 0 || want != NULL ||
		    (chosen = sheet_next_with_cells(s->infos, s->nsheets, (size_t)chosen)) < 0)
			break;
		if (xlsx_use_sheet(s, (size_t)chosen, cause) != 0)
			goto fail;
	}
	/* The rows in the spool hold their texts: the shared strings are
	 * needed no more, and their memory goes back before the import's
	 * (by the parse as it ends, when it goes on). */
	bool has_rows = !s->settled || s->rows_counted > 0, mine = true;
	if (!s->settled) {
		pthread_mutex_lock(&s->parse.lock);
		if (!s->parse.done)
			s->parse.owns_sst = true, mine = false;
		pthread_mutex_unlock(&s->parse.lock);
	}
	if (mine) {
		xlsx_sst_free(s->sst);
		s->sst = NULL;
	}
	esc = text_escape(s->sheet->name);
	if (has_rows && want == NULL && chosen != first) {
		char *skipped = text_escape(s->sheets[first].name);
		s->description = xasprintf(
		    _("XLSX, sheet \"%s\" (the first with data: \"%s\" is empty)"), esc, skipped);
		free(skipped);
	} else
		s->description = xasprintf(_("XLSX, sheet \"%s\""), esc);
	if (!has_rows && opts != NULL && opts->empty_ok) {
		free(esc);
		return s; /* no header, no rows: sluice inspect lists it */
	}
	if (!has_rows) {
		if (want == NULL) {
			free(esc);
			esc = text_escape(s->sheets[first].name);
		}
		*cause = want != NULL ?
		    xasprintf(_("The sheet \"%s\" of %s is empty: there is no header row. "
				"Choose another sheet with --sheet (sluice inspect %s lists them)."),
			esc, s->name, s->name) :
		    xasprintf(_("Every sheet of %s is empty: there is no header row to "
				"read (sluice inspect %s lists the sheets)."),
			s->name, s->name);
		free(esc);
		goto fail;
	}
	free(esc);
	if (xlsx_find_header(s, opts != NULL ? opts->header_line : 0, &skip, cause) != 0)
		goto fail;
	s->skip = skip;
	if (s->settled)
		s->total = s->rows_whole - 1 - skip;

	for (uint64_t i = 0; i <= skip; i++) {
		if (xlsx_spool_next(s) != 1) {
			*cause = s->failure != NULL ? s->failure : xlsx_spool_cause();
			s->failure = NULL;
			goto fail;
		}
	}
	s->header_line = s->line;
	char *d = sheet_describe_header(s->description, s->line, skip);
	free(s->description);
	s->description = d;
	sheet_take_header(&s->rows);
	if (s->rows.problem != NULL) {
		*cause = xasprintf(_("The header row of %s: %s"), s->name, s->rows.problem);
		goto fail;
	}
	return s;

fail:
	xlsx_close(s);
	return NULL;
}

static const char *const *
xlsx_header(void *state, size_t *n)
{
	struct xlsx_source *s = state;

	*n = s->rows.nheader;
	return (const char *const *)s->rows.header;
}

static int
xlsx_next(void *state, struct row **row, char **cause)
{
	struct xlsx_source *s = state;

	if (s->failure != NULL) {
		*cause = xstrdup(s->failure);
		return -1;
	}
	switch (xlsx_spool_next(s)) {
	case 1: *row = sheet_row_make(&s->rows, s->line); return 1;
	case 0: return 0;
	default: *cause = xstrdup(s->failure); return -1;
	}
}

/* The share of the sheet's rows given out, in bytes of the file; while
 * the parse goes on, of the rows the sheet holds at the pace they came so
 * far (by the bytes of its XML parsed). */
static uint64_t
xlsx_offset(void *state)
{
	struct xlsx_source *s = state;

	if (s->spool_done)
		return s->size;
	double total = (double)s->total;
	if (!s->settled) {
		uint64_t fed = atomic_load_explicit(&s->parse.fed, memory_order_relaxed);
		uint64_t counted = atomic_load_explicit(&s->parse.counted, memory_order_relaxed);
		if (fed == 0 || s->parse.declared == 0)
			return 0;
		double part = (double)fed / (double)s->parse.declared;
		total = (double)counted / (part < 1.0 ? part : 1.0) - 1.0 - (double)s->skip;
		if (total < (double)s->rows.rows + 1.0)
			total = (double)s->rows.rows + 1.0;
	}
	if (total <= 0)
		return 0;
	return (uint64_t)((double)s->size * (double)s->rows.rows / total);
}

/* Waits for the end of the sheet's parse: 0 when all of it was read
 * cleanly, -1 with *cause when not. */
static int
xlsx_settle(void *state, char **cause)
{
	struct xlsx_source *s = state;
	struct xlsx_parse *p = &s->parse;
	int rc = 0;

	pthread_mutex_lock(&p->lock);
	while (!p->done)
		pthread_cond_wait(&p->changed, &p->lock);
	if (p->failure != NULL) {
		*cause = xstrdup(p->failure);
		rc = -1;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static bool
xlsx_settled(void *state)
{
	struct xlsx_source *s = state;

	return atomic_load_explicit(&s->parse.state, memory_order_acquire) != 0;
}

static const char *
xlsx_describe(void *state)
{
	struct xlsx_source *s = state;

	return s->description;
}

static const char *
xlsx_sheet_name(void *state)
{
	struct xlsx_source *s = state;

	return s->sheet->name;
}

static uint64_t
xlsx_header_line(void *state)
{
	struct xlsx_source *s = state;

	return s->header_line != 0 ? s->header_line : 1;
}

static const struct source_sheet_info *
xlsx_sheets(void *state, size_t *n)
{
	struct xlsx_source *s = state;

	*n = s->nsheets;
	return s->infos;
}

static void
xlsx_close(void *state)
{
	struct xlsx_source *s = state;
	size_t i;

	if (s == NULL)
		return;
	/* First: the sheet's parse and the shared strings' thread read the
	 * file. */
	if (s->parse.running) {
		atomic_store(&s->parse.stop, true);
		pthread_join(s->parse.thread, NULL);
	}
	if (s->sst != NULL)
		xlsx_sst_finish(s, true, NULL);
	xlsx_sst_free(s->sst);
	if (s->xml.parser != NULL)
		XML_ParserFree(s->xml.parser);
	if (s->spool != NULL)
		fclose(s->spool);
	if (s->spool_in != NULL)
		fclose(s->spool_in);
	free(s->spool_buf);
	free(s->spool_in_buf);
	free(s->parse.failure);
	pthread_mutex_destroy(&s->parse.lock);
	pthread_cond_destroy(&s->parse.changed);
	free(s->xml.error);
	zip_close(s->zip);
	if (s->fd != -1)
		close(s->fd);
	for (i = 0; i < s->nsheets; i++) {
		free(s->sheets[i].name);
		free(s->sheets[i].rid);
		free(s->sheets[i].path);
	}
	free(s->sheets);
	free(s->infos);
	xlsx_rels_clear(s);
	free(s->workbook);
	free(s->base);
	free(s->description);
	free(s->xf_format);
	free(s->xf_kind);
	free(s->fmt_ids);
	free(s->fmt_kinds);
	free(s->value);
	free(s->failure);
	sheet_rows_free(&s->rows);
	sheet_rows_free(&s->build);
	free(s->name);
	free(s);
}

const struct source_ops source_xlsx_ops = {
	.name = "xlsx",
	.open = xlsx_open,
	.header = xlsx_header,
	.next = xlsx_next,
	.offset = xlsx_offset,
	.describe = xlsx_describe,
	.sheet = xlsx_sheet_name,
	.close = xlsx_close,
	.sheets = xlsx_sheets,
	.header_line = xlsx_header_line,
	.settle = xlsx_settle,
	.settled = xlsx_settled,
};
