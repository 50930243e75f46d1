// SPDX-License-Identifier: Apache-2.0
// The store's schema: migrations/NNN_*.sql, embedded at build time, applied stepwise. The schema
// version lives in PRAGMA user_version; version N is the result of migrations 1..N.
#pragma once

#include "results/sqlite.h"

namespace kopt {

/// The schema version this kopt writes (the number of migrations it knows).
int StoreSchemaVersion();

/// Applies every migration the database lacks, each in its own transaction, and returns the
/// version it started from. Throws StoreError, naming the file and both versions, when the
/// database was written by a newer kopt.
int MigrateSchema(Database& db);

}  // namespace kopt
