#include "daemon/store/transaction.h"

#include "daemon/store/statement.h"

#include <sqlite3.h>

#include <utility>

namespace vhtask::daemon::store {

Result<Transaction> Transaction::begin(sqlite3* db, Mode mode) {
  VHTASK_TRY(exec_sql(db, mode == Mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

Transaction::~Transaction() {
  // A failed COMMIT can leave the transaction open; only roll back what is still open, since
  // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL).
  if (m_db != nullptr && sqlite3_get_autocommit(m_db) == 0) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Result<void> Transaction::commit() {
  VHTASK_TRY(exec_sql(m_db, "COMMIT"));
  m_db = nullptr;
  return {};
}

}  // namespace vhtask::daemon::store
