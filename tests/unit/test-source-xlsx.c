/* Unit tests of the workbook sources through source_open(): XLSX files
 * written part by part here (minizip) to reach every case, XLSX files made
 * by libxlsxwriter as another producer would, the XLS fixture made once by
 * python3-xlwt, and the hostile files sluice must refuse before giving out
 * a single row. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <minizip/zip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "source.h"
#include "xmalloc.h"

static char fixture_dir[] = "/tmp/sluice-test-source-xlsx-XXXXXX";

struct part {
	const char *name;
	const char *data;
	size_t len; /* 0: strlen(data) */
};

static const char *
fixture_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
	return path;
}

/* Writes a ZIP archive of the parts, deflated (or stored when store). */
static const char *
write_zip(const char *name, const struct part *parts, size_t n, int store)
{
	const char *path = fixture_path(name);
	zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
	zip_fileinfo zi;
	size_t i;

	ck_assert_ptr_nonnull(zf);
	memset(&zi, 0, sizeof zi);
	for (i = 0; i < n; i++) {
		size_t len = parts[i].len ? parts[i].len : strlen(parts[i].data);

		ck_assert_int_eq(zipOpenNewFileInZip64(zf, parts[i].name, &zi, NULL, 0, NULL, 0,
				     NULL, store ? 0 : Z_DEFLATED, store ? 0 : Z_BEST_COMPRESSION, 0),
		    ZIP_OK);
		ck_assert_int_eq(zipWriteInFileInZip(zf, parts[i].data, (unsigned)len), ZIP_OK);
		ck_assert_int_eq(zipCloseFileInZip(zf), ZIP_OK);
	}
	ck_assert_int_eq(zipClose(zf, NULL), ZIP_OK);
	return path;
}

#define NS                                                                                         \
	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "                     \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char workbook_one[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<workbook " NS "><sheets><sheet name=\"Contacts\" sheetId=\"1\" r:id=\"rId1\"/>"
    "</sheets></workbook>";
static const char workbook_1904[] =
    "<workbook " NS "><workbookPr date1904=\"1\"/><sheets>"
    "<sheet name=\"Contacts\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels_one[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/"
    "package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" REL "sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"/xl/styles.xml\"/>"
    "</Relationships>";
static const char styles_none[] = "<styleSheet " NS "><cellXfs count=\"1\"><xf numFmtId=\"0\"/>"
				  "</cellXfs></styleSheet>";
static const char sst_none[] = "<sst " NS " count=\"0\" uniqueCount=\"0\"/>";

/* A workbook of one sheet called Contacts. */
static const char *
write_xlsx(const char *name, const char *workbook, const char *styles, const char *sst,
    const char *sheet)
{
	const struct part parts[] = {
		{ "[Content_Types].xml", "<Types/>", 0 },
		{ "xl/workbook.xml", workbook != NULL ? workbook : workbook_one, 0 },
		{ "xl/_rels/workbook.xml.rels", rels_one, 0 },
		{ "xl/styles.xml", styles != NULL ? styles : styles_none, 0 },
		{ "xl/sharedStrings.xml", sst != NULL ? sst : sst_none, 0 },
		{ "xl/worksheets/sheet1.xml", sheet, 0 },
	};

	return write_zip(name, parts, sizeof parts / sizeof *parts, 0);
}

static struct source *
open_sheet(const char *path, const char *sheet)
{
	struct source_options opts = { .sheet = sheet };
	char *cause = NULL;
	struct source *s = source_open(path, &opts, &cause);

	ck_assert_msg(s != NULL, "source_open failed: %s", cause);
	return s;
}

static struct row *
next_row(struct source *s)
{
	struct row *row = NULL;
	char *cause = NULL;
	int rc = source_next(s, &row, &cause);

	ck_assert_msg(rc == 1, "source_next gave %d: %s", rc, cause != NULL ? cause : "");
	return row;
}

static void
assert_end(struct source *s)
{
	struct row *row = NULL;
	char *cause = NULL;

	ck_assert_int_eq(source_next(s, &row, &cause), 0);
}

static void
assert_cells(const struct row *row, size_t n, const char *const *cells)
{
	size_t i;

	ck_assert_uint_eq(row->ncells, n);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(row->cells[i], cells[i]);
		ck_assert_uint_eq(row->lens[i], strlen(cells[i]));
	}
}

static void
assert_header(struct source *s, size_t n, const char *const *names)
{
	size_t got, i;
	const char *const *header = source_header(s, &got);

	ck_assert_uint_eq(got, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(header[i], names[i]);
}

/* source_open() refuses path with a message naming it and saying what. */
static void
assert_refused(const char *path, const char *what)
{
	char *cause = NULL;
	struct source *s = source_open(path, NULL, &cause);

	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, path) != NULL, "message does not name the file: %s", cause);
	ck_assert_msg(strstr(cause, what) != NULL, "message \"%s\" does not say \"%s\"", cause, what);
	free(cause);
}

#define SHEET(rows)                                                                                \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"                            \
	"<worksheet " NS "><sheetData>" rows "</sheetData></worksheet>"

START_TEST(shared_inline_and_rich_strings)
{
	const char *sst =
	    "<sst " NS " count=\"4\" uniqueCount=\"4\">"
	    "<si><t>Name</t></si>"
	    "<si><t>Note</t></si>"
	    "<si><r><rPr><b/></rPr><t>José </t></r><r><t xml:space=\"preserve\">Müller</t></r>"
	    "<rPh sb=\"0\" eb=\"1\"><t>ignored</t></rPh></si>"
	    "<si><t>line one_x000D_&#10;line two, _x005F_x000D_ kept</t></si>"
	    "</sst>";
	const char *path = write_xlsx("strings.xlsx", NULL, NULL, sst,
	    SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
		  "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"s\"><v>3</v></c></row>"
		  "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>Zoë</t></is></c>"
		  "<c r=\"B3\" t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t></r></is></c></row>"));
	struct source *s = open_sheet(path, NULL);
	struct row *row;

	ck_assert_str_eq(source_format(s), "xlsx");
	ck_assert_str_eq(source_describe(s), "XLSX, sheet \"Contacts\"");
	ck_assert_str_eq(source_sheet(s), "Contacts");
	ck_assert_ptr_null(source_encoding(s));
	assert_header(s, 2, (const char *[]){ "Name", "Note" });
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "José Müller", "line one\r\nline two, _x000D_ kept" });
	ck_assert_ptr_null(row->error);
	assert_cells(next_row(s), 2, (const char *[]){ "Zoë", "ab" });
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(numbers_read_as_people_see_them)
{
	const char *path = write_xlsx("numbers.xlsx", NULL, NULL, NULL,
	    SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>n</t></is></c></row>"
		  "<row r=\"2\"><c r=\"A2\"><v>15551234567</v></c></row>"
		  "<row r=\"3\"><c r=\"A3\"><v>4.4207946E+11</v></c></row>"
		  "<row r=\"4\"><c r=\"A4\"><v>0.1000000000000000055</v></c></row>"
		  "<row r=\"5\"><c r=\"A5\"><v>3.0</v></c></row>"
		  "<row r=\"6\"><c r=\"A6\"><v>2.5E-3</v></c></row>"
		  "<row r=\"7\"><c r=\"A7\"><v>1E+25</v></c></row>"
		  "<row r=\"8\"><c r=\"A8\"><v>-0</v></c></row>"
		  "<row r=\"9\"><c r=\"A9\"><v>0.30000000000000004</v></c></row>"
		  "<row r=\"10\"><c r=\"A10\"><v>-1234.5600</v></c></row>"
		  "<row r=\"11\"><c r=\"A11\"><v>123456789012345678</v></c></row>"
		  "<row r=\"12\"><c r=\"A12\"><v>1.5E-9</v></c></row>"));
	static const char *const want[] = { "15551234567", "442079460000", "0.1", "3", "0.0025",
		"1E+25", "0", "0.30000000000000004", "-1234.56", "123456789012345680", "1.5E-9" };
	struct source *s = open_sheet(path, NULL);
	size_t i;

	for (i = 0; i < sizeof want / sizeof *want; i++)
		assert_cells(next_row(s), 1, (const char *[]){ want[i] });
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(formulas_booleans_and_errors)
{
	const char *path = write_xlsx("formulas.xlsx", NULL, NULL, NULL,
	    SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>sum</t></is></c>"
		  "<c r=\"B1\" t=\"inlineStr\"><is><t>text</t></is></c>"
		  "<c r=\"C1\" t=\"inlineStr\"><is><t>flag</t></is></c>"
		  "<c r=\"D1\" t=\"inlineStr\"><is><t>no</t></is></c>"
		  "<c r=\"E1\" t=\"inlineStr\"><is><t>err</t></is></c>"
		  "<c r=\"F1\" t=\"inlineStr\"><is><t>uncomputed</t></is></c></row>"
		  "<row r=\"2\"><c r=\"A2\"><f>1+2</f><v>3</v></c>"
		  "<c r=\"B2\" t=\"str\"><f>\"a\"&amp;\"b\"</f><v>ab</v></c>"
		  "<c r=\"C2\" t=\"b\"><v>1</v></c><c r=\"D2\" t=\"b\"><v>0</v></c>"
		  "<c r=\"E2\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
		  "<c r=\"F2\"><f>A2*2</f></c></row>"));
	struct source *s = open_sheet(path, NULL);

	assert_cells(next_row(s), 6, (const char *[]){ "3", "ab", "TRUE", "FALSE", "#DIV/0!", "" });
	assert_end(s);
	source_close(s);
}
END_TEST

/* Cell formats 1..10: built-in 14, 22, custom yyyy-mm-dd, dd/mm/yyyy,
 * m/d/yy h:mm, built-in 20 (h:mm), 0.00, [h]:mm:ss, a quoted "d", and a
 * locale-prefixed long date. */
static const char styles_dates[] =
    "<styleSheet " NS "><numFmts count=\"6\">"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"dd/mm/yyyy\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"m/d/yy\\ h:mm\"/>"
    "<numFmt numFmtId=\"167\" formatCode=\"[h]:mm:ss\"/>"
    "<numFmt numFmtId=\"168\" formatCode=\"0&quot; days&quot;\"/>"
    "<numFmt numFmtId=\"169\" formatCode=\"[$-409]mmmm\\ d\\,\\ yyyy;@\"/>"
    "</numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"11\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/>"
    "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"20\"/>"
    "<xf numFmtId=\"2\"/><xf numFmtId=\"167\"/><xf numFmtId=\"168\"/><xf numFmtId=\"169\"/>"
    "</cellXfs></styleSheet>";

#define DATE_ROW(r, style, value)                                                                  \
	"<row r=\"" r "\"><c r=\"A" r "\" s=\"" style "\"><v>" value "</v></c></row>"

START_TEST(dates_from_number_formats)
{
	const char *path = write_xlsx("dates.xlsx", NULL, styles_dates, NULL,
	    SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>when</t></is></c></row>" DATE_ROW(
		"2", "1", "45000") DATE_ROW("3", "2", "45000.5") DATE_ROW("4", "3",
		"45000") DATE_ROW("5", "4", "36000") DATE_ROW("6", "5", "45000.25") DATE_ROW("7",
		"6", "0.75") DATE_ROW("8", "7", "45000") DATE_ROW("9", "8", "1.5") DATE_ROW("10",
		"9", "45000") DATE_ROW("11", "10", "45000") DATE_ROW("12", "1", "60") DATE_ROW("13",
		"1", "61") DATE_ROW("14", "1", "59") DATE_ROW("15", "1", "1") DATE_ROW("16", "2",
		"45000.999999999") DATE_ROW("17", "1", "-5") DATE_ROW("18", "0",
		"45000") "<row r=\"19\"><c r=\"A19\" t=\"d\" s=\"1\"><v>2024-02-29T00:00:00</v></c></row>"));
	static const char *const want[] = { "2023-03-15", "2023-03-15T12:00:00", "2023-03-15",
		"1998-07-24", "2023-03-15T06:00:00", "18:00:00", "45000", "36:00:00", "45000",
		"2023-03-15", "1900-02-29", "1900-03-01", "1900-02-28", "1900-01-01",
		"2023-03-16T00:00:00", "-5", "45000", "2024-02-29" };
	struct source *s = open_sheet(path, NULL);
	size_t i;

	for (i = 0; i < sizeof want / sizeof *want; i++)
		assert_cells(next_row(s), 1, (const char *[]){ want[i] });
	assert_end(s);
	source_close(s);
}
END_TEST

START_TEST(dates_in_the_1904_system)
{
	const char *path = write_xlsx("dates-1904.xlsx", workbook_1904, styles_dates, NULL,
	    SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>when</t></is></c></row>" DATE_ROW(
		"2", "1", "0") DATE_ROW("3", "1", "45000") DATE_ROW("4", "2", "1.25")));
	struct source *s = open_sheet(path, NULL);

	assert_cells(next_row(s), 1, (const char *[]){ "1904-01-01" });
	assert_cells(next_row(s), 1, (const char *[]){ "2027-03-16" });
	assert_cells(next_row(s), 1, (const char *[]){ "1904-01-02T06:00:00" });
	assert_end(s);
	source_close(s);
}
END_TEST

#define IS(ref, text) "<c r=\"" ref "\" t=\"inlineStr\"><is><t>" text "</t></is></c>"

START_TEST(sparse_rows_take_their_columns)
{
	const char *path = write_xlsx("sparse.xlsx", NULL, NULL, NULL,
	    SHEET("<row r=\"3\">" IS("A3", " a ") IS("B3", "b") IS("C3", "c") IS("D3",
		"d") "</row>"
		     "<row r=\"4\">" IS("B4", "2") IS("D4",
			 "4") "</row>"
			      "<row r=\"5\"/>"
			      "<row r=\"6\"><c r=\"A6\" s=\"0\"/><c r=\"B6\" t=\"inlineStr\"><is><t></t></is></c></row>"
			      "<row r=\"7\">" IS("A7",
				  "1") "</row>"
				       "<row r=\"9\">" IS("A9", "x") IS("F9",
					   "extra") "</row>"
						    "<row>" IS("C10",
							"no r on the row") "</row>"
									   "<row><c t=\"inlineStr\"><is><t>no r</t></is></c><c><v>2</v></c></row>"));
	struct source *s = open_sheet(path, NULL);
	struct row *row;

	assert_header(s, 4, (const char *[]){ "a", "b", "c", "d" });
	row = next_row(s);
	assert_cells(row, 4, (const char *[]){ "", "2", "", "4" });
	ck_assert_uint_eq(row->number, 1);
	ck_assert_uint_eq(row->line, 4);
	ck_assert_ptr_null(row->error);
	row = next_row(s);
	assert_cells(row, 4, (const char *[]){ "1", "", "", "" });
	ck_assert_uint_eq(row->number, 2);
	ck_assert_uint_eq(row->line, 7);
	ck_assert_ptr_null(row->error);
	row = next_row(s);
	ck_assert_uint_eq(row->number, 3);
	ck_assert_uint_eq(row->line, 9);
	assert_cells(row, 6, (const char *[]){ "x", "", "", "", "", "extra" });
	ck_assert_str_eq(row->error,
	    "Row 3 (spreadsheet row 9) has a value in column F "
	    "(cell F9), beyond the 4 columns of the header; give that column a header or "
	    "clear the cell.");
	row = next_row(s);
	ck_assert_uint_eq(row->line, 10);
	assert_cells(row, 4, (const char *[]){ "", "", "no r on the row", "" });
	row = next_row(s);
	ck_assert_uint_eq(row->line, 11);
	assert_cells(row, 4, (const char *[]){ "no r", "2", "", "" });
	assert_end(s);
	source_close(s);
}
END_TEST

/* A workbook of n rows whose cells name shared strings "text K": column A
 * the row's own (in the order the table has them), column B one from the
 * table's other end (not read yet when the sheet's parse gets there, if
 * the table is read beside it), column C the first. With damage, the
 * table's last string is not well-formed. */
static const char *
write_shared(const char *name, size_t n, int damage)
{
	char *sst = xmalloc(n * 40 + 1024), *p = sst;
	p += sprintf(p, "<sst " NS " count=\"%zu\" uniqueCount=\"%zu\">", 3 * n, n);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p,
		    i + 1 == n && damage ? "<si><t>text %zu</t></x>" : "<si><t>text %zu</t></si>", i);
	sprintf(p, "</sst>");
	char *sheet = xmalloc(n * 160 + 1024);
	p = sheet;
	p += sprintf(p, "<worksheet " NS "><sheetData>");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p,
		    "<row r=\"%zu\"><c r=\"A%zu\" t=\"s\"><v>%zu</v></c><c r=\"B%zu\" "
		    "t=\"s\"><v>%zu</v></c><c r=\"C%zu\" t=\"s\"><v>0</v></c></row>",
		    i + 1, i + 1, i, i + 1, n - 1 - i, i + 1);
	sprintf(p, "</sheetData></worksheet>");
	const char *path = write_xlsx(name, NULL, NULL, sst, sheet);
	free(sst);
	free(sheet);
	return path;
}

/* Reads the rows write_shared() wrote (the first is the header). */
static void
assert_shared_rows(const char *path, size_t n)
{
	struct source *s = open_sheet(path, NULL);
	char a[32], b[32];
	for (size_t i = 1; i < n; i++) {
		struct row *row = next_row(s);
		snprintf(a, sizeof a, "text %zu", i);
		snprintf(b, sizeof b, "text %zu", n - 1 - i);
		assert_cells(row, 3, (const char *const[]){ a, b, "text 0" });
	}
	assert_end(s);
	source_close(s);
}

/* The shared strings are read on a thread of their own while the sheet is
 * parsed: a cell naming one not read yet waits for it, one on disk waits
 * for the whole table, and every cell reads as written, with the table in
 * memory or (SLUICE_TEST_SST_MEMORY) nearly all of it on disk. */
START_TEST(shared_strings_read_beside_the_sheet)
{
	size_t n = 40000;
	const char *path = write_shared("shared.xlsx", n, 0);
	assert_shared_rows(path, n);
	setenv("SLUICE_TEST_SST_MEMORY", "4096", 1);
	assert_shared_rows(path, n);
	unsetenv("SLUICE_TEST_SST_MEMORY");
}
END_TEST

/* A shared strings part damaged at its end, read beside a sheet that
 * names its strings: the file is refused for the damaged part, as when
 * the table was read before the sheet, whether the sheet's parse was
 * waiting for it or not. */
START_TEST(damaged_shared_strings_refuse_the_file_read_beside_the_sheet)
{
	size_t n = 40000;
	const char *path = write_shared("shared-damaged.xlsx", n, 1);
	assert_refused(path, "sharedStrings.xml is not well-formed XML");
	setenv("SLUICE_TEST_SST_MEMORY", "4096", 1);
	assert_refused(path, "sharedStrings.xml is not well-formed XML");
	unsetenv("SLUICE_TEST_SST_MEMORY");
}
END_TEST

/* A sheet of n rows, row i holding the inline string "v<i>" in column A;
 * the last row's text is last_text instead when given, and its end tag
 * last_end ("rpw": not well-formed). The caller frees it. */
static char *
inline_sheet(size_t n, const char *last_text, const char *last_end)
{
	char *sheet = xmalloc(n * 80 + 1024), *p = sheet;
	p += sprintf(p, "<worksheet " NS "><sheetData>");
	for (size_t i = 1; i <= n; i++) {
		char text[32];
		snprintf(text, sizeof text, "v%zu", i);
		p += sprintf(p,
		    "<row r=\"%zu\"><c r=\"A%zu\" t=\"inlineStr\"><is><t>%s</t></is></c></%s>", i,
		    i, i == n && last_text != NULL ? last_text : text, i == n ? last_end : "row");
	}
	sprintf(p, "</sheetData></worksheet>");
	return sheet;
}

/* Rows given early (source_options.early): the header found, xlsx_open()
 * returns while the sheet is still parsed, and the rows come as the parse
 * makes them, the same rows as when the sheet is parsed whole first;
 * source_settle() then says all of it was read cleanly. Closed before the
 * end, the parse stops. */
START_TEST(rows_given_early_read_as_when_read_whole)
{
	size_t n = 40000;
	const char *path = write_shared("early.xlsx", n, 0);
	struct source_options opts = { .early = true };
	char *cause = NULL, a[32], b[32];
	uint64_t done, total;

	setenv("SLUICE_TEST_XLSX_EARLY_ROWS", "100", 1);
	struct source *s = source_open(path, &opts, &cause);
	ck_assert_msg(s != NULL, "source_open failed: %s", cause);
	assert_header(s, 3, (const char *const[]){ "text 0", "text 39999", "text 0" });
	for (size_t i = 1; i < n; i++) {
		struct row *row = next_row(s);
		ck_assert_uint_eq(row->number, i);
		snprintf(a, sizeof a, "text %zu", i);
		snprintf(b, sizeof b, "text %zu", n - 1 - i);
		assert_cells(row, 3, (const char *const[]){ a, b, "text 0" });
		source_progress(s, &done, &total);
		ck_assert_uint_le(done, total);
	}
	assert_end(s);
	ck_assert(source_settled(s));
	ck_assert_int_eq(source_settle(s, &cause), 0);
	source_progress(s, &done, &total);
	ck_assert_uint_eq(done, total);
	source_close(s);

	s = source_open(path, &opts, &cause);
	ck_assert_msg(s != NULL, "source_open failed: %s", cause);
	for (size_t i = 1; i <= 10; i++)
		next_row(s);
	source_close(s);
	unsetenv("SLUICE_TEST_XLSX_EARLY_ROWS");
}
END_TEST

/* Without a sheet chosen, an empty first sheet is passed over: the rows
 * of the next one are given early all the same, none lost to the first
 * sheet's parse having ended. */
START_TEST(rows_given_early_after_an_empty_first_sheet)
{
	size_t n = 2000;
	char *sheet = inline_sheet(n, NULL, "row");
	const struct part parts[] = {
		{ "xl/workbook.xml",
		    "<workbook " NS "><sheets><sheet name=\"Empty\" sheetId=\"1\" r:id=\"rId1\"/>"
		    "<sheet name=\"Rows\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>",
		    0 },
		{ "xl/_rels/workbook.xml.rels",
		    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
		    "relationships\"><Relationship Id=\"rId1\" Type=\"" REL
		    "worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
		    "Type=\"" REL "worksheet\" Target=\"worksheets/sheet2.xml\"/></Relationships>",
		    0 },
		{ "xl/worksheets/sheet1.xml", SHEET(""), 0 },
		{ "xl/worksheets/sheet2.xml", sheet, 0 },
	};
	const char *path = write_zip("early-second.xlsx", parts, sizeof parts / sizeof *parts, 0);
	free(sheet);

	struct source_options opts = { .early = true };
	char *cause = NULL, want[32];
	setenv("SLUICE_TEST_XLSX_EARLY_ROWS", "100", 1);
	struct source *s = source_open(path, &opts, &cause);
	unsetenv("SLUICE_TEST_XLSX_EARLY_ROWS");
	ck_assert_msg(s != NULL, "source_open failed: %s", cause);
	ck_assert_str_eq(source_sheet(s), "Rows");
	assert_header(s, 1, (const char *const[]){ "v1" });
	for (size_t i = 2; i <= n; i++) {
		snprintf(want, sizeof want, "v%zu", i);
		assert_cells(next_row(s), 1, (const char *const[]){ want });
	}
	assert_end(s);
	ck_assert_int_eq(source_settle(s, &cause), 0);
	source_close(s);
}
END_TEST

/* A sheet damaged at its end, its rows given early: the rows stop with the
 * damage said, and source_settle() says it too, in the words that refuse
 * the file when it is parsed whole first (which it may still be, when its
 * parse ends before xlsx_open() looks). */
START_TEST(damage_found_after_rows_given_early_is_said_by_settle)
{
	size_t n = 40000;
	char *sheet = inline_sheet(n, NULL, "rpw");
	const char *path = write_xlsx("early-damaged.xlsx", NULL, NULL, NULL, sheet);
	free(sheet);
	const char *what = "sheet1.xml is not well-formed XML";
	assert_refused(path, what);

	struct source_options opts = { .early = true };
	char *cause = NULL;
	setenv("SLUICE_TEST_XLSX_EARLY_ROWS", "100", 1);
	struct source *s = source_open(path, &opts, &cause);
	unsetenv("SLUICE_TEST_XLSX_EARLY_ROWS");
	if (s == NULL) {
		ck_assert_msg(strstr(cause, what) != NULL, "refused with \"%s\"", cause);
		free(cause);
		return;
	}
	struct row *row;
	int rc;
	size_t rows = 0;
	while ((rc = source_next(s, &row, &cause)) == 1)
		rows++;
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_lt(rows, n - 1);
	ck_assert_msg(strstr(cause, what) != NULL, "the rows end with \"%s\"", cause);
	free(cause);
	cause = NULL;
	ck_assert(source_settled(s));
	ck_assert_int_eq(source_settle(s, &cause), -1);
	ck_assert_msg(strstr(cause, what) != NULL && strstr(cause, path) != NULL,
	    "settle says \"%s\"", cause);
	free(cause);
	source_close(s);
}
END_TEST

START_TEST(many_rows_in_constant_memory)
{
	size_t n = 50000, i, size = 0;
	char *sheet, *p;
	const char *path;
	struct source *s;
	struct row *row;
	uint64_t done, total;

	sheet = xmalloc(n * 120 + 1024);
	p = sheet;
	p += sprintf(p,
	    "<worksheet " NS "><sheetData><row r=\"1\">" IS("A1", "id") IS("B1", "name") "</row>");
	for (i = 2; i <= n + 1; i++)
		p += sprintf(p,
		    "<row r=\"%zu\"><c r=\"A%zu\"><v>%zu</v></c><c r=\"B%zu\" "
		    "t=\"inlineStr\"><is><t>Name %zu</t></is></c></row>",
		    i, i, i, i, i);
	p += sprintf(p, "</sheetData></worksheet>");
	path = write_xlsx("many.xlsx", NULL, NULL, NULL, sheet);
	free(sheet);
	s = open_sheet(path, NULL);
	for (i = 1; i <= n; i++) {
		row = next_row(s);
		ck_assert_uint_eq(row->number, i);
		ck_assert_uint_eq(row->line, i + 1);
		size += row->lens[1];
	}
	ck_assert_uint_gt(size, 0);
	assert_end(s);
	source_progress(s, &done, &total);
	ck_assert_uint_eq(done, total);
	source_close(s);
}
END_TEST

static const char workbook_sheets[] =
    "<workbook " NS "><sheets>"
    "<sheet name=\"Old\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/>"
    "<sheet name=\"Chart\" sheetId=\"2\" r:id=\"rId2\"/>"
    "<sheet name=\"People\" sheetId=\"3\" r:id=\"rId3\"/>"
    "<sheet name=\"2024\" sheetId=\"4\" r:id=\"rId4\"/>"
    "</sheets></workbook>";
static const char rels_sheets[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/"
    "package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" REL "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" REL "worksheet\" Target=\"worksheets/../worksheets/"
    "sheet2.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet3.xml\"/>"
    "</Relationships>";

static const char *
write_sheets(void)
{
	const struct part parts[] = {
		{ "xl/workbook.xml", workbook_sheets, 0 },
		{ "xl/_rels/workbook.xml.rels", rels_sheets, 0 },
		{ "xl/worksheets/sheet1.xml",
		    SHEET("<row r=\"1\">" IS("A1", "old") "</row>"
							  "<row r=\"2\">" IS("A2", "o1") "</row>"),
		    0 },
		{ "xl/chartsheets/sheet1.xml", "<chartsheet/>", 0 },
		{ "xl/worksheets/sheet2.xml",
		    SHEET("<row r=\"1\">" IS("A1",
			"people") "</row>"
				  "<row r=\"2\">" IS("A2", "p1") "</row><row r=\"3\">" IS("A3",
				      "p2") "</row>"),
		    0 },
		{ "xl/worksheets/sheet3.xml", SHEET("<row r=\"1\">" IS("A1", "year") "</row>"), 0 },
	};

	return write_zip("sheets.xlsx", parts, sizeof parts / sizeof *parts, 0);
}

START_TEST(sheets_are_chosen_by_name_or_number)
{
	const char *path = write_sheets();
	const struct source_sheet_info *info;
	struct source_options opts = { 0 };
	struct source *s;
	char *cause = NULL;
	size_t n;

	/* By default, the first visible sheet of cells. */
	s = open_sheet(path, NULL);
	ck_assert_str_eq(source_sheet(s), "People");
	assert_header(s, 1, (const char *[]){ "people" });
	info = source_sheets(s, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(info[0].name, "Old");
	ck_assert(info[0].hidden);
	ck_assert(info[1].chart);
	ck_assert(!info[2].hidden && !info[2].chart);
	source_close(s);

	s = open_sheet(path, "old");
	ck_assert_str_eq(source_sheet(s), "Old");
	assert_cells(next_row(s), 1, (const char *[]){ "o1" });
	source_close(s);

	s = open_sheet(path, "3");
	ck_assert_str_eq(source_sheet(s), "People");
	source_close(s);

	/* A sheet's name wins over a number. */
	s = open_sheet(path, "2024");
	ck_assert_str_eq(source_sheet(s), "2024");
	source_close(s);

	opts.sheet = "Missing";
	ck_assert_ptr_null(source_open(path, &opts, &cause));
	ck_assert_msg(
	    strstr(cause,
		"has no sheet \"Missing\"; its sheets are \"Old\", "
		"\"Chart\", \"People\", \"2024\". Choose one with --sheet NAME or --sheet N.") != NULL,
	    "%s", cause);
	free(cause);

	opts.sheet = "Chart";
	ck_assert_ptr_null(source_open(path, &opts, &cause));
	ck_assert_msg(strstr(cause, "is a chart, not a sheet of cells") != NULL, "%s", cause);
	free(cause);

	opts.sheet = "2024";
	ck_assert_ptr_nonnull(s = source_open(path, &opts, &cause));
	assert_end(s);
	source_close(s);
}
END_TEST

/* --- Files made by libxlsxwriter, as by another program ---------------------- */

START_TEST(libxlsxwriter_workbook_reads_as_written)
{
	const char *path = fixture_path("libxlsxwriter.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *hidden = workbook_add_worksheet(wb, "Hidden");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Kontakte");
	lxw_format *date = workbook_add_format(wb), *stamp = workbook_add_format(wb);
	lxw_format *bold = workbook_add_format(wb);
	lxw_datetime born = { 1985, 4, 12, 0, 0, 0 }, seen = { 2023, 5, 6, 7, 8, 9 };
	lxw_rich_string_tuple run1 = { .format = bold, .string = "Mül" };
	lxw_rich_string_tuple run2 = { .format = NULL, .string = "ler" };
	lxw_rich_string_tuple *runs[] = { &run1, &run2, NULL };
	struct source *s;

	format_set_num_format(date, "dd/mm/yyyy");
	format_set_num_format(stamp, "m/d/yy h:mm");
	format_set_bold(bold);
	worksheet_write_string(hidden, 0, 0, "secret", NULL);
	worksheet_hide(hidden);
	worksheet_activate(ws);
	worksheet_write_string(ws, 0, 0, "Name", NULL);
	worksheet_write_string(ws, 0, 1, "Phone", NULL);
	worksheet_write_string(ws, 0, 2, "Born", NULL);
	worksheet_write_string(ws, 0, 3, "Seen", NULL);
	worksheet_write_string(ws, 0, 4, "VIP", NULL);
	worksheet_write_string(ws, 0, 5, "Total", NULL);
	worksheet_write_string(ws, 0, 6, "Share", NULL);
	worksheet_write_rich_string(ws, 1, 0, runs, NULL);
	worksheet_write_number(ws, 1, 1, 15551234567.0, NULL);
	worksheet_write_datetime(ws, 1, 2, &born, date);
	worksheet_write_datetime(ws, 1, 3, &seen, stamp);
	worksheet_write_boolean(ws, 1, 4, 1, NULL);
	worksheet_write_formula_num(ws, 1, 5, "=2+3", NULL, 5);
	worksheet_write_number(ws, 1, 6, 0.1, NULL);
	/* A merged range keeps its value in its top-left cell. */
	worksheet_merge_range(ws, 2, 0, 3, 1, "merged", NULL);
	worksheet_write_number(ws, 5, 6, 4.4207946e11, NULL);
	ck_assert_int_eq(workbook_close(wb), LXW_NO_ERROR);

	s = open_sheet(path, NULL);
	ck_assert_str_eq(source_sheet(s), "Kontakte");
	assert_header(s, 7,
	    (const char *[]){ "Name", "Phone", "Born", "Seen", "VIP", "Total", "Share" });
	assert_cells(next_row(s), 7,
	    (const char *[]){ "Müller", "15551234567", "1985-04-12", "2023-05-06T07:08:09", "TRUE",
		"5", "0.1" });
	assert_cells(next_row(s), 7, (const char *[]){ "merged", "", "", "", "", "", "" });
	ck_assert_uint_eq(next_row(s)->line, 6);
	assert_end(s);
	source_close(s);
}
END_TEST

/* --- XLS -------------------------------------------------------------------- */

START_TEST(xls_fixture_reads_like_xlsx)
{
	char *path = xasprintf("%s/tests/data/contacts.xls",
	    getenv("top_srcdir") ? getenv("top_srcdir") : ".");
	const struct source_sheet_info *info;
	struct source *s;
	struct row *row;
	size_t n;

	s = open_sheet(path, NULL);
	ck_assert_str_eq(source_format(s), "xls");
	ck_assert_str_eq(source_describe(s), "XLS, sheet \"Contacts\"");
	info = source_sheets(s, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(info[1].name, "Other");
	assert_header(s, 6,
	    (const char *[]){ "First Name", "Last Name", "Mobile Phone", "Birthday", "Amount",
		"Met" });
	row = next_row(s);
	assert_cells(row, 6,
	    (const char *[]){ "José", "Müller", "12015550123", "1985-04-12", "0.1",
		"2023-05-06T07:08:09" });
	ck_assert_uint_eq(row->line, 2);
	row = next_row(s);
	ck_assert_uint_eq(row->line, 4);
	assert_cells(row, 6, (const char *[]){ "Zoë", "", "442079460000", "", "1234.5", "" });
	assert_end(s);
	source_close(s);

	s = open_sheet(path, "2");
	assert_header(s, 1, (const char *[]){ "x" });
	assert_cells(next_row(s), 1, (const char *[]){ "1" });
	source_close(s);
	free(path);
}
END_TEST

/* --- Hostile and damaged files ------------------------------------------------- */

START_TEST(zip_without_workbook_refused)
{
	const struct part parts[] = { { "mimetype",
					  "application/vnd.oasis.opendocument."
					  "spreadsheet",
					  0 },
		{ "content.xml", "<x/>", 0 } };

	assert_refused(write_zip("odf.xlsx", parts, 2, 0),
	    "is a ZIP archive but not an XLSX "
	    "workbook");
}
END_TEST

START_TEST(truncated_zip_refused)
{
	const char *path =
	    write_xlsx("cut.xlsx", NULL, NULL, NULL, SHEET("<row r=\"1\">" IS("A1", "a") "</row>"));
	FILE *f = fopen(path, "r+");
	long size;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	ck_assert_int_eq(truncate(path, size / 2), 0);
	assert_refused(path, "its ZIP archive is truncated or damaged");
}
END_TEST

/* Flips a byte of the file inside the first occurrence of marker. */
static void
damage(const char *path, const char *marker)
{
	FILE *f = fopen(path, "r+b");
	char *data;
	long size;
	char *at;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = xmalloc((size_t)size);
	ck_assert_uint_eq(fread(data, 1, (size_t)size, f), (size_t)size);
	at = memmem(data, (size_t)size, marker, strlen(marker));
	ck_assert_ptr_nonnull(at);
	fseek(f, at - data, SEEK_SET);
	fputc('Z', f);
	fclose(f);
	free(data);
}

START_TEST(checksum_error_is_corrupt_and_nothing_is_read)
{
	const struct part parts[] = {
		{ "xl/workbook.xml", workbook_one, 0 },
		{ "xl/_rels/workbook.xml.rels", rels_one, 0 },
		{ "xl/worksheets/sheet1.xml",
		    SHEET("<row r=\"1\">" IS("A1", "a") "</row>"
							"<row r=\"2\">" IS("A2", "MARKER") "</row>"),
		    0 },
	};
	const char *path = write_zip("crc.xlsx", parts, 3, 1);

	damage(path, "MARKER");
	assert_refused(path, "fails its checksum");
}
END_TEST

/* The sheet is inflated ahead of its parse, on another thread: damage
 * found only at the end of a part of many chunks refuses the file all the
 * same, with the same words. */
START_TEST(checksum_error_after_many_chunks_is_corrupt)
{
	size_t n = 20000;
	char *sheet = inline_sheet(n, "MARKER", "row");
	const struct part parts[] = {
		{ "xl/workbook.xml", workbook_one, 0 },
		{ "xl/_rels/workbook.xml.rels", rels_one, 0 },
		{ "xl/worksheets/sheet1.xml", sheet, 0 },
	};
	const char *path = write_zip("crc-late.xlsx", parts, 3, 1);
	free(sheet);

	damage(path, "MARKER");
	assert_refused(path, "fails its checksum");
}
END_TEST

START_TEST(zip_bomb_refused)
{
	size_t size = 20 * 1024 * 1024, n;
	char *sheet = xmalloc(size + 1);
	struct part parts[] = {
		{ "xl/workbook.xml", workbook_one, 0 },
		{ "xl/_rels/workbook.xml.rels", rels_one, 0 },
		{ "xl/worksheets/sheet1.xml", sheet, 0 },
	};

	n = (size_t)sprintf(sheet, "<worksheet><sheetData><row r=\"1\">" IS("A1", "a") "</row>");
	memset(sheet + n, ' ', size - n);
	sheet[size] = '\0';
	assert_refused(write_zip("bomb.xlsx", parts, 3, 0),
	    "inflates to more than 100 times "
	    "its compressed size, as a zip bomb does");
	free(sheet);
}
END_TEST

START_TEST(too_many_entries_refused)
{
	struct part *parts = xcalloc(1002, sizeof *parts);
	char **names = xcalloc(1002, sizeof *names);
	size_t i;

	parts[0] = (struct part){ "xl/workbook.xml", workbook_one, 0 };
	for (i = 1; i < 1002; i++) {
		names[i] = xasprintf("xl/media/image%zu.png", i);
		parts[i] = (struct part){ names[i], "x", 0 };
	}
	assert_refused(write_zip("entries.xlsx", parts, 1002, 1), "holds more than 1000 files");
	for (i = 1; i < 1002; i++)
		free(names[i]);
	free(names);
	free(parts);
}
END_TEST

START_TEST(duplicate_entries_refused)
{
	const struct part parts[] = {
		{ "xl/workbook.xml", workbook_one, 0 },
		{ "xl/_rels/workbook.xml.rels", rels_one, 0 },
		{ "xl/worksheets/sheet1.xml", SHEET("<row r=\"1\">" IS("A1", "a") "</row>"), 0 },
		{ "xl/worksheets/Sheet1.xml", SHEET("<row r=\"1\">" IS("A1", "b") "</row>"), 0 },
	};

	assert_refused(write_zip("dup.xlsx", parts, 4, 0),
	    "holds two files called "
	    "xl/worksheets/");
}
END_TEST

START_TEST(doctype_refused_before_any_entity)
{
	const char *laughs =
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]>"
	    "<worksheet><sheetData><row r=\"1\">" IS("A1", "&lol2;") "</row></sheetData>"
								     "</worksheet>";
	const char *ext = "<?xml version=\"1.0\"?><!DOCTYPE w SYSTEM \"file:///etc/passwd\">"
			  "<workbook/>";

	assert_refused(write_xlsx("laughs.xlsx", NULL, NULL, NULL, laughs), "declares a DTD");
	assert_refused(write_xlsx("external.xlsx", ext, NULL, NULL, SHEET("")), "declares a DTD");
}
END_TEST

START_TEST(absurd_dimensions_refused)
{
	char *sheet = xmalloc(16400 * 40 + 200), *p = sheet;
	int i;

	assert_refused(write_xlsx("xfe.xlsx", NULL, NULL, NULL,
			   SHEET("<row r=\"1\">" IS("A1", "a") "</row><row r=\"2\">" IS("XFE2",
			       "far") "</row>")),
	    "has a cell at \"XFE2\", beyond the last cell a spreadsheet has (XFD1048576)");
	assert_refused(write_xlsx("row.xlsx", NULL, NULL, NULL,
			   SHEET("<row r=\"1\">" IS("A1",
			       "a") "</row><row r=\"1048577\">" IS("A1048577", "far") "</row>")),
	    "beyond the last row a spreadsheet has");
	p += sprintf(p, "<worksheet><sheetData><row r=\"1\">" IS("A1", "a") "</row><row r=\"2\">");
	for (i = 0; i < 16385; i++)
		p += sprintf(p, "<c><v>%d</v></c>", i * 7919 % 10007);
	sprintf(p, "</row></sheetData></worksheet>");
	assert_refused(write_xlsx("wide.xlsx", NULL, NULL, NULL, sheet),
	    "has more than 16384 "
	    "columns");
	free(sheet);
}
END_TEST

START_TEST(damaged_parts_refused)
{
	assert_refused(write_xlsx("badxml.xlsx", NULL, NULL, NULL,
			   SHEET("<row r=\"1\">" IS("A1", "a") "</row><row>")),
	    "is not well-formed XML");
	assert_refused(write_xlsx("badsst.xlsx", NULL, NULL, NULL,
			   SHEET("<row r=\"1\">"
				 "<c r=\"A1\" t=\"s\"><v>7</v></c></row>")),
	    "refers to a shared text that the "
	    "workbook does not have");
	assert_refused(write_xlsx("empty.xlsx", NULL, NULL, NULL, SHEET("<row r=\"1\"/>")),
	    "is empty: there is no header row");
}
END_TEST

/* An inline string's text is its value even beside a <v> (before or
 * after it); NaN and infinity are no numbers a spreadsheet holds, and a
 * cell given twice in a row has no one value: each rejects its row with
 * an error naming the cell, never read as 0 or as one of the two. */
START_TEST(odd_cells_are_errors_never_guesses)
{
	const char *path = write_xlsx("odd-cells.xlsx", NULL, NULL, NULL,
	    SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
		  "<c r=\"B1\" t=\"inlineStr\"><is><t>b</t></is></c></row>"
		  "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>1.</t></is><v>01.</v></c>"
		  "<c r=\"B2\" t=\"inlineStr\"><v>9</v><is><t>x</t></is></c></row>"
		  "<row r=\"3\"><c r=\"A3\"><v>NaN</v></c><c r=\"B3\"><v>1</v></c></row>"
		  "<row r=\"4\"><c r=\"A4\"><v>1</v></c><c r=\"B4\"><v>-1e309</v></c></row>"
		  "<row r=\"5\"><c r=\"A5\"><v>1</v></c><c r=\"B5\"><v>2</v></c>"
		  "<c r=\"A5\"><v>3</v></c></row>"
		  "<row r=\"6\"><c r=\"A6\"><v>4</v></c><c r=\"B6\"><v>5</v></c></row>"));
	struct source *s = open_sheet(path, NULL);
	struct row *row;

	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "1.", "x" });
	ck_assert_ptr_null(row->error);
	row = next_row(s);
	ck_assert_str_eq(row->cells[0], "NaN");
	ck_assert_ptr_nonnull(row->error);
	ck_assert_msg(strstr(row->error, "Row 2 (spreadsheet row 3)") != NULL &&
		strstr(row->error, "A3") != NULL && strstr(row->error, "NaN") != NULL,
	    "the error names the row and the cell: %s", row->error);
	row = next_row(s);
	ck_assert_str_eq(row->cells[1], "-1e309");
	ck_assert_msg(row->error != NULL && strstr(row->error, "B4") != NULL,
	    "-1e309 is an error naming B4: %s", row->error ? row->error : "(none)");
	row = next_row(s);
	ck_assert_msg(row->error != NULL && strstr(row->error, "A5") != NULL &&
		strstr(row->error, "twice") != NULL,
	    "a cell given twice is an error naming it: %s", row->error ? row->error : "(none)");
	row = next_row(s);
	assert_cells(row, 2, (const char *[]){ "4", "5" });
	ck_assert_ptr_null(row->error);
	assert_end(s);
	source_close(s);
}
END_TEST

static Suite *
source_xlsx_suite(void)
{
	Suite *suite = suite_create("source-xlsx");
	TCase *tc = tcase_create("xlsx");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, shared_inline_and_rich_strings);
	tcase_add_test(tc, numbers_read_as_people_see_them);
	tcase_add_test(tc, formulas_booleans_and_errors);
	tcase_add_test(tc, odd_cells_are_errors_never_guesses);
	tcase_add_test(tc, dates_from_number_formats);
	tcase_add_test(tc, dates_in_the_1904_system);
	tcase_add_test(tc, sparse_rows_take_their_columns);
	tcase_add_test(tc, many_rows_in_constant_memory);
	tcase_add_test(tc, sheets_are_chosen_by_name_or_number);
	tcase_add_test(tc, libxlsxwriter_workbook_reads_as_written);
	tcase_add_test(tc, xls_fixture_reads_like_xlsx);
	tcase_add_test(tc, zip_without_workbook_refused);
	tcase_add_test(tc, truncated_zip_refused);
	tcase_add_test(tc, checksum_error_is_corrupt_and_nothing_is_read);
	tcase_add_test(tc, checksum_error_after_many_chunks_is_corrupt);
	tcase_add_test(tc, shared_strings_read_beside_the_sheet);
	tcase_add_test(tc, damaged_shared_strings_refuse_the_file_read_beside_the_sheet);
	tcase_add_test(tc, rows_given_early_read_as_when_read_whole);
	tcase_add_test(tc, damage_found_after_rows_given_early_is_said_by_settle);
	tcase_add_test(tc, rows_given_early_after_an_empty_first_sheet);
	tcase_add_test(tc, zip_bomb_refused);
	tcase_add_test(tc, too_many_entries_refused);
	tcase_add_test(tc, duplicate_entries_refused);
	tcase_add_test(tc, doctype_refused_before_any_entity);
	tcase_add_test(tc, absurd_dimensions_refused);
	tcase_add_test(tc, damaged_parts_refused);
	suite_add_tcase(suite, tc);
	return suite;
}

static void
remove_fixtures(void)
{
	DIR *dir = opendir(fixture_dir);
	struct dirent *entry;
	char *path;

	if (dir == NULL)
		return;
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", fixture_dir, entry->d_name);
		unlink(path);
		free(path);
	}
	closedir(dir);
	rmdir(fixture_dir);
}

int
main(void)
{
	SRunner *runner;
	int failed;

	if (mkdtemp(fixture_dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	runner = srunner_create(source_xlsx_suite());
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	remove_fixtures();
	return failed == 0 ? 0 : 1;
}
