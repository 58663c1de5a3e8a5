// SlurmRunner's submitting half: preparing execution directories, sbatch of job arrays,
// stops (scancel, or the supervisor's own graceful stop), reattaching after a restart, and
// throttling. Tracking (squeue polling, outcomes) is in slurm_tracking.cpp.

#include "daemon/slurm/slurm_runner.h"

#include "common/render/shell_quote.h"
#include "daemon/runner/execution_dir.h"
#include "daemon/runner/spawn_supervisor.h"
#include "daemon/slurm/slurm_cli.h"
#include "daemon/slurm/slurm_files.h"
#include "supervisor/execution_files.h"

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <random>

namespace vhtask::daemon::slurm {

namespace {

namespace fs = std::filesystem;

std::string tool_error(const std::string& tool, const ToolOutput& output) {
  std::string message = output.err.empty() ? output.out : output.err;
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return fmt::format("{} exited with status {}: {}", tool, output.exit_status, message);
}

std::string make_job_name(ExecutionId first) {
  std::random_device random;
  return fmt::format("vhtask-{}-{:08x}", first, random());
}

}  // namespace

SlurmRunner::SlurmRunner(boost::asio::io_context& io, std::string supervise_binary,
                         std::string work_dir)
    : m_io(io),
      m_supervise_binary(std::move(supervise_binary)),
      m_work_dir(std::move(work_dir)),
      m_timer(io) {}

SlurmRunner::~SlurmRunner() {
  m_alive.reset();
}

void SlurmRunner::set_on_exit(OnExit on_exit) {
  m_on_exit = std::move(on_exit);
}

void SlurmRunner::set_on_started(OnStarted on_started) {
  m_on_started = std::move(on_started);
}

Result<std::int64_t> SlurmRunner::start(const runner::LaunchSpec& spec) {
  if (!spec.slurm) {
    return Error::invalid_argument("not a Slurm execution");
  }
  if (m_tracked.contains(spec.id)) {
    return Error::invalid_argument(fmt::format("execution {} is already running", spec.id));
  }
  if (spec.time_limit_seconds.value_or(1) <= 0 || spec.no_output_timeout_seconds.value_or(1) <= 0 ||
      spec.grace_seconds < 0) {
    return Error::invalid_argument("limits must be positive (grace: not negative)");
  }
  const std::string exec_dir = fs::absolute(spec.exec_dir).lexically_normal().string();
  if (fs::path(exec_dir).filename() != std::to_string(spec.id)) {
    return Error::invalid_argument(
        fmt::format("a Slurm execution's directory must be named by its id: {}", exec_dir));
  }
  VHTASK_TRY(runner::prepare_execution_dir(exec_dir, spec));
  VHTASK_TRY(write_slurm_launcher(exec_dir, m_supervise_binary,
                                  runner::supervisor_args(spec, exec_dir),
                                  runner::supervisor_env(spec, exec_dir)));
  m_queued[spec.task].push_back(
      Queued{spec.id, exec_dir, *spec.slurm, spec.time_limit_seconds, spec.grace_seconds});
  m_tracked[spec.id] = Tracked{spec.task, exec_dir, {}, {}, false};
  if (!m_flush_posted) {
    m_flush_posted = true;
    boost::asio::post(m_io, [this, alive = std::weak_ptr<bool>(m_alive)] {
      if (alive.lock()) {
        flush();
      }
    });
  }
  return std::int64_t{0};
}

void SlurmRunner::flush() {
  m_flush_posted = false;
  auto queued = std::move(m_queued);
  m_queued.clear();
  for (auto& [task, batch] : queued) {
    // Executions stopped before their submission never reach Slurm.
    std::erase_if(batch, [this](const Queued& q) {
      const auto it = m_tracked.find(q.id);
      return it == m_tracked.end() || it->second.cancelled;
    });
    if (batch.empty()) {
      continue;
    }
    const auto job = submit(task, batch);
    if (!job) {
      spdlog::warn("task {}: {}", task, job.error().message);
      for (const auto& q : batch) {
        finish(q.id, runner::RunOutcome{ExecutionState::crashed, std::nullopt, std::nullopt,
                                        "could not be submitted to Slurm: " + job.error().message,
                                        now()});
      }
      continue;
    }
    spdlog::info("task {}: {} executions submitted as Slurm array {}", task, batch.size(), *job);
  }
}

Result<std::string> SlurmRunner::submit(TaskId task, const std::vector<Queued>& batch) {
  const runner::SlurmLaunch& slurm = batch.front().slurm;
  const std::size_t pack = std::max<std::size_t>(1, slurm.options.pack);
  const std::string executions_dir = fs::path(batch.front().exec_dir).parent_path().string();
  VHTASK_TRY(check_shared_filesystem(executions_dir, slurm.options.partition));
  const std::string name = make_job_name(batch.front().id);
  std::vector<std::vector<ExecutionId>> elements;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i % pack == 0) {
      elements.emplace_back();
    }
    elements.back().push_back(batch[i].id);
    if (fs::path(batch[i].exec_dir).parent_path() != executions_dir) {
      return Error::invalid_argument("the executions of one array must share a parent directory");
    }
  }
  // Intent first: a daemon that dies during sbatch finds the job by this name on restart.
  for (std::size_t element = 0; element < elements.size(); ++element) {
    for (const ExecutionId id : elements[element]) {
      VHTASK_TRY(
          write_slurm_json(m_tracked.at(id).exec_dir, SlurmJobRecord{name, {}, element, task}));
    }
  }
  const std::string script =
      VHTASK_TRY(write_array_script(m_work_dir, name, executions_dir, elements));
  std::vector<std::string> argv{"sbatch",
                                "--parsable",
                                "--job-name=" + name,
                                "--chdir=" + m_work_dir,
                                "--output=" + m_work_dir + "/" + name + ".out",
                                "--open-mode=append"};
  std::string array = fmt::format("--array=0-{}", elements.size() - 1);
  if (slurm.throttle) {
    array += fmt::format("%{}", *slurm.throttle);
  }
  argv.push_back(array);
  if (const auto limit = batch.front().time_limit_seconds) {
    // Coarse on purpose: the supervisor enforces the real limit; this only stops Slurm from
    // killing an element early. Slurm counts whole minutes.
    const std::int64_t seconds =
        static_cast<std::int64_t>(pack) * (*limit + batch.front().grace_seconds) + 60;
    argv.push_back(fmt::format("--time={}", (seconds + 59) / 60));
  }
  if (slurm.options.partition) {
    argv.push_back("--partition=" + *slurm.options.partition);
  }
  for (const auto& arg : slurm.options.sbatch_args) {
    argv.push_back(arg);
  }
  argv.push_back(script);
  const ToolOutput output = VHTASK_TRY(run_tool(argv));
  if (output.exit_status != 0) {
    return Error::spawn(tool_error("sbatch", output));
  }
  std::string job = output.out.substr(0, output.out.find_first_of(";\n"));
  if (job.empty() || job.find_first_not_of("0123456789") != std::string::npos) {
    return Error::spawn("sbatch --parsable answered '" + output.out + "'");
  }
  for (std::size_t element = 0; element < elements.size(); ++element) {
    for (const ExecutionId id : elements[element]) {
      Tracked& tracked = m_tracked.at(id);
      tracked.job = job;
      tracked.element = fmt::format("{}_{}", job, element);
      m_elements[tracked.element].insert(id);
    }
  }
  // One file for the whole array (not one per execution: submitting must stay cheap).
  if (auto saved = write_array_job(m_work_dir, name, job); !saved) {
    spdlog::warn("task {}: {}", task, saved.error().message);
  }
  arm(true);
  return job;
}

Result<void> SlurmRunner::stop(ExecutionId id) {
  const auto it = m_tracked.find(id);
  if (it == m_tracked.end()) {
    return Error::not_found(fmt::format("execution {} is not running", id));
  }
  Tracked& tracked = it->second;
  // Recorded first, on disk: the element's script skips a stopped execution, and a restarted
  // daemon still knows that this one was stopped.
  VHTASK_TRY(touch_stop_file(tracked.exec_dir));
  tracked.cancelled = true;
  if (tracked.job.empty()) {
    // Not submitted yet: flush() drops it.
    finish(id, runner::RunOutcome{ExecutionState::stopped, std::nullopt, std::nullopt,
                                  std::string("stopped by request"), now()});
    return {};
  }
  const auto& members = m_elements[tracked.element];
  const bool whole_element = std::all_of(members.begin(), members.end(), [this](ExecutionId m) {
    const auto found = m_tracked.find(m);
    return found == m_tracked.end() || found->second.cancelled;
  });
  const std::string started =
      tracked.exec_dir + "/" + supervisor::execution_files::k_supervisor_json;
  if (!whole_element && !fs::exists(started)) {
    // A packed execution that has not started: its element skips it.
    finish(id, runner::RunOutcome{ExecutionState::stopped, std::nullopt, std::nullopt,
                                  std::string("stopped by request"), now()});
    return {};
  }
  // A running element: its script passes the signal to the current supervisor, which stops
  // the command as it does locally (USR1: only if this execution is the current one; TERM: and
  // the element starts no other). A pending element is cancelled.
  const auto state = m_element_states.find(tracked.element);
  const bool element_runs = state != m_element_states.end() && state->second == "RUNNING";
  StopKind kind = StopKind::cancel;
  if (!whole_element) {
    kind = StopKind::interrupt;
  } else if (element_runs) {
    kind = StopKind::terminate;
  }
  m_stops.emplace_back(tracked.element, kind);
  if (!m_stops_posted) {
    m_stops_posted = true;
    boost::asio::post(m_io, [this, alive = std::weak_ptr<bool>(m_alive)] {
      if (alive.lock()) {
        flush_stops();
      }
    });
  }
  return {};
}

void SlurmRunner::flush_stops() {
  m_stops_posted = false;
  std::set<std::string> cancel;
  std::set<std::string> terminate;
  std::set<std::string> interrupt;
  for (const auto& [element, kind] : m_stops) {
    (kind == StopKind::cancel      ? cancel
     : kind == StopKind::terminate ? terminate
                                   : interrupt)
        .insert(element);
  }
  m_stops.clear();
  // Pending elements first, in one call: signalling a running element of a throttled array
  // frees its slot, and Slurm must not start a pending one that is being stopped.
  if (!cancel.empty()) {
    std::vector<std::string> argv{"scancel"};
    argv.insert(argv.end(), cancel.begin(), cancel.end());
    const auto output = run_tool(argv);
    if (!output || output->exit_status != 0) {
      spdlog::warn("{}", output ? tool_error("scancel", *output) : output.error().message);
    }
  }
  // `scancel --batch` on an array element takes seconds to return (it waits for the element to
  // end), so it runs detached; the outcome arrives through status.json and squeue as usual.
  const auto signal_batch = [](const std::set<std::string>& elements, const char* signal) {
    if (elements.empty()) {
      return;
    }
    std::vector<std::string> argv{
        "sh", "-c", std::string("scancel --batch --signal=") + signal + " \"$@\" >/dev/null 2>&1 &",
        "sh"};
    argv.insert(argv.end(), elements.begin(), elements.end());
    const auto output = run_tool(argv);
    if (!output || output->exit_status != 0) {
      spdlog::warn("scancel --batch: {}", output ? output->err : output.error().message);
    }
  };
  signal_batch(terminate, "TERM");
  signal_batch(interrupt, "USR1");
  m_delay = k_min_delay;
  m_timer.cancel();
  m_timer_armed = false;
  arm(true);
}

Result<bool> SlurmRunner::reattach(ExecutionId id, const std::string& exec_dir) {
  auto record = VHTASK_TRY(read_slurm_json(exec_dir));
  if (record.job.empty()) {
    record.job = read_array_job(m_work_dir, record.name);
  }
  if (record.job.empty()) {
    // The daemon died while sbatch ran: the job, if it exists, carries the name.
    const ToolOutput output = VHTASK_TRY(
        run_tool({"squeue", "-h", "-t", "all", "-n", record.name, "-O", "ArrayJobID:|"}));
    if (output.exit_status == 0) {
      record.job = output.out.substr(0, output.out.find_first_of("|\n"));
    }
    if (!record.job.empty()) {
      VHTASK_TRY(write_array_job(m_work_dir, record.name, record.job));
    }
  }
  Tracked tracked{record.task, exec_dir, record.job,
                  fmt::format("{}_{}", record.job, record.element), fs::exists(exec_dir + "/stop")};
  m_tracked[id] = tracked;
  if (!record.job.empty()) {
    m_elements[tracked.element].insert(id);
  }
  if (try_finish_from_status(id)) {
    return true;  // ended meanwhile: its outcome is on its way
  }
  if (record.job.empty()) {
    m_tracked.erase(id);
    return false;  // never submitted (the engine queues it again) or forgotten by Slurm
  }
  arm(true);
  return true;
}

std::size_t SlurmRunner::running() const {
  return m_tracked.size();
}

void SlurmRunner::set_throttle(TaskId task, std::size_t limit) {
  std::set<std::string> jobs;
  for (const auto& [id, tracked] : m_tracked) {
    if (tracked.task == task && !tracked.job.empty()) {
      jobs.insert(tracked.job);
    }
  }
  for (const auto& job : jobs) {
    const auto output = run_tool(
        {"scontrol", "update", "JobId=" + job, fmt::format("ArrayTaskThrottle={}", limit)});
    if (!output || output->exit_status != 0) {
      spdlog::warn("task {}: could not change the throttle of Slurm array {}: {}", task, job,
                   output ? tool_error("scontrol", *output) : output.error().message);
    }
  }
}

}  // namespace vhtask::daemon::slurm
