// SlurmRunner's tracking half: polling squeue with a backoff, reading the outcomes the
// supervisors wrote, and reporting starts and ends. Submission, stops and reattaching are in
// slurm_runner.cpp.

#include "daemon/runner/execution_dir.h"
#include "daemon/slurm/slurm_cli.h"
#include "daemon/slurm/slurm_files.h"
#include "daemon/slurm/slurm_runner.h"
#include "supervisor/execution_files.h"

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

namespace vhtask::daemon::slurm {

namespace {

namespace fs = std::filesystem;

// The outcome of an execution whose array element ended (per squeue, or gone from it) without
// a status.json.
runner::RunOutcome outcome_without_status(const std::string& exec_dir, const SlurmJobState* job,
                                          bool cancelled) {
  runner::RunOutcome outcome{ExecutionState::crashed, std::nullopt, std::nullopt, std::nullopt,
                             now()};
  if (cancelled) {
    outcome.state = ExecutionState::stopped;
    outcome.reason = "stopped by request";
    return outcome;
  }
  const std::string tail = runner::supervisor_log_tail(exec_dir);
  const std::string detail = tail.empty() ? std::string() : " (supervisor.log: " + tail + ")";
  if (job == nullptr) {
    outcome.reason = "the Slurm job disappeared from squeue without an outcome" + detail;
  } else if (job->state == "CANCELLED") {
    outcome.state = ExecutionState::stopped;
    outcome.reason = "the Slurm job was cancelled outside vhtask";
  } else if (job->state == "TIMEOUT" || job->state == "DEADLINE") {
    outcome.state = ExecutionState::error;
    outcome.reason = "Slurm ended the job: " + job->state + " (its --time limit)";
  } else if (job->state == "OUT_OF_MEMORY") {
    outcome.state = ExecutionState::error;
    outcome.reason = "Slurm ended the job: OUT_OF_MEMORY";
  } else {
    // NODE_FAIL, PREEMPTED, BOOT_FAIL, or a job that ended without running the supervisor.
    outcome.reason = fmt::format(
        "Slurm job ended {} (reason {}, wait status {}) without an "
        "outcome{}",
        job->state, job->reason, job->exit_code, detail);
  }
  return outcome;
}

}  // namespace

bool SlurmRunner::report_started(ExecutionId id, bool force) {
  Tracked& tracked = m_tracked.at(id);
  if (tracked.started) {
    return false;
  }
  std::error_code ec;
  const auto written = fs::last_write_time(
      tracked.exec_dir + "/" + supervisor::execution_files::k_supervisor_json, ec);
  if (ec && !force) {
    return false;
  }
  Timestamp started_at = now();
  if (!ec) {
    started_at =
        std::chrono::time_point_cast<Timestamp::duration>(std::chrono::file_clock::to_sys(written));
  }
  tracked.started = true;
  boost::asio::post(m_io, [this, alive = std::weak_ptr<bool>(m_alive), id, started_at] {
    if (alive.lock() && m_on_started) {
      m_on_started(id, started_at);
    }
  });
  return true;
}

void SlurmRunner::arm(bool changed) {
  if (changed) {
    m_delay = k_min_delay;
  }
  if (m_timer_armed) {
    return;
  }
  bool any_submitted = false;
  for (const auto& [id, tracked] : m_tracked) {
    if (!tracked.job.empty()) {
      any_submitted = true;
      break;
    }
  }
  if (!any_submitted) {
    return;
  }
  m_timer_armed = true;
  m_timer.expires_after(m_delay);
  m_timer.async_wait([this, alive = std::weak_ptr<bool>(m_alive)](boost::system::error_code ec) {
    if (!alive.lock() || ec) {
      return;
    }
    m_timer_armed = false;
    poll();
  });
}

bool SlurmRunner::try_finish_from_status(ExecutionId id) {
  const Tracked& tracked = m_tracked.at(id);
  auto outcome = runner::read_status_json(tracked.exec_dir);
  if (!outcome) {
    return false;
  }
  if (tracked.cancelled) {
    outcome->state = ExecutionState::stopped;
    if (!outcome->reason) {
      outcome->reason = "stopped by request";
    }
  }
  finish(id, *outcome);
  return true;
}

void SlurmRunner::poll() {
  bool changed = false;
  std::vector<ExecutionId> ids;
  std::set<std::string> jobs;
  for (const auto& [id, tracked] : m_tracked) {
    if (!tracked.job.empty()) {
      ids.push_back(id);
    }
  }
  for (const ExecutionId id : ids) {
    if (try_finish_from_status(id)) {
      changed = true;
    } else {
      changed = report_started(id, false) || changed;
      jobs.insert(m_tracked.at(id).job);
    }
  }
  if (jobs.empty()) {
    arm(changed);
    return;
  }
  const auto states = query_jobs(jobs);
  if (!states) {
    spdlog::warn("squeue: {}", states.error().message);
    m_delay = std::min(m_delay * 2, k_max_delay);
    arm(false);
    return;
  }
  for (const ExecutionId id : ids) {
    const auto it = m_tracked.find(id);
    if (it == m_tracked.end()) {
      continue;
    }
    const auto job = states->find(it->second.element);
    if (job != states->end()) {
      m_element_states[it->second.element] = job->second.state;
    }
    if (job != states->end() && !slurm_state_ended(job->second.state)) {
      continue;
    }
    // The element ended or vanished: the supervisor's outcome wins if it wrote one.
    if (try_finish_from_status(id)) {
      changed = true;
      continue;
    }
    finish(id, outcome_without_status(it->second.exec_dir,
                                      job == states->end() ? nullptr : &job->second,
                                      it->second.cancelled));
    changed = true;
  }
  if (!changed) {
    m_delay = std::min(m_delay * 2, k_max_delay);
  }
  arm(changed);
}

void SlurmRunner::finish(ExecutionId id, runner::RunOutcome outcome) {
  const auto it = m_tracked.find(id);
  if (it == m_tracked.end()) {
    return;
  }
  report_started(id, true);  // the engine records a start before every end
  if (const auto element = m_elements.find(it->second.element); element != m_elements.end()) {
    element->second.erase(id);
    if (element->second.empty()) {
      m_element_states.erase(element->first);
      m_elements.erase(element);
    }
  }
  m_tracked.erase(it);
  boost::asio::post(m_io,
                    [this, alive = std::weak_ptr<bool>(m_alive), id, outcome = std::move(outcome)] {
                      if (alive.lock() && m_on_exit) {
                        m_on_exit(id, outcome);
                      }
                    });
}

}  // namespace vhtask::daemon::slurm
