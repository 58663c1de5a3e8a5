#include "daemon/store/statement.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <utility>

namespace vhtask::daemon::store {

Error sqlite_error(sqlite3* db, std::string_view context) {
  if (db == nullptr) {
    return Error::db(fmt::format("{}: out of memory", context));
  }
  const int code = sqlite3_extended_errcode(db);
  return Error::db(fmt::format("{}: {} (SQLite code {})", context, sqlite3_errmsg(db), code))
      .with_cause(code);
}

Result<void> exec_sql(sqlite3* db, std::string_view sql) {
  // sqlite3_exec wants a NUL-terminated string; migrations and pragmas are small.
  const std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    const auto first_line = text.substr(0, text.find('\n'));
    return Error::db(fmt::format("SQL failed ({}): {}", first_line, detail))
        .with_cause(sqlite3_extended_errcode(db));
  }
  return {};
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return sqlite_error(db, fmt::format("preparing `{}`", sql));
  }
  return Statement(db, stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(m_stmt);
    m_db = std::exchange(other.m_db, nullptr);
    m_stmt = std::exchange(other.m_stmt, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(m_stmt);
}

Result<void> Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK) {
    return sqlite_error(m_db,
                        fmt::format("binding parameter {} of `{}`", index, sqlite3_sql(m_stmt)));
  }
  return {};
}

Result<void> Statement::bind_int64(int index, std::int64_t value) {
  return check_bind(sqlite3_bind_int64(m_stmt, index, value), index);
}

Result<void> Statement::bind(int index, double value) {
  return check_bind(sqlite3_bind_double(m_stmt, index, value), index);
}

Result<void> Statement::bind(int index, std::string_view value) {
  return check_bind(
      sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

Result<void> Statement::bind(int index, std::nullopt_t) {
  return check_bind(sqlite3_bind_null(m_stmt, index), index);
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return sqlite_error(m_db, fmt::format("running `{}`", sqlite3_sql(m_stmt)));
}

Result<void> Statement::run() {
  while (VHTASK_TRY(step())) {
  }
  return {};
}

bool Statement::read_only() const {
  return sqlite3_stmt_readonly(m_stmt) != 0;
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(m_stmt, column);
  if (text == nullptr) {
    return {};
  }
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
}

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
  if (column_is_null(column)) {
    return std::nullopt;
  }
  return column_int64(column);
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (column_is_null(column)) {
    return std::nullopt;
  }
  return column_text(column);
}

}  // namespace vhtask::daemon::store
