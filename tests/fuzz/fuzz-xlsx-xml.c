/* libFuzzer harness for the XML inside an XLSX: the input is up to four
 * parts split at NUL bytes (the sheet, sharedStrings.xml, styles.xml,
 * workbook.xml), written into a valid ZIP with the relationships that
 * name them, so that the XML parsers (not the ZIP's checks) meet the
 * mutations; the workbook is then read as fuzz-xlsx.c reads one. A part
 * left out is a minimal one (the sheet, the workbook) or absent. Built by
 * make fuzz (tests/fuzz/fuzz.mk) and replayed over
 * tests/fuzz/corpus/xlsx-xml in make check. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zip.h>

#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NS "xmlns=\"http://schemas.openxmlformats.org/"
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static void
add_part(zipFile zf, const char *name, const void *data, size_t size)
{
	if (zipOpenNewFileInZip(zf, name, NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
		Z_DEFAULT_COMPRESSION) != ZIP_OK ||
	    zipWriteInFileInZip(zf, data, (unsigned)size) != ZIP_OK ||
	    zipCloseFileInZip(zf) != ZIP_OK)
		abort();
}

static void
add_text(zipFile zf, const char *name, const char *text)
{
	add_part(zf, name, text, strlen(text));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sheet =
	    "<worksheet " NS "spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" "
	    "t=\"inlineStr\"><is><t>Name</t></is></c></row></sheetData></worksheet>";
	static const char *const workbook =
	    "<workbook " NS "spreadsheetml/2006/main\" xmlns:r=\"" REL "\"><sheets><sheet "
	    "name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	const uint8_t *part[4] = { NULL }, *p = data, *end = data + size, *nul;
	size_t len[4] = { 0 }, n = 0, i, k;
	struct source_options opts = { 0 };
	const char *const *header;
	char path[64], rels[1024], *cause = NULL;
	struct source *s;
	struct row *row;
	zipFile zf;
	int fd, rc;

	while (n < 4 && p <= end) {
		nul = memchr(p, '\0', (size_t)(end - p));
		part[n] = p;
		len[n++] = (size_t)((nul != NULL ? nul : end) - p);
		if (nul == NULL)
			break;
		p = nul + 1;
	}

	fd = memfd_create("fuzz-xlsx-xml", MFD_CLOEXEC);
	if (fd == -1)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	zf = zipOpen(path, APPEND_STATUS_CREATE);
	if (zf == NULL)
		abort();
	add_text(zf, "[Content_Types].xml",
	    "<Types " NS "package/2006/content-types\"><Default Extension=\"rels\" "
	    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>");
	add_text(zf, "_rels/.rels",
	    "<Relationships " NS "package/2006/relationships\"><Relationship Id=\"rId1\" "
	    "Type=\"" REL "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
	snprintf(rels, sizeof rels,
	    "<Relationships " NS "package/2006/relationships\"><Relationship Id=\"rId1\" "
	    "Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>%s%s</Relationships>",
	    n > 1 ? "<Relationship Id=\"rId2\" Type=\"" REL "sharedStrings\" "
		    "Target=\"sharedStrings.xml\"/>" :
		    "",
	    n > 2 ? "<Relationship Id=\"rId3\" Type=\"" REL "styles\" Target=\"styles.xml\"/>" : "");
	add_text(zf, "xl/_rels/workbook.xml.rels", rels);
	if (n > 0 && len[0] > 0)
		add_part(zf, "xl/worksheets/sheet1.xml", part[0], len[0]);
	else
		add_text(zf, "xl/worksheets/sheet1.xml", sheet);
	if (n > 1)
		add_part(zf, "xl/sharedStrings.xml", part[1], len[1]);
	if (n > 2)
		add_part(zf, "xl/styles.xml", part[2], len[2]);
	if (n > 3)
		add_part(zf, "xl/workbook.xml", part[3], len[3]);
	else
		add_text(zf, "xl/workbook.xml", workbook);
	if (zipClose(zf, NULL) != ZIP_OK)
		abort();

	s = source_open(path, &opts, &cause);
	close(fd);
	if (s == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return 0;
	}
	header = source_header(s, &n);
	for (i = 0; i < n; i++) {
		if (header[i] == NULL)
			abort();
	}
	while ((rc = source_next(s, &row, &cause)) == 1) {
		for (k = 0; k < row->ncells; k++) {
			if (strlen(row->cells[k]) != row->lens[k])
				abort();
		}
	}
	if (rc == -1) {
		if (cause == NULL)
			abort();
		free(cause);
	}
	source_close(s);
	return 0;
}
