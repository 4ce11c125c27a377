/* The SQLite store as the other SQLite files see it (journal, reports,
 * rollback: store-sqlite-*.c): its constructor, its operation table, the
 * connection and how SQLite errors become store statuses. Nothing outside
 * store*.c includes it. */
#ifndef SLUICE_STORE_SQLITE_H
#define SLUICE_STORE_SQLITE_H

#include <sqlite3.h>

#include "store.h"

/* Opens (creating if needed) the SQLite database at path; store_open()
 * calls it for any target that is not a URL. */
struct store *store_sqlite_open(const char *path, char **cause);

extern const struct store_ops store_sqlite_ops;

/* The connection behind an SQLite store. */
sqlite3 *store_sqlite_handle(struct store *store);

/* Maps an SQLite result code to what the engine should do with it. */
enum store_status store_sqlite_classify(int rc);

/* Records the current SQLite error as the store's message. */
enum store_status store_sqlite_fail(struct store *store, int rc);

#endif
