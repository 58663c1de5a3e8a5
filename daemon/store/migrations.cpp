#include "daemon/store/migrations.h"

#include "daemon/store/statement.h"
#include "daemon/store/transaction.h"

#include <fmt/format.h>

namespace vhtask::daemon::store {

namespace {

Result<int> read_user_version(sqlite3* db) {
  auto stmt = VHTASK_TRY(Statement::prepare(db, "PRAGMA user_version"));
  if (!VHTASK_TRY(stmt.step())) {
    return Error::db("PRAGMA user_version returned no row");
  }
  return static_cast<int>(stmt.column_int64(0));
}

Result<void> check_numbering(std::span<const Migration> available) {
  for (std::size_t i = 0; i < available.size(); ++i) {
    if (available[i].version != static_cast<int>(i) + 1) {
      return Error::invalid_argument(fmt::format("migration {} is numbered {}, expected {}",
                                                 available[i].name, available[i].version, i + 1));
    }
  }
  return {};
}

}  // namespace

int latest_schema_version() {
  return static_cast<int>(migrations().size());
}

Result<int> migrate(sqlite3* db, std::span<const Migration> available, std::string_view db_name) {
  VHTASK_TRY(check_numbering(available));
  const int latest = static_cast<int>(available.size());

  // Read the version under the write lock, so two daemons starting at once cannot both migrate.
  auto transaction = VHTASK_TRY(Transaction::begin(db, Transaction::Mode::immediate));
  const int current = VHTASK_TRY(read_user_version(db));
  if (current > latest) {
    return Error::db(fmt::format(
        "database {} has schema version {}, newer than the version {} this vhtaskd ({}) "
        "supports; run a newer vhtaskd or point --db at another file",
        db_name, current, latest, VHTASK_VERSION));
  }
  if (current == latest) {
    return current;
  }
  for (const auto& migration : available.subspan(static_cast<std::size_t>(current))) {
    auto applied = exec_sql(db, migration.sql);
    if (!applied) {
      return Error::db(fmt::format("migrating {} to schema version {} ({}): {}", db_name,
                                   migration.version, migration.name, applied.error().message));
    }
  }
  // PRAGMA takes no bound parameters; `latest` is an integer we computed.
  VHTASK_TRY(exec_sql(db, fmt::format("PRAGMA user_version = {}", latest)));
  VHTASK_TRY(transaction.commit());
  return latest;
}

}  // namespace vhtask::daemon::store
