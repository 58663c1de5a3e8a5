#pragma once

// Store: the daemon's SQLite database (schema/README.md). Owns the connection, applies the
// embedded migrations on open, caches prepared statements, and offers typed reads and writes.
// Every state change is one transaction, so a crash leaves each row either before or after it.
//
// Queued executions are not materialised: a task row holds `count` and a `next_index` cursor,
// and an executions row appears only when an index starts (attempt 1) or a rerun is requested
// (attempt n+1, state queued). A task of a million executions is one row.
//
// Ownership and thread: the daemon's composition root owns the one Store; every method must be
// called on the io_context thread (the single writer). Move-only.

#include "common/protocol/ids.h"
#include "common/result.h"
#include "daemon/store/metadata_line.h"
#include "daemon/store/statement.h"
#include "daemon/store/store_types.h"

#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

struct sqlite3;

namespace vhtask::daemon::store {

class Store {
public:
  // Opens (creating if needed) the database at `path`: WAL journal, foreign keys on,
  // busy_timeout, then migrations. Fails if the file is newer than this binary (naming both
  // schema versions), unreadable, or not a database.
  static Result<Store> open(const std::string& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const std::string& path() const { return m_path; }
  int schema_version() const { return m_schema_version; }
  // PRAGMA integrity_check: Error::db listing the problems unless the file is intact.
  Result<void> integrity_check();

  // Fault injection for tests: before each statement that writes, the hook gets its SQL and
  // returns SQLITE_OK or the SQLite result code the statement fails with instead (the error is
  // what SQLite would report: Error::db with that code as its cause). Reads are never failed.
  // Null (the default): no injection.
  using FaultHook = std::function<int(std::string_view sql)>;
  void set_fault_hook(FaultHook hook);

  // ---- tasks
  // Records a new task (state running, next_index 0) and returns its row.
  Result<TaskRecord> create_task(const NewTask& task, Timestamp now);
  Result<TaskRecord> task_by_id(TaskId id);
  // All tasks, oldest first.
  Result<std::vector<TaskRecord>> list_tasks();
  // Tasks in state running or stopping: what recover() resumes.
  Result<std::vector<TaskRecord>> unfinished_tasks();
  // Sets a task's state and reason; a terminal state also sets finished_at, a live one clears it.
  Result<void> mark_task_state(TaskId id, TaskState state, const std::optional<std::string>& reason,
                               Timestamp now);
  // Changes a task's per-task limit (`vhtask parallel`); nullopt: the global limit only.
  Result<void> set_task_parallel(TaskId id, std::optional<std::int64_t> parallel);
  // Drops a task's queue (stop): un-started indices count as stopped and queued reruns are
  // marked stopped. Returns how many rerun rows were stopped. Running executions are untouched.
  Result<std::int64_t> cancel_queue(TaskId id, const std::optional<std::string>& reason,
                                    Timestamp now);
  // Per-state counts of a task's indices (newest attempt of each; un-started ones derived).
  Result<TaskCounts> task_counts(TaskId id);

  // ---- executions
  // Records a fresh index launching (attempt 1, in start.state: started, or queued for a runner
  // that starts it later) with its log path, and advances the task's next_index past it, in one
  // transaction. REQUIRES: start.idx == the task's next_index and the queue is open.
  Result<ExecutionRecord> insert_execution_started(const ExecutionStart& start);
  // Requests a rerun of an index: inserts attempt n+1 in state queued, with the parameters and
  // command of attempt n. Fails (invalid_argument) if the index has not started yet or its newest
  // attempt is still queued, started or stopping.
  Result<ExecutionRecord> request_rerun(TaskId task, ExecutionIndex idx, Timestamp now);
  // A queued rerun launching: queued -> started with its pid, slot and log; with
  // start.state == queued (a runner that starts it later) it stays queued and gets its log path.
  Result<void> start_rerun(ExecutionId id, const RerunStart& start);
  // started -> queued, for an execution that provably never launched (the daemon died between
  // recording its start and spawning it): it will start again as the same attempt.
  Result<void> requeue_execution(ExecutionId id);
  // Records the supervisor's pid of an execution recorded (started) before its spawn: the pid
  // exists only once the row does (status shows it; reattach reads the directory instead).
  Result<void> set_execution_pid(ExecutionId id, std::int64_t pid);
  // queued -> stopped: a requested rerun that will not run after all.
  Result<void> stop_queued_execution(ExecutionId id, const std::string& reason, Timestamp now);
  // started -> stopping (a stop was sent to its process group).
  Result<void> mark_execution_stopping(ExecutionId id, const std::optional<std::string>& reason);
  // started/stopping -> the outcome's terminal state. Fails if the execution is not live. An
  // outcome without a reason keeps the one recorded when the stop was sent.
  Result<void> finish_execution(ExecutionId id, const ExecutionOutcome& outcome);

  // queued/started -> the outcome's terminal state, for an execution recorded for a launch that
  // did not happen (it could not be rendered or spawned). Fails if it is in another state.
  Result<void> finish_unlaunched(ExecutionId id, const ExecutionOutcome& outcome);

  // The highest execution id recorded; 0 when there is none.
  Result<ExecutionId> max_execution_id();
  // From now on, new executions get ids above `through` as well as above every recorded one, so
  // that none reuses a directory the database does not know (daemon/store/execution_ids.h). Kept in
  // memory: once a row above it exists, the rows themselves carry it.
  void reserve_execution_ids(ExecutionId through);

  Result<ExecutionRecord> execution_by_id(ExecutionId id);
  // Every row of a task (all attempts), by index then attempt.
  Result<std::vector<ExecutionRecord>> executions_of_task(TaskId task);
  // A slice of a task's rows (by index then attempt), optionally of one state, with the number
  // of matching rows: what `status` pages through, so a huge task never loads whole.
  Result<ExecutionPage> executions_page(TaskId task, std::optional<ExecutionState> state,
                                        std::int64_t offset, std::int64_t limit);
  // The history of one index: its attempts, oldest first.
  Result<std::vector<ExecutionRecord>> attempts_of(TaskId task, ExecutionIndex idx);
  // Executions in state started or stopping, for recover(): their processes may still exist.
  Result<std::vector<ExecutionRecord>> live_executions();
  // Reruns waiting to start, oldest request first, for rebuilding the scheduler's queues.
  Result<std::vector<ExecutionRecord>> queued_reruns();

  // ---- metadata (store_metadata.cpp; schema/README.md, "Metadata")
  // How far an execution's log has been read for metadata.
  Result<MetadataProgress> metadata_progress(ExecutionId id);
  // In one transaction: appends `lines` (events get seq progress.count, count + 1, ...; dropped
  // lines are counted), updates the latest value of each key, and records `offset` as consumed.
  Result<MetadataProgress> append_metadata(ExecutionId id, std::span<const MetadataLine> lines,
                                           std::int64_t offset, Timestamp now);
  // The latest value of each key of one execution, by key.
  Result<std::vector<MetadataValue>> latest_metadata(ExecutionId id);
  // The latest value of each key of every execution of a task, by execution id then key.
  Result<std::vector<std::pair<ExecutionId, MetadataValue>>> task_metadata(TaskId task);
  // Records why a task stopped once its stop condition (NewTask::stop_condition) was met.
  Result<void> set_stop_reason(TaskId id, const std::string& reason);
  // Why a task's stop-condition stopped it; nullopt while it has not been met.
  Result<std::optional<std::string>> stop_reason(TaskId id);
  // Forgets a met stop-condition: a rerun reopened the task.
  Result<void> clear_stop_reason(TaskId id);
  // started -> stopping, recording that the execution met its step's stop-condition (`reason`
  // says which); its outcome (stopped) keeps that reason. Fails unless it is started.
  Result<void> mark_condition_met(ExecutionId id, const std::string& reason);
  // How many indices of a task have a newest attempt that met its step's stop-condition.
  Result<std::int64_t> condition_met_count(TaskId id);

private:
  Store(std::unique_ptr<sqlite3, int (*)(sqlite3*)> db, std::string path, int schema_version);

  // The cached statement for `sql`, compiled on first use; reset when the lease ends.
  Result<StatementLease> cached(std::string_view sql);
  // Runs a SELECT of k_execution_columns with `keys` bound to its parameters 1..N.
  Result<std::vector<ExecutionRecord>> query_executions(std::string_view sql,
                                                        std::initializer_list<std::int64_t> keys);
  Result<ExecutionRecord> single_execution(std::string_view sql, std::int64_t key);
  // Fails with not_found unless the last statement changed exactly one row.
  Result<void> expect_one_change(std::string_view what);

  // Lets the statement cache be searched with a string_view, without building a std::string.
  struct SqlHash {
    using is_transparent = void;  // NOLINT(readability-identifier-naming): std protocol name
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };

  // Declared first so it is destroyed last: the cached statements must be finalized before it.
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> m_db;
  // Keyed by SQL text; node-based, so a StatementLease stays valid while others are added.
  std::unordered_map<std::string, Statement, SqlHash, std::equal_to<>> m_statements;
  std::string m_path;
  int m_schema_version = 0;
  ExecutionId m_reserved_ids = 0;  // reserve_execution_ids
  FaultHook m_fault_hook;
};

}  // namespace vhtask::daemon::store
