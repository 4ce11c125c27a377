/* A fault for tests/tui/out-of-memory-leaves-a-readable-message.sh, loaded
 * with LD_PRELOAD: expat has no memory for a parser, as when the machine
 * has none left. The wizard meets it when it opens a workbook. */
#include <expat.h>

XML_Parser
XML_ParserCreate(const XML_Char *encoding)
{
	(void)encoding;
	return NULL;
}
