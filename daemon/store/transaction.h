#pragma once

// Transaction: an RAII guard for one SQLite transaction. begin() starts it; the destructor rolls
// it back unless commit() succeeded, so an early `return` (VHTASK_TRY) undoes a half-done change.
// Transactions do not nest: begin one per state change.
//
// Thread: used where its connection is used (the Store's owner). It must end before the
// connection is closed.

#include "common/result.h"

struct sqlite3;

namespace vhtask::daemon::store {

class Transaction {
public:
  // immediate takes the write lock at once (BEGIN IMMEDIATE): what every writer wants, since a
  // deferred transaction that later writes can fail with SQLITE_BUSY instead of waiting.
  enum class Mode { deferred, immediate };

  static Result<Transaction> begin(sqlite3* db, Mode mode = Mode::immediate);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Commits. On failure the transaction is rolled back (by the destructor) and the error returned.
  // REQUIRES: not committed yet.
  Result<void> commit();

  bool active() const { return m_db != nullptr; }

private:
  explicit Transaction(sqlite3* db) : m_db(db) {}

  // The connection while the transaction is open; nullptr once committed or moved from.
  sqlite3* m_db;
};

}  // namespace vhtask::daemon::store
