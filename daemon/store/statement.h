#pragma once

// Statement: RAII owner of one prepared SQLite statement, with typed bind and column accessors
// that report failures as Result. StatementLease: a borrowed, cached Statement that is reset when
// the lease ends, so no half-stepped statement keeps a read snapshot open.
//
// Thread: a Statement belongs to its connection; use it only where the connection is used (the
// Store's owner, the io_context thread). It must be destroyed before its connection is closed.

#include "common/result.h"

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace vhtask::daemon::store {

// An Error::db naming what was being done and SQLite's message and extended code for `db`.
Error sqlite_error(sqlite3* db, std::string_view context);

// Runs one or more SQL statements that return no rows (sqlite3_exec).
Result<void> exec_sql(sqlite3* db, std::string_view sql);

class Statement {
public:
  // Compiles `sql` (exactly one statement) for `db`.
  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds one parameter; indices are 1-based as in SQLite. std::nullopt binds NULL.
  template <std::integral T>
  Result<void> bind(int index, T value) {
    return bind_int64(index, static_cast<std::int64_t>(value));
  }
  Result<void> bind(int index, double value);
  Result<void> bind(int index, std::string_view value);
  Result<void> bind(int index, std::nullopt_t);
  template <class T>
  Result<void> bind(int index, const std::optional<T>& value) {
    if (!value) {
      return bind(index, std::nullopt);
    }
    return bind(index, *value);
  }

  // Binds parameters 1..N to `args` in order; stops at the first failure.
  template <class... Args>
  Result<void> bind_all(const Args&... args) {
    int index = 0;
    Result<void> result;
    ((result = result ? bind(++index, args) : result), ...);
    return result;
  }

  // Advances to the next row: true if a row is available, false when the statement is done.
  Result<bool> step();
  // Steps until done, ignoring rows: for INSERT/UPDATE/DELETE.
  Result<void> run();
  // Rewinds the statement and clears its bindings so it can be reused.
  void reset();
  // True if the statement makes no direct change to the database (sqlite3_stmt_readonly).
  bool read_only() const;

  // Column accessors for the current row; columns are 0-based. NULL reads as 0 / "".
  std::int64_t column_int64(int column) const;
  std::string column_text(int column) const;
  bool column_is_null(int column) const;
  std::optional<std::int64_t> column_optional_int64(int column) const;
  std::optional<std::string> column_optional_text(int column) const;

private:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
  Result<void> bind_int64(int index, std::int64_t value);
  Result<void> check_bind(int rc, int index);

  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_stmt = nullptr;
};

// A cached Statement borrowed for one use; reset on destruction. Move-only. The Statement must
// outlive the lease (the Store's cache guarantees that).
class StatementLease {
public:
  explicit StatementLease(Statement& statement) : m_statement(&statement) {}
  StatementLease(StatementLease&& other) noexcept : m_statement(other.m_statement) {
    other.m_statement = nullptr;
  }
  StatementLease& operator=(StatementLease&&) = delete;
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  ~StatementLease() {
    if (m_statement != nullptr) {
      m_statement->reset();
    }
  }

  Statement* operator->() const { return m_statement; }
  Statement& operator*() const { return *m_statement; }

private:
  Statement* m_statement;
};

}  // namespace vhtask::daemon::store
