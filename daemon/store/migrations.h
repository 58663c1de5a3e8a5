#pragma once

// Schema migrations: the numbered schema/NNNN_*.sql files, embedded into the binary at build time
// (schema/embed_migrations.cmake generates the definition of migrations()), and the code that
// brings a database up to date. PRAGMA user_version holds the number of the last migration
// applied; a database with a higher number than this binary knows is refused, never touched.
//
// Free functions over a raw connection; the caller (Store::open) owns the connection and calls
// them before anything else uses it.

#include "common/result.h"

#include <span>
#include <string_view>

struct sqlite3;

namespace vhtask::daemon::store {

// One migration file. `version` is its number: the user_version after it is applied.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The migrations compiled into this binary, in order, numbered 1..N without gaps.
std::span<const Migration> migrations();

// The schema version this binary writes: the number of its last migration.
int latest_schema_version();

// Applies every migration newer than the database's user_version, all in one IMMEDIATE
// transaction (so a concurrent opener waits instead of migrating twice, and a failing migration
// leaves the database as it was). Returns the resulting version.
// Fails with Error::db if the database is newer than `available`, naming both versions and
// `db_name` (used only in messages). REQUIRES: `available` is numbered 1..N without gaps.
Result<int> migrate(sqlite3* db, std::span<const Migration> available, std::string_view db_name);

}  // namespace vhtask::daemon::store
