#include "tests/support/fake_process_runner.h"

#include <boost/asio/post.hpp>

#include <chrono>

namespace vhtask::test {

Result<std::int64_t> FakeProcessRunner::start(const daemon::runner::LaunchSpec& spec) {
  if (fail_next_start) {
    Error error = std::move(*fail_next_start);
    fail_next_start.reset();
    return error;
  }
  if (m_live.contains(spec.id)) {
    return Error::invalid_argument("execution " + std::to_string(spec.id) + " is already running");
  }
  m_live[spec.id] = spec;
  m_started.push_back(spec);
  return m_next_pid++;
}

Timestamp FakeProcessRunner::now() const {
  return clock ? clock() : std::chrono::system_clock::now();
}

Result<void> FakeProcessRunner::stop(ExecutionId id) {
  m_stops.push_back(id);
  if (!m_live.contains(id)) {
    return Error::not_found("execution " + std::to_string(id) + " is not running");
  }
  daemon::runner::RunOutcome outcome;
  outcome.state = ExecutionState::stopped;
  outcome.signal = 15;
  outcome.finished_at = now();
  finish(id, outcome);
  return {};
}

Result<bool> FakeProcessRunner::reattach(ExecutionId id, const std::string& exec_dir) {
  const auto it = reattach_answers.find(id);
  Result<bool> answer = reattach_result;
  if (it != reattach_answers.end()) {
    answer = it->second;
  }
  if (answer && *answer) {
    daemon::runner::LaunchSpec spec;
    spec.id = id;
    spec.exec_dir = exec_dir;
    m_live[id] = spec;
  }
  return answer;
}

void FakeProcessRunner::start_command(ExecutionId id) {
  if (!m_live.contains(id)) {
    return;
  }
  boost::asio::post(m_io, [this, id, at = now()] {
    if (m_on_started) {
      m_on_started(id, at);
    }
  });
}

void FakeProcessRunner::finish(ExecutionId id, daemon::runner::RunOutcome outcome) {
  if (m_live.erase(id) == 0) {
    return;
  }
  boost::asio::post(m_io, [this, id, outcome = std::move(outcome)]() mutable {
    if (m_on_exit) {
      m_on_exit(id, std::move(outcome));
    }
  });
}

void FakeProcessRunner::exit(ExecutionId id, int code) {
  daemon::runner::RunOutcome outcome;
  outcome.state = code == 0 ? ExecutionState::complete : ExecutionState::error;
  outcome.exit_code = code;
  outcome.finished_at = now();
  finish(id, outcome);
}

}  // namespace vhtask::test
