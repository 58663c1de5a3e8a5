// Store: the methods on the executions table (the task methods are in store.cpp).

#include "daemon/store/store.h"
#include "daemon/store/store_rows.h"
#include "daemon/store/transaction.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <string_view>

namespace vhtask::daemon::store {

namespace {

// A new execution's id: above every recorded one and above the ids reserved for directories the
// database does not know (the first parameter, Store::reserve_execution_ids).
constexpr std::string_view k_next_execution_id =
    "(SELECT max(coalesce(max(id), 0), ?) + 1 FROM executions)";
// The same as a one-row table with column `id`, for an INSERT ... SELECT that uses it twice.
constexpr std::string_view k_next_execution_id_row =
    "(SELECT max(coalesce(max(id), 0), ?) + 1 AS id FROM executions)";

}  // namespace

Result<ExecutionId> Store::max_execution_id() {
  auto stmt = VHTASK_TRY(cached("SELECT coalesce(max(id), 0) FROM executions"));
  if (!VHTASK_TRY(stmt->step())) {
    return Error::db("SELECT max(id) FROM executions returned no row");
  }
  return stmt->column_int64(0);
}

void Store::reserve_execution_ids(ExecutionId through) {
  m_reserved_ids = std::max(m_reserved_ids, through);
}

Result<std::vector<ExecutionRecord>> Store::query_executions(
    std::string_view sql, std::initializer_list<std::int64_t> keys) {
  auto stmt = VHTASK_TRY(cached(sql));
  int index = 0;
  for (const auto key : keys) {
    VHTASK_TRY(stmt->bind(++index, key));
  }
  std::vector<ExecutionRecord> rows;
  while (VHTASK_TRY(stmt->step())) {
    rows.push_back(VHTASK_TRY(read_execution(*stmt)));
  }
  return rows;
}

Result<ExecutionRecord> Store::single_execution(std::string_view sql, std::int64_t key) {
  auto rows = VHTASK_TRY(query_executions(sql, {key}));
  if (rows.empty()) {
    return Error::not_found(fmt::format("execution {} does not exist", key));
  }
  return std::move(rows.front());
}

Result<ExecutionRecord> Store::execution_by_id(ExecutionId id) {
  static const std::string k_sql =
      fmt::format("SELECT {} FROM executions WHERE id = ?", k_execution_columns);
  return single_execution(k_sql, id);
}

Result<ExecutionRecord> Store::insert_execution_started(const ExecutionStart& start) {
  auto transaction = VHTASK_TRY(Transaction::begin(m_db.get()));
  {
    // Advancing the cursor is what takes the index out of the derived queue; the WHERE clause
    // makes an out-of-order or cancelled start fail instead of leaving a gap.
    auto stmt = VHTASK_TRY(
        cached("UPDATE tasks SET next_index = next_index + 1 "
               "WHERE id = ? AND next_index = ? AND next_index < count AND cancelled = 0"));
    VHTASK_TRY(stmt->bind_all(start.task_id, start.idx));
    VHTASK_TRY(stmt->run());
    if (sqlite3_changes(m_db.get()) != 1) {
      const auto task = VHTASK_TRY(task_by_id(start.task_id));
      return Error::invalid_argument(fmt::format(
          "cannot start index {} of task {}: next index {} of {}{}", start.idx, start.task_id,
          task.next_index, task.spec.count, task.cancelled ? ", queue cancelled" : ""));
    }
  }
  {
    // The log lives in a directory named after the row's id: "{id}" in the path is filled in by
    // the same statement, so no row is ever without its log path.
    static const std::string k_sql = fmt::format(
        "INSERT INTO executions (id, task_id, idx, attempt, parameters, command, state, pid, "
        "created_at, started_at, log_path, slot) "
        "SELECT n.id, ?, ?, 1, ?, ?, ?, ?, ?, ?, replace(?, '{{id}}', n.id), ? "
        "FROM {} AS n",
        k_next_execution_id_row);
    if (start.state != ExecutionState::started && start.state != ExecutionState::queued) {
      return Error::invalid_argument(
          fmt::format("cannot record a new execution as {}", to_string(start.state)));
    }
    auto stmt = VHTASK_TRY(cached(k_sql));
    const bool queued = start.state == ExecutionState::queued;
    const auto created_at = format_timestamp(start.started_at);
    const auto started_at = queued ? std::nullopt : std::optional<std::string>(created_at);
    const auto pid = queued ? std::nullopt : start.pid;
    const auto slot = queued ? std::nullopt : std::optional<Slot>(start.slot);
    VHTASK_TRY(stmt->bind_all(start.task_id, start.idx, start.parameters_json, start.command,
                              to_string(start.state), pid, created_at, started_at, start.log_path,
                              slot, m_reserved_ids));
    VHTASK_TRY(stmt->run());
  }
  const auto id = sqlite3_last_insert_rowid(m_db.get());
  VHTASK_TRY(transaction.commit());
  return execution_by_id(id);
}

Result<ExecutionRecord> Store::request_rerun(TaskId task_id, ExecutionIndex idx, Timestamp now) {
  auto transaction = VHTASK_TRY(Transaction::begin(m_db.get()));
  const auto task = VHTASK_TRY(task_by_id(task_id));
  if (idx < 0 || idx >= task.next_index) {
    return Error::invalid_argument(fmt::format(
        "index {} of task {} has not started yet, so it cannot be rerun", idx, task_id));
  }
  static const std::string k_latest_sql = fmt::format(
      "SELECT {} FROM executions WHERE task_id = ? AND idx = ? ORDER BY attempt DESC LIMIT 1",
      k_execution_columns);
  auto latest = VHTASK_TRY(query_executions(k_latest_sql, {task_id, idx}));
  if (latest.empty()) {
    return Error::db(fmt::format("index {} of task {} started but has no row", idx, task_id));
  }
  const auto& previous = latest.front();
  // One pending attempt per index: a queued or live one has not produced its outcome yet.
  if (!is_terminal(previous.state)) {
    return Error::invalid_argument(
        fmt::format("index {} of task {} is {} (attempt {}); rerun it once it has finished", idx,
                    task_id, to_string(previous.state), previous.attempt));
  }
  {
    static const std::string k_sql = fmt::format(
        "INSERT INTO executions (id, task_id, idx, attempt, parameters, command, state, "
        "created_at) VALUES ({}, ?, ?, ?, ?, ?, 'queued', ?)",
        k_next_execution_id);
    auto stmt = VHTASK_TRY(cached(k_sql));
    VHTASK_TRY(stmt->bind_all(m_reserved_ids, task_id, idx, previous.attempt + 1,
                              previous.parameters_json, previous.command, format_timestamp(now)));
    VHTASK_TRY(stmt->run());
  }
  const auto id = sqlite3_last_insert_rowid(m_db.get());
  VHTASK_TRY(transaction.commit());
  return execution_by_id(id);
}

Result<void> Store::start_rerun(ExecutionId id, const RerunStart& start) {
  if (start.state == ExecutionState::queued) {
    auto stmt =
        VHTASK_TRY(cached("UPDATE executions SET log_path = ? WHERE id = ? AND state = 'queued'"));
    VHTASK_TRY(stmt->bind_all(start.log_path, id));
    VHTASK_TRY(stmt->run());
    return expect_one_change(fmt::format("queued execution {}", id));
  }
  auto stmt = VHTASK_TRY(cached(
      "UPDATE executions SET state = 'started', pid = ?, slot = ?, log_path = ?, started_at = ? "
      "WHERE id = ? AND state = 'queued'"));
  VHTASK_TRY(stmt->bind_all(start.pid, start.slot, start.log_path,
                            format_timestamp(start.started_at), id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("queued execution {}", id));
}

Result<void> Store::requeue_execution(ExecutionId id) {
  auto stmt =
      VHTASK_TRY(cached("UPDATE executions SET state = 'queued', pid = NULL, slot = NULL, "
                        "started_at = NULL WHERE id = ? AND state = 'started'"));
  VHTASK_TRY(stmt->bind_all(id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("started execution {}", id));
}

Result<void> Store::set_execution_pid(ExecutionId id, std::int64_t pid) {
  auto stmt = VHTASK_TRY(
      cached("UPDATE executions SET pid = ? WHERE id = ? AND state IN ('started', 'stopping')"));
  VHTASK_TRY(stmt->bind_all(pid, id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("running execution {}", id));
}

Result<void> Store::stop_queued_execution(ExecutionId id, const std::string& reason,
                                          Timestamp now) {
  auto stmt =
      VHTASK_TRY(cached("UPDATE executions SET state = 'stopped', reason = ?, "
                        "finished_at = ? WHERE id = ? AND state = 'queued'"));
  VHTASK_TRY(stmt->bind_all(std::string_view(reason), format_timestamp(now), id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("queued execution {}", id));
}

Result<void> Store::mark_execution_stopping(ExecutionId id,
                                            const std::optional<std::string>& reason) {
  auto stmt = VHTASK_TRY(cached(
      "UPDATE executions SET state = 'stopping', reason = ? WHERE id = ? AND state = 'started'"));
  VHTASK_TRY(stmt->bind_all(reason, id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("started execution {}", id));
}

Result<void> Store::finish_execution(ExecutionId id, const ExecutionOutcome& outcome) {
  if (!is_terminal(outcome.state) || (outcome.exit_code && outcome.signal)) {
    return Error::invalid_argument(fmt::format(
        "execution {}: an outcome is complete, error, stopped or crashed, with an exit code or "
        "a signal, not both (got {})",
        id, to_string(outcome.state)));
  }
  auto stmt = VHTASK_TRY(cached(
      "UPDATE executions SET state = ?, exit_code = ?, signal = ?, reason = coalesce(?, reason), "
      "finished_at = ? WHERE id = ? AND state IN ('started', 'stopping')"));
  VHTASK_TRY(stmt->bind_all(to_string(outcome.state), outcome.exit_code, outcome.signal,
                            outcome.reason, format_timestamp(outcome.finished_at), id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("running execution {}", id));
}

Result<void> Store::finish_unlaunched(ExecutionId id, const ExecutionOutcome& outcome) {
  if (!is_terminal(outcome.state) || (outcome.exit_code && outcome.signal)) {
    return Error::invalid_argument(
        fmt::format("execution {}: not an outcome ({})", id, to_string(outcome.state)));
  }
  auto stmt = VHTASK_TRY(cached(
      "UPDATE executions SET state = ?, exit_code = ?, signal = ?, reason = coalesce(?, reason), "
      "finished_at = ? WHERE id = ? AND state IN ('queued', 'started')"));
  VHTASK_TRY(stmt->bind_all(to_string(outcome.state), outcome.exit_code, outcome.signal,
                            outcome.reason, format_timestamp(outcome.finished_at), id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("unlaunched execution {}", id));
}

Result<std::vector<ExecutionRecord>> Store::executions_of_task(TaskId task) {
  static const std::string k_sql = fmt::format(
      "SELECT {} FROM executions WHERE task_id = ? ORDER BY idx, attempt", k_execution_columns);
  return query_executions(k_sql, {task});
}

Result<ExecutionPage> Store::executions_page(TaskId task, std::optional<ExecutionState> state,
                                             std::int64_t offset, std::int64_t limit) {
  // state_filter -1 means "any": one statement serves both cases.
  const std::int64_t state_filter = state ? static_cast<std::int64_t>(*state) : -1;
  const std::string state_name = state ? std::string(to_string(*state)) : std::string();
  ExecutionPage page;
  {
    auto stmt = VHTASK_TRY(
        cached("SELECT count(*) FROM executions WHERE task_id = ? AND (? < 0 OR state = ?)"));
    VHTASK_TRY(stmt->bind_all(task, state_filter, std::string_view(state_name)));
    if (VHTASK_TRY(stmt->step())) {
      page.total = stmt->column_int64(0);
    }
  }
  static const std::string k_sql = fmt::format(
      "SELECT {} FROM executions WHERE task_id = ? AND (? < 0 OR state = ?) "
      "ORDER BY idx, attempt LIMIT ? OFFSET ?",
      k_execution_columns);
  auto stmt = VHTASK_TRY(cached(k_sql));
  VHTASK_TRY(stmt->bind_all(task, state_filter, std::string_view(state_name), limit, offset));
  while (VHTASK_TRY(stmt->step())) {
    page.rows.push_back(VHTASK_TRY(read_execution(*stmt)));
  }
  page.offset = offset;
  return page;
}

Result<std::vector<ExecutionRecord>> Store::attempts_of(TaskId task, ExecutionIndex idx) {
  static const std::string k_sql =
      fmt::format("SELECT {} FROM executions WHERE task_id = ? AND idx = ? ORDER BY attempt",
                  k_execution_columns);
  return query_executions(k_sql, {task, idx});
}

Result<std::vector<ExecutionRecord>> Store::live_executions() {
  static const std::string k_sql =
      fmt::format("SELECT {} FROM executions WHERE state IN ('started', 'stopping') ORDER BY id",
                  k_execution_columns);
  return query_executions(k_sql, {});
}

Result<std::vector<ExecutionRecord>> Store::queued_reruns() {
  static const std::string k_sql = fmt::format(
      "SELECT {} FROM executions WHERE state = 'queued' ORDER BY id", k_execution_columns);
  return query_executions(k_sql, {});
}

}  // namespace vhtask::daemon::store
