// SPDX-License-Identifier: Apache-2.0
#include "results/schema.h"

#include "results/migrations_sql.h"

#include <iterator>
#include <string>

namespace kopt {

int StoreSchemaVersion() { return static_cast<int>(std::size(kMigrationSql)); }

int MigrateSchema(Database& db) {
  const int known = StoreSchemaVersion();
  auto refuse_newer = [&](std::int64_t found) {
    if (found > known) {
      throw StoreError(db.path() + ": schema version " + std::to_string(found) +
                       " was written by a newer kopt; this kopt knows versions up to " +
                       std::to_string(known) + " (upgrade kopt, or pass --db another file)");
    }
  };
  const std::int64_t start = db.QueryInt("PRAGMA user_version");
  refuse_newer(start);
  if (start == known) return static_cast<int>(start);
  for (;;) {
    // Another process may be migrating the same file: take the write lock, then read the
    // version again, so each step runs exactly once.
    Transaction tx(db);
    std::int64_t version = db.QueryInt("PRAGMA user_version");
    refuse_newer(version);
    if (version == known) break;
    db.Exec(kMigrationSql[version]);
    db.Exec("PRAGMA user_version = " + std::to_string(version + 1));
    tx.Commit();
  }
  return static_cast<int>(start);
}

}  // namespace kopt
