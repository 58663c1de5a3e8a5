#pragma once

// Engine: the daemon's core loop. It turns `start` requests into tasks, asks the Scheduler what
// may start, renders each execution from its task's plan, records it in the Store, hands it to
// the ProcessRunner, and records the outcome when the runner reports it. Stop, rerun and limit
// changes go through it too, and so does recovery after a restart.
//
// Event-driven: work happens only when a request arrives or an execution ends; nothing polls.
// Listeners (streams such as `wait`, `status --watch`, `logs -f`) are told after every change.
//
// Memory follows the store: the Scheduler's cursor, slots and the active tasks change only once
// the store recorded the change. A write the database refuses for a while (locked, disk full:
// daemon/store/store_fault.h) waits in PendingWrites and is retried with backoff; meanwhile nothing
// new starts, reads are served, and stall() says why. A full log dir pauses every queue the same
// way (daemon/log_space.h). Either way the work goes on from exactly where it was.
//
// One launch is one store write with its initial state (started, or queued for a runner that
// starts it later) and its log path, always before the runner spawns it, so nothing runs that
// the store does not know; a runner that starts at once returns a pid, recorded by one more
// write (the pid exists only after the spawn).
//
// Time: every timestamp the engine records comes from its Clock (tests pass a fake one).
//
// Ownership and thread: owned by the composition root (daemon/app/run.cpp), which also owns the
// Store and the runner it borrows; every method must be called on the io_context thread.

#include "common/protocol/ids.h"
#include "common/result.h"
#include "daemon/follow/metadata_follower.h"
#include "daemon/log_space.h"
#include "daemon/pending_writes.h"
#include "daemon/runner/runner.h"
#include "daemon/scheduler.h"
#include "daemon/store/store.h"
#include "daemon/task_context.h"

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vhtask::common::expression {
class StopCondition;
}

namespace vhtask::daemon {

// A `start` request, decoded (schema/protocol.md, "start").
struct StartRequest {
  TaskInputs inputs;
  std::optional<std::size_t> parallel;
  std::string name;
  std::string cwd;  // the project directory: where the executions run
  std::map<std::string, std::string> env;
  std::optional<std::string> git_commit;
  std::optional<bool> git_dirty;                 // with git_commit only; nullopt: unknown
  std::optional<runner::ExecutorKind> executor;  // nullopt: the daemon's default (EngineSettings)
  runner::SlurmOptions slurm;                    // used when the executor is slurm
};

struct StartResult {
  TaskId task = 0;
  std::int64_t count = 0;
  std::uint64_t seed = 0;
};

// What changed: an execution of `task` (started, ended, stopping), or the task itself.
struct EngineEvent {
  TaskId task = 0;
  std::optional<ExecutionId> execution;
  bool task_ended = false;
};

struct EngineSettings {
  std::size_t global_limit = 1;
  std::string executions_dir;  // each execution gets executions_dir/<id>/
  int grace_seconds = 10;
  runner::ExecutorKind default_executor = runner::ExecutorKind::local;  // vhtaskd --executor
};

class Engine {
public:
  // The time the engine stamps its records with; null: the system clock (vhtask::now()).
  using Clock = std::function<Timestamp()>;

  Engine(boost::asio::io_context& io, store::Store& store, runner::ProcessRunner& runner,
         EngineSettings settings, Clock clock = {});
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Before serving: reattaches to executions that outlived the last daemon, records what ended
  // meanwhile, marks crashed what cannot be known, and resumes unfinished tasks' queues.
  Result<void> recover();

  // Validates and records a task, then starts what the limits allow (posted, so the reply to the
  // client goes out first). Nothing is recorded when validation fails.
  Result<StartResult> start(const StartRequest& request);

  // Stops a task: its queue is dropped (un-started executions become stopped) and its running
  // executions get SIGTERM (SIGKILL after the grace period). Returns how many were queued or
  // running. A task that already ended: 0.
  Result<std::int64_t> stop_task(TaskId task);
  // Stops single executions (running ones are signalled, queued reruns never start).
  Result<std::int64_t> stop_executions(const std::vector<ExecutionId>& ids);

  // New attempts of the given executions' permutations (same command and parameters); queued
  // ahead of their tasks' fresh executions. Returns the new rows.
  Result<std::vector<store::ExecutionRecord>> rerun(const std::vector<ExecutionId>& ids);
  // Every index of a task whose newest attempt is error, crashed or stopped.
  Result<std::vector<store::ExecutionRecord>> rerun_failed(TaskId task);

  // Changes the global limit (task == nullopt) or one task's limit, at once.
  Result<void> set_parallel(std::optional<TaskId> task, std::size_t limit);
  std::size_t global_limit() const { return m_scheduler.global_limit(); }

  // Listeners; the id unsubscribes. Callbacks run on the io_context thread after the store is
  // updated, and must not unsubscribe other listeners.
  using Listener = std::function<void(const EngineEvent&)>;
  std::uint64_t subscribe(Listener listener);
  void unsubscribe(std::uint64_t id);

  // Why nothing new starts although work is queued (the store refuses writes, the log dir is
  // full); nullopt while the daemon works normally.
  std::optional<Stall> stall() const;

  // The store the engine records in (borrowed; for the server's reads).
  store::Store& store() { return m_store; }
  std::size_t running() const { return m_running.size(); }
  // Queued executions of active tasks (for the systemd STATUS line).
  std::int64_t queued() const;
  // The directory of execution `id` (executions_dir/<id>), whether or not it exists yet.
  std::string exec_dir(ExecutionId id) const;

private:
  struct ActiveTask {
    store::TaskRecord record;
    std::unique_ptr<TaskContext> context;
    std::map<std::string, std::string> env;
    runner::ExecutorKind executor = runner::ExecutorKind::local;  // parsed from its row once
    std::optional<TaskState> final_state;                         // set by a stop
    std::optional<std::string> final_reason;
    bool any_failed = false;
    std::optional<runner::SlurmOptions> slurm;  // set when the task runs on the Slurm executor
    // The task's stop-condition, parsed (engine_stop_condition.cpp); null: none.
    std::shared_ptr<const common::expression::StopCondition> stop_condition;
    // The step's stop-condition: stops just the execution that meets it; null: none.
    std::shared_ptr<const common::expression::StopCondition> step_condition;
  };
  struct Running {
    TaskId task = 0;
    Slot slot = 0;
  };

  // Builds the in-memory state of a recorded task (for reruns and recovery).
  Result<ActiveTask*> activate(const store::TaskRecord& record);
  ActiveTask* find_active(TaskId task);

  // A launched row, and why it must end at once without running (it could not be rendered).
  struct Recorded {
    store::ExecutionRecord row;
    std::optional<std::string> failure;
  };

  void pump();
  void launch(const Scheduler::Start& start);
  // The one store write of a launch: the row in `initial` state (started, or queued for a
  // runner that starts it later) with its log path.
  Result<Recorded> record_start(ActiveTask& task, const Scheduler::Start& start,
                                ExecutionState initial);
  // Records `id` (of `start`, recorded started or queued) as crashed for `reason` without having
  // run, then frees its slot.
  void end_unlaunched(const Scheduler::Start& start, ExecutionId id, std::string reason);
  // `id` (of `start`) did not run for lack of space in the log dir: back to queued (unless
  // recorded_queued: it is already), to start again (same attempt) once there is room.
  void start_later(const Scheduler::Start& start, ExecutionId id, bool recorded_queued);
  // record_exit's second half, once the outcome is stored.
  void after_exit(ExecutionId id, Running running, const runner::RunOutcome& outcome);
  // What the runner needs for an execution of `task` in `slot`, all but the row's own fields
  // (id, command, parameters, exec_dir), which launch() fills once the row exists.
  runner::LaunchSpec launch_spec(const ActiveTask& task, Slot slot) const;
  void on_exit(ExecutionId id, runner::RunOutcome outcome);
  // A runner that starts executions later (Slurm) says one's command started.
  void on_started(ExecutionId id, Timestamp started_at);
  // on_exit's second half, once the execution's metadata is all stored.
  void record_exit(ExecutionId id, Running running, const runner::RunOutcome& outcome);
  // Frees the slot and finishes the task if that was its last execution.
  void release(TaskId task, Slot slot);
  void finish_task(ActiveTask& task);
  Result<void> stop_running(ExecutionId id);
  void publish(const EngineEvent& event);
  // The scheduler's settings for a task on `executor`: a Slurm task's limit is enforced by
  // Slurm (--array=...%K), so the scheduler only caps the executions handed out at once.
  Result<void> schedule_task(const store::TaskRecord& record, runner::ExecutorKind executor,
                             ExecutionIndex first);
  Timestamp now() const;
  std::string log_path(ExecutionId id) const;

  // engine_stop_condition.cpp: parses the task's and the step's stop-conditions into
  // task.stop_condition and task.step_condition.
  Result<void> load_stop_condition(ActiveTask& task);
  // A batch of `id`'s metadata setting `keys` was stored: stops the execution if that meets its
  // step's stop-condition, and its task if it meets the task's.
  void on_metadata(ExecutionId id, const std::vector<std::string>& keys);

  store::Store& m_store;
  runner::ProcessRunner& m_runner;
  EngineSettings m_settings;
  Scheduler m_scheduler;
  std::map<TaskId, ActiveTask> m_active;
  std::map<ExecutionId, Running> m_running;
  // (task, index) of attempt-1 rows requeued by recover(): they start from their row, like reruns.
  std::set<std::pair<TaskId, ExecutionIndex>> m_relaunch;
  std::map<std::uint64_t, Listener> m_listeners;
  std::uint64_t m_next_listener = 1;
  Clock m_clock;
  follow::MetadataFollower m_metadata;
  PendingWrites m_writes;
  LogSpace m_log_space;
};

}  // namespace vhtask::daemon
