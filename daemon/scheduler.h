#pragma once

// Scheduler: decides which execution starts next under a global concurrency limit and optional
// per-task limits. Pure logic, like ninja's Plan: it never touches processes, files or the store;
// the daemon asks next() what to start, starts it, and reports finished() when it ends.
//
// Order: tasks are served in the order they were added; within a task, requested reruns first
// (in request order), then fresh indices in increasing order. A task only yields slots to later
// tasks when it is at its own limit or has nothing queued.
//
// Event-driven use: after any event (a task added, an execution finished, a limit raised) call
// next() until it returns nullopt, and start every Start it returns.
//
// Memory is O(tasks + running + queued reruns), never O(count): fresh indices of a task are the
// range [next_index, count), held as two integers.
//
// Slots: every running execution holds a slot, the smallest number not held by another running
// execution. While running < global limit that is always < the limit, so slots are 0..limit-1
// and reused (VHTASK_SLOT; pin a GPU per slot). After the limit is lowered, executions already
// running keep their (possibly higher) slots until they finish.
//
// Ownership and thread: owned by the Engine (daemon/engine.h); every method must be called on
// the io_context thread. A plain value type with no locks and no callbacks.

#include "common/protocol/ids.h"
#include "common/result.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <vector>

namespace vhtask::daemon {

class Scheduler {
public:
  // One execution to start now. attempt is 1 for a fresh index, n+1 for a rerun.
  struct Start {
    TaskId task_id;
    ExecutionIndex idx;
    Attempt attempt;
    Slot slot;

    bool operator==(const Start&) const = default;
  };

  // What finished() and stop_task() report about the task afterwards. drained: nothing queued and
  // nothing running, so the scheduler forgot the task (the daemon can mark it finished).
  enum class TaskProgress { active, drained };

  // A limit of 0 pauses: nothing new starts until it is raised.
  explicit Scheduler(std::size_t global_limit);

  // Adds a task with fresh indices [first_index, count) queued, served after every task added
  // before it. first_index > 0 resumes a task after a restart (the store's next_index); a task
  // with first_index == count queues nothing fresh and waits for reruns. limit: the per-task
  // limit, nullopt for the global limit only. Fails if the task is already known or the range
  // is invalid. external: the task's executions run elsewhere (a Slurm cluster): they neither
  // count against nor wait for the global limit, and hold no slot (their Start::slot is 0).
  Result<void> add_task(TaskId task, std::int64_t count, std::optional<std::size_t> limit,
                        ExecutionIndex first_index = 0, bool external = false);

  // Queues a rerun of one index; it runs before the task's fresh indices. Fails if the task is
  // unknown (a drained task must be added again first, e.g. add_task(task, count, limit, count)).
  Result<void> add_rerun(TaskId task, ExecutionIndex idx, Attempt attempt);

  // Counts an execution that is already running in `slot` (reattached after a daemon restart)
  // against the limits, as if next() had returned it. Fails if the task is unknown or the slot
  // is held.
  Result<void> adopt(TaskId task, Slot slot);

  // The next execution to start, or nullopt if nothing may start now. Marks it running.
  std::optional<Start> next();

  // Undoes next() for `start` (it could not be recorded, or must wait): its slot is freed and it
  // goes back to the front of its task's queue, so the next next() offers it again. fresh: it
  // was a fresh index (it must be the last one handed out); otherwise it returns as a rerun of
  // (idx, attempt). Fails if the task is unknown or does not hold the slot.
  Result<void> give_back(const Start& start, bool fresh);

  // An execution of `task` holding `slot` ended: frees the slot. Fails if the task does not hold
  // that slot.
  Result<TaskProgress> finished(TaskId task, Slot slot);

  // Drops the task's queue (fresh indices and reruns); next() will start nothing more of it.
  // Its running executions stay counted until finished(). Fails if the task is unknown.
  Result<TaskProgress> stop_task(TaskId task);

  // Limits take effect on the next call to next(); lowering one never stops running executions.
  void set_global_limit(std::size_t limit);
  Result<void> set_task_limit(TaskId task, std::optional<std::size_t> limit);

  std::size_t global_limit() const { return m_global_limit; }
  // How many more executions may start now under the global limit: limit - running, at least 0.
  std::size_t capacity() const;
  // Queued executions of a task (fresh + reruns), 0 if unknown. O(1): no per-index state.
  std::int64_t queued_count(TaskId task) const;
  std::size_t running_count() const { return m_running; }
  std::size_t running_count(TaskId task) const;
  bool has_task(TaskId task) const;

private:
  struct QueuedRerun {
    ExecutionIndex idx;
    Attempt attempt;
  };

  struct TaskQueue {
    TaskId id;
    std::optional<std::size_t> limit;
    ExecutionIndex next_index;
    std::int64_t count;
    std::deque<QueuedRerun> reruns;
    std::size_t running = 0;
    bool external = false;

    bool has_queued() const { return !reruns.empty() || next_index < count; }
    bool at_limit() const { return limit && running >= *limit; }
  };

  TaskQueue* find(TaskId task);
  const TaskQueue* find(TaskId task) const;
  // Forgets the task if nothing is queued or running; reports which.
  TaskProgress drain_if_idle(TaskId task);
  Slot take_slot(TaskId task);

  std::size_t m_global_limit;
  std::size_t m_running = 0;
  // In the order tasks were added. Few entries (the active tasks), so lookups are linear.
  std::vector<TaskQueue> m_tasks;
  // m_slot_owner[s]: the task running in slot s, nullopt if free. Trimmed so its last entry is
  // always held; m_free_slots holds the free numbers below its size.
  std::vector<std::optional<TaskId>> m_slot_owner;
  std::set<Slot> m_free_slots;
};

}  // namespace vhtask::daemon
