#include "daemon/engine.h"

#include "common/json_text.h"
#include "daemon/task_row.h"
#include "supervisor/execution_files.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace vhtask::daemon {

Engine::Engine(boost::asio::io_context& io, store::Store& store, runner::ProcessRunner& runner,
               EngineSettings settings, Clock clock)
    : m_store(store),
      m_runner(runner),
      m_settings(std::move(settings)),
      m_scheduler(m_settings.global_limit),
      m_clock(std::move(clock)),
      m_metadata(io, store),
      m_writes(io, [this] { pump(); }),
      m_log_space(io, m_settings.executions_dir, [this] { pump(); }) {
  m_metadata.set_on_events(
      [this](ExecutionId id, const std::vector<std::string>& keys) { on_metadata(id, keys); });
  m_runner.set_on_exit(
      [this](ExecutionId id, runner::RunOutcome outcome) { on_exit(id, std::move(outcome)); });
  m_runner.set_on_started([this](ExecutionId id, Timestamp at) { on_started(id, at); });
}

Timestamp Engine::now() const {
  return m_clock ? m_clock() : vhtask::now();
}

std::string Engine::log_path(ExecutionId id) const {
  return exec_dir(id) + "/" + supervisor::execution_files::k_output_log;
}

Result<StartResult> Engine::start(const StartRequest& request) {
  auto context = VHTASK_TRY(build_task_context(request.inputs));
  store::NewTask row;
  to_task_row(request.inputs, *context, request.env, row);
  row.name = request.name;
  row.cwd = request.cwd;
  row.git_commit = request.git_commit;
  if (request.git_commit) {
    row.git_dirty = request.git_dirty;
  }
  if (request.parallel) {
    row.parallel = static_cast<std::int64_t>(*request.parallel);
  } else if (context->spec.maximum_queued_executions) {
    row.parallel = *context->spec.maximum_queued_executions;
  }
  const runner::ExecutorKind executor = request.executor.value_or(m_settings.default_executor);
  row.executor = std::string(to_string(executor));
  if (executor == runner::ExecutorKind::slurm) {
    row.executor_options_json = to_json(request.slurm);
  }
  ActiveTask checked;
  checked.context = std::move(context);
  VHTASK_TRY(load_stop_condition(checked));  // nothing is recorded for a malformed one
  context = std::move(checked.context);
  if (checked.stop_condition) {
    row.stop_condition = context->spec.stop_condition;
  }
  const store::TaskRecord record = VHTASK_TRY(m_store.create_task(row, now()));
  VHTASK_TRY(schedule_task(record, executor, 0));
  ActiveTask& active = m_active[record.id];
  if (executor == runner::ExecutorKind::slurm) {
    active.slurm = request.slurm;
  }
  active.executor = executor;
  active.record = record;
  active.context = std::move(context);
  active.stop_condition = std::move(checked.stop_condition);
  active.step_condition = std::move(checked.step_condition);
  active.env = request.env;
  spdlog::info("task {}: step {}, {} executions", record.id, record.spec.step, row.count);
  publish({record.id, std::nullopt, false});
  pump();
  return StartResult{record.id, row.count, static_cast<std::uint64_t>(*row.seed)};
}

Engine::ActiveTask* Engine::find_active(TaskId task) {
  const auto it = m_active.find(task);
  return it == m_active.end() ? nullptr : &it->second;
}

Result<Engine::ActiveTask*> Engine::activate(const store::TaskRecord& record) {
  if (ActiveTask* existing = find_active(record.id)) {
    return existing;
  }
  auto inputs = from_task_row(record.spec);
  auto context = inputs ? build_task_context(inputs->inputs)
                        : Result<std::unique_ptr<TaskContext>>(inputs.error());
  if (!context) {
    return Error::invalid_argument(
        fmt::format("task {} can no longer be expanded: {}", record.id, context.error().message));
  }
  const runner::ExecutorKind executor =
      VHTASK_TRY(runner::parse_executor(record.spec.executor, "tasks.executor"));
  std::optional<runner::SlurmOptions> slurm;
  if (executor == runner::ExecutorKind::slurm) {
    slurm = VHTASK_TRY(runner::slurm_options_from_json(record.spec.executor_options_json));
  }
  const ExecutionIndex first = record.cancelled ? record.spec.count : record.next_index;
  VHTASK_TRY(schedule_task(record, executor, first));
  ActiveTask& active = m_active[record.id];
  active.slurm = std::move(slurm);
  active.executor = executor;
  active.record = record;
  active.context = std::move(*context);
  if (auto loaded = load_stop_condition(active); !loaded) {
    spdlog::warn("task {}: {}", record.id, loaded.error().message);
  }
  active.env = std::move(inputs->env);
  return &active;
}

Result<void> Engine::schedule_task(const store::TaskRecord& record, runner::ExecutorKind executor,
                                   ExecutionIndex first) {
  std::optional<std::size_t> limit;
  if (record.spec.parallel) {
    limit = static_cast<std::size_t>(*record.spec.parallel);
  }
  const bool slurm = executor == runner::ExecutorKind::slurm;
  if (slurm) {
    limit = runner::k_slurm_chunk;
  }
  return m_scheduler.add_task(record.id, record.spec.count, limit, first, slurm);
}

void Engine::pump() {
  // Stalled: the queues wait (PendingWrites / LogSpace call pump() again when it passes).
  while (!m_writes.blocked() && !m_log_space.paused()) {
    const auto start = m_scheduler.next();
    if (!start) {
      return;
    }
    launch(*start);
  }
}

std::optional<Stall> Engine::stall() const {
  if (auto store = m_writes.stall()) {
    return store;
  }
  return m_log_space.stall();
}

Result<Engine::Recorded> Engine::record_start(ActiveTask& task, const Scheduler::Start& start,
                                              ExecutionState initial) {
  if (start.attempt > 1 || m_relaunch.contains({task.record.id, start.idx})) {
    // A rerun (or a requeued start): its row was recorded (queued) already.
    for (const auto& row : VHTASK_TRY(m_store.attempts_of(task.record.id, start.idx))) {
      if (row.attempt == start.attempt) {
        if (row.state != ExecutionState::queued) {
          m_relaunch.erase({task.record.id, start.idx});
          return Error::not_found(fmt::format("execution {} was stopped before it ran", row.id));
        }
        VHTASK_TRY(m_store.start_rerun(
            row.id, store::RerunStart{std::nullopt, start.slot, log_path(row.id), now(), initial}));
        m_relaunch.erase({task.record.id, start.idx});
        return Recorded{VHTASK_TRY(m_store.execution_by_id(row.id)), std::nullopt};
      }
    }
    m_relaunch.erase({task.record.id, start.idx});
    return Error::not_found(fmt::format("no attempt {} of index {}", start.attempt, start.idx));
  }
  const TaskContext& ctx = *task.context;
  store::ExecutionStart row;
  row.task_id = task.record.id;
  row.idx = start.idx;
  row.slot = start.slot;
  row.started_at = now();
  row.log_path = m_settings.executions_dir + "/{id}/" + supervisor::execution_files::k_output_log;
  row.state = initial;
  Result<void> rendered;
  if (const auto given = ctx.plan->values_at(static_cast<std::uint64_t>(start.idx))) {
    common::render::EffectiveValues effective;
    ctx.renderer->resolve(*given, effective);
    row.parameters_json.clear();
    ctx.renderer->append_json_object(row.parameters_json, effective);
    rendered = ctx.renderer->render_to(row.command, effective);
  } else {
    rendered = given.error();
  }
  if (!rendered) {
    row.command.clear();
  }
  Recorded recorded{VHTASK_TRY(m_store.insert_execution_started(row)), std::nullopt};
  if (!rendered) {
    recorded.failure = "could not be rendered: " + rendered.error().message;
  }
  return recorded;
}

void Engine::end_unlaunched(const Scheduler::Start& start, ExecutionId id, std::string reason) {
  const store::ExecutionOutcome outcome{ExecutionState::crashed, std::nullopt, std::nullopt, reason,
                                        now()};
  const auto done = [this, start, id] {
    if (ActiveTask* task = find_active(start.task_id)) {
      task->any_failed = true;
    }
    publish({start.task_id, id, false});
    release(start.task_id, start.slot);
  };
  m_writes.submit({fmt::format("record execution {} as crashed", id),
                   [this, id, outcome] { return m_store.finish_unlaunched(id, outcome); }, done,
                   [id, done](const Error& e) {
                     spdlog::error("execution {}: {}", id, e.message);
                     done();
                   }});
}

void Engine::start_later(const Scheduler::Start& start, ExecutionId id, bool recorded_queued) {
  m_log_space.pause();
  m_writes.submit({fmt::format("put execution {} back in its queue", id),
                   [this, id, recorded_queued]() -> Result<void> {
                     if (recorded_queued) {
                       return {};  // recorded queued for a runner that starts it later
                     }
                     return m_store.requeue_execution(id);
                   },
                   [this, start, id] {
                     if (start.attempt == 1) {
                       m_relaunch.insert({start.task_id, start.idx});
                     }
                     if (auto back = m_scheduler.give_back(start, false); !back) {
                       spdlog::error("execution {}: {}", id, back.error().message);
                     }
                     publish({start.task_id, id, false});
                   },
                   [this, start, id](const Error& e) {
                     spdlog::error("execution {}: {}", id, e.message);
                     release(start.task_id, start.slot);
                   }});
}

runner::LaunchSpec Engine::launch_spec(const ActiveTask& task, Slot slot) const {
  const common::valohai::Step& step = *task.context->step;
  runner::LaunchSpec spec;
  spec.task = task.record.id;
  spec.slot = slot;
  spec.cwd = task.record.spec.cwd;
  spec.env = task.env;
  // The step's own variables are configuration, so they win over the client's environment.
  for (const auto& var : step.environment_variables) {
    if (var.default_value) {
      spec.env[var.name] = *var.default_value;
    }
  }
  spec.time_limit_seconds = step.time_limit_seconds;
  spec.no_output_timeout_seconds = step.no_output_timeout_seconds;
  spec.grace_seconds = m_settings.grace_seconds;
  if (task.slurm) {
    runner::SlurmLaunch slurm{*task.slurm, std::nullopt};
    if (task.record.spec.parallel) {
      slurm.throttle = static_cast<std::size_t>(*task.record.spec.parallel);
    }
    spec.slurm = std::move(slurm);
  }
  return spec;
}

void Engine::launch(const Scheduler::Start& start) {
  ActiveTask* task = find_active(start.task_id);
  if (task == nullptr) {
    spdlog::error("task {} is scheduled but not active", start.task_id);
    return;
  }
  // A start from an existing row (a rerun, or a start requeued by recovery or by a full log
  // dir) may find the directory its earlier, never-run launch prepared; a fresh id's directory
  // must be new (daemon/store/execution_ids.h).
  const bool fresh = start.attempt == 1 && !m_relaunch.contains({start.task_id, start.idx});
  runner::LaunchSpec spec = launch_spec(*task, start.slot);
  // Handed to a queue (Slurm): `queued` until the runner says it started (on_started).
  const bool later = m_runner.starts_later(spec);
  auto recorded =
      record_start(*task, start, later ? ExecutionState::queued : ExecutionState::started);
  if (!recorded) {
    if (m_writes.refused(recorded.error())) {
      // Not recorded, so not started: it waits at the front of its queue for the store.
      if (!fresh && start.attempt == 1) {
        m_relaunch.insert({start.task_id, start.idx});
      }
      if (auto back = m_scheduler.give_back(start, fresh); !back) {
        spdlog::error("task {} index {}: {}", start.task_id, start.idx, back.error().message);
      }
      return;
    }
    // A stopped rerun just gives its slot back.
    spdlog::warn("task {} index {}: {}", start.task_id, start.idx, recorded.error().message);
    release(start.task_id, start.slot);
    return;
  }
  m_writes.accepted();
  const store::ExecutionRecord& record = recorded->row;
  if (recorded->failure) {
    spdlog::warn("execution {}: {}", record.id, *recorded->failure);
    end_unlaunched(start, record.id, *recorded->failure);
    return;
  }
  spec.id = record.id;
  spec.command = record.command;
  spec.parameters_json = record.parameters_json;
  spec.exec_dir = exec_dir(record.id);
  spec.reuse_dir = !fresh;
  const auto pid = m_runner.start(spec);
  if (!pid) {
    if (!m_log_space.has_room()) {
      spdlog::warn("execution {}: {}; it starts once the log dir has room", record.id,
                   pid.error().message);
      start_later(start, record.id, later);
      return;
    }
    spdlog::warn("execution {}: {}", record.id, pid.error().message);
    end_unlaunched(start, record.id, "could not be started: " + pid.error().message);
    return;
  }
  const ExecutionId id = record.id;
  m_running[id] = Running{start.task_id, start.slot};
  m_metadata.follow(id, spec.exec_dir);
  if (!later) {
    // The one write after the spawn: the pid exists only now (`status` shows it). A queued
    // execution has none: its runner's job is what runs it.
    m_writes.submit({fmt::format("record the pid of execution {}", id),
                     [this, id, pid = *pid] { return m_store.set_execution_pid(id, pid); }, [] {},
                     [id](const Error& e) { spdlog::error("execution {}: {}", id, e.message); }});
  }
  publish({start.task_id, id, false});
}

std::uint64_t Engine::subscribe(Listener listener) {
  const std::uint64_t id = m_next_listener++;
  m_listeners[id] = std::move(listener);
  return id;
}

void Engine::unsubscribe(std::uint64_t id) {
  m_listeners.erase(id);
}

void Engine::publish(const EngineEvent& event) {
  // A listener may unsubscribe itself while being called: iterate over a snapshot of the ids.
  std::vector<std::uint64_t> ids;
  for (const auto& [id, listener] : m_listeners) {
    ids.push_back(id);
  }
  for (const auto id : ids) {
    if (const auto it = m_listeners.find(id); it != m_listeners.end()) {
      auto listener = it->second;
      listener(event);
    }
  }
}

std::string Engine::exec_dir(ExecutionId id) const {
  return m_settings.executions_dir + "/" + std::to_string(id);
}

std::int64_t Engine::queued() const {
  std::int64_t total = 0;
  for (const auto& [id, task] : m_active) {
    total += m_scheduler.queued_count(id);
  }
  return total;
}

}  // namespace vhtask::daemon
