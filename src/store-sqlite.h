/* The SQLite store's handle, for the journal, which lives in the same
 * database and writes in the same transactions. */
#ifndef SLUICE_STORE_SQLITE_H
#define SLUICE_STORE_SQLITE_H

#include <sqlite3.h>

#include "store.h"

sqlite3 *store_sqlite_handle(struct store *store);

/* Maps an SQLite result code to what the engine should do with it. */
enum store_status store_sqlite_classify(int rc);

/* Records the current SQLite error as the store's message. */
enum store_status store_sqlite_fail(struct store *store, int rc);

#endif
