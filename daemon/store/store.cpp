#include "daemon/store/store.h"

#include "daemon/store/migrations.h"
#include "daemon/store/store_rows.h"
#include "daemon/store/transaction.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::daemon::store {

namespace {

// How long opening the database (migrations) waits for another connection's lock (a `sqlite3`
// shell) before failing with SQLITE_BUSY.
constexpr int k_busy_timeout_ms = 5000;
// The same once the daemon serves: a write that finds the database locked fails quickly and the
// Engine retries it with backoff (daemon/pending_writes.h), so the event loop never blocks
// long. Readers are not affected: in WAL mode they read while another process writes.
constexpr int k_serving_busy_timeout_ms = 100;

Result<void> enable_wal(sqlite3* db, const std::string& path) {
  auto stmt = VHTASK_TRY(Statement::prepare(db, "PRAGMA journal_mode = WAL"));
  if (!VHTASK_TRY(stmt.step()) || stmt.column_text(0) != "wal") {
    return Error::db(fmt::format("{}: cannot switch the database to WAL mode", path));
  }
  return {};
}

// The database and its -wal and -shm files are the user's alone, whatever the umask: they hold
// every task's environment (schema/README.md, "What is stored"). SQLite gives a new file 0644
// and its -wal/-shm the database's mode, so the database is created here, 0600, and files left
// broader by an older vhtaskd are narrowed.
Result<void> make_private(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string file = path + suffix;
    const int flags = O_RDONLY | O_CLOEXEC | (*suffix == '\0' ? O_CREAT : 0);
    const int fd = ::open(file.c_str(), flags, 0600);
    if (fd < 0) {
      if (errno == ENOENT && *suffix != '\0') {
        continue;
      }
      return Error::db(fmt::format("cannot open database {}: {}", file, std::strerror(errno)));
    }
    struct stat st {};
    const bool narrowed = fstat(fd, &st) == 0 && ((st.st_mode & 077) == 0 || fchmod(fd, 0600) == 0);
    const int saved = errno;
    ::close(fd);
    if (!narrowed) {
      return Error::db(
          fmt::format("cannot make {} private (mode 0600): {}", file, std::strerror(saved)));
    }
  }
  return {};
}

}  // namespace

Result<Store> Store::open(const std::string& path) {
  if (path != ":memory:" && !path.empty()) {
    VHTASK_TRY(make_private(path));
  }
  sqlite3* raw = nullptr;
  // SQLite opens its files close-on-exec, so children never inherit the database.
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, &sqlite3_close_v2);
  if (rc != SQLITE_OK) {
    return sqlite_error(raw, fmt::format("opening database {}", path));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, k_busy_timeout_ms);
  auto wal = enable_wal(raw, path);
  if (!wal) {
    // The first read is where a non-database file shows up (SQLITE_NOTADB).
    return Error::db(fmt::format("opening database {}: {}", path, wal.error().message));
  }
  // synchronous=NORMAL is durable across application crashes in WAL mode; only a power loss can
  // drop the last commits, which recover() then treats like a daemon crash.
  // Errors from here on name the database, and say what a lock means for the user.
  const auto explain = [&path](const Error& e) {
    std::string message = "database " + path + ": " + e.message;
    if (e.message.find("database is locked") != std::string::npos) {
      message += " (another process holds a lock on it; vhtaskd waited " +
                 std::to_string(k_busy_timeout_ms / 1000) + " s; close that process and retry)";
    }
    return Error::db(message);
  };
  if (auto pragmas = exec_sql(raw, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
      !pragmas) {
    return explain(pragmas.error());
  }
  const auto version = migrate(raw, migrations(), path);
  if (!version) {
    return explain(version.error());
  }
  sqlite3_busy_timeout(raw, k_serving_busy_timeout_ms);
  return Store(std::move(db), path, *version);
}

Store::Store(std::unique_ptr<sqlite3, int (*)(sqlite3*)> db, std::string path, int schema_version)
    : m_db(std::move(db)), m_path(std::move(path)), m_schema_version(schema_version) {}

Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<StatementLease> Store::cached(std::string_view sql) {
  auto found = m_statements.find(sql);
  if (found == m_statements.end()) {
    auto stmt = VHTASK_TRY(Statement::prepare(m_db.get(), sql));
    found = m_statements.emplace(std::string(sql), std::move(stmt)).first;
  }
  if (m_fault_hook && !found->second.read_only()) {
    if (const int code = m_fault_hook(sql); code != SQLITE_OK) {
      return Error::db(fmt::format("running `{}`: {} (SQLite code {}, injected)", sql,
                                   sqlite3_errstr(code), code))
          .with_cause(code);
    }
  }
  return StatementLease(found->second);
}

void Store::set_fault_hook(FaultHook hook) {
  m_fault_hook = std::move(hook);
}

Result<void> Store::expect_one_change(std::string_view what) {
  if (sqlite3_changes(m_db.get()) != 1) {
    return Error::not_found(fmt::format("{} does not exist", what));
  }
  return {};
}

Result<void> Store::integrity_check() {
  auto stmt = VHTASK_TRY(cached("PRAGMA integrity_check"));
  std::string problems;
  while (VHTASK_TRY(stmt->step())) {
    const auto line = stmt->column_text(0);
    if (line != "ok") {
      problems += problems.empty() ? line : "; " + line;
    }
  }
  if (!problems.empty()) {
    return Error::db(fmt::format("{} failed its integrity check: {}", m_path, problems));
  }
  return {};
}

// ---- tasks

Result<TaskRecord> Store::create_task(const NewTask& task, Timestamp now) {
  if (task.count < 0 || (task.parallel && *task.parallel < 0)) {
    return Error::invalid_argument("a task's count and parallel limit must not be negative");
  }
  {
    auto stmt = VHTASK_TRY(
        cached("INSERT INTO tasks (created_at, step, name, valohai_yaml, grid, cwd, git_commit, "
               "environment, type, seed, count, parallel, on_child_error, config_file, "
               "grid_file, blueprint, fixed_params, varying, executor, executor_options, "
               "stop_condition, git_dirty) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    VHTASK_TRY(stmt->bind_all(
        format_timestamp(now), task.step, task.name, task.valohai_yaml, task.grid, task.cwd,
        task.git_commit, task.environment_json, task.type, task.seed, task.count, task.parallel,
        task.on_child_error, task.config_file, task.grid_file, task.blueprint,
        task.fixed_params_json, task.varying_json, task.executor, task.executor_options_json,
        task.stop_condition,
        task.git_dirty ? std::optional<int>(*task.git_dirty ? 1 : 0) : std::optional<int>()));
    VHTASK_TRY(stmt->run());
  }
  return task_by_id(sqlite3_last_insert_rowid(m_db.get()));
}

Result<TaskRecord> Store::task_by_id(TaskId id) {
  static const std::string k_sql = fmt::format("SELECT {} FROM tasks WHERE id = ?", k_task_columns);
  auto stmt = VHTASK_TRY(cached(k_sql));
  VHTASK_TRY(stmt->bind_all(id));
  if (!VHTASK_TRY(stmt->step())) {
    return Error::not_found(fmt::format("task {} does not exist", id));
  }
  return read_task(*stmt);
}

Result<std::vector<TaskRecord>> Store::list_tasks() {
  static const std::string k_sql = fmt::format("SELECT {} FROM tasks ORDER BY id", k_task_columns);
  auto stmt = VHTASK_TRY(cached(k_sql));
  std::vector<TaskRecord> tasks;
  while (VHTASK_TRY(stmt->step())) {
    tasks.push_back(VHTASK_TRY(read_task(*stmt)));
  }
  return tasks;
}

Result<std::vector<TaskRecord>> Store::unfinished_tasks() {
  static const std::string k_sql = fmt::format(
      "SELECT {} FROM tasks WHERE state IN ('running', 'stopping') ORDER BY id", k_task_columns);
  auto stmt = VHTASK_TRY(cached(k_sql));
  std::vector<TaskRecord> tasks;
  while (VHTASK_TRY(stmt->step())) {
    tasks.push_back(VHTASK_TRY(read_task(*stmt)));
  }
  return tasks;
}

Result<void> Store::mark_task_state(TaskId id, TaskState state,
                                    const std::optional<std::string>& reason, Timestamp now) {
  auto stmt =
      VHTASK_TRY(cached("UPDATE tasks SET state = ?, reason = ?, finished_at = ? WHERE id = ?"));
  std::optional<std::string> finished_at;
  if (is_terminal(state)) {
    finished_at = format_timestamp(now);
  }
  VHTASK_TRY(stmt->bind_all(to_string(state), reason, finished_at, id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("task {}", id));
}

Result<void> Store::set_task_parallel(TaskId id, std::optional<std::int64_t> parallel) {
  if (parallel && *parallel < 0) {
    return Error::invalid_argument("a parallel limit must not be negative");
  }
  auto stmt = VHTASK_TRY(cached("UPDATE tasks SET parallel = ? WHERE id = ?"));
  VHTASK_TRY(stmt->bind_all(parallel, id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("task {}", id));
}

Result<std::int64_t> Store::cancel_queue(TaskId id, const std::optional<std::string>& reason,
                                         Timestamp now) {
  auto transaction = VHTASK_TRY(Transaction::begin(m_db.get()));
  {
    auto stmt = VHTASK_TRY(cached("UPDATE tasks SET cancelled = 1 WHERE id = ?"));
    VHTASK_TRY(stmt->bind_all(id));
    VHTASK_TRY(stmt->run());
    VHTASK_TRY(expect_one_change(fmt::format("task {}", id)));
  }
  std::int64_t cancelled = 0;
  {
    auto stmt =
        VHTASK_TRY(cached("UPDATE executions SET state = 'stopped', reason = ?, finished_at = ? "
                          "WHERE task_id = ? AND state = 'queued'"));
    VHTASK_TRY(stmt->bind_all(reason, format_timestamp(now), id));
    VHTASK_TRY(stmt->run());
    cancelled = sqlite3_changes(m_db.get());
  }
  VHTASK_TRY(transaction.commit());
  return cancelled;
}

Result<TaskCounts> Store::task_counts(TaskId id) {
  // One read transaction, so the cursor and the rows come from the same snapshot.
  auto transaction = VHTASK_TRY(Transaction::begin(m_db.get(), Transaction::Mode::deferred));
  const auto task = VHTASK_TRY(task_by_id(id));
  TaskCounts counts;
  counts[task.cancelled ? ExecutionState::stopped : ExecutionState::queued] =
      task.spec.count - task.next_index;
  {
    auto stmt = VHTASK_TRY(cached("SELECT state, n FROM task_state_counts WHERE task_id = ?"));
    VHTASK_TRY(stmt->bind_all(id));
    while (VHTASK_TRY(stmt->step())) {
      const auto state = parse_execution_state(stmt->column_text(0));
      if (!state) {
        return Error::db(fmt::format("unknown execution state '{}'", stmt->column_text(0)));
      }
      counts[*state] += stmt->column_int64(1);
    }
  }
  VHTASK_TRY(transaction.commit());
  return counts;
}

}  // namespace vhtask::daemon::store
