#pragma once

// FakeProcessRunner: a ProcessRunner (daemon/runner/runner.h) for engine unit tests that runs
// nothing. start() records the LaunchSpec and returns a made-up pid; the test ends executions by
// hand with exit()/finish(), whose outcome is delivered through on_exit from the io_context
// (posted, as the interface requires). stop() delivers `stopped` the same way. Outcomes are stamped
// with `clock` (the system clock when null). With starts_later set it acts like a queueing runner
// (Slurm): the test says when a command starts with start_command(). reattach() answers from
// reattach_answers, else reattach_result. Owned by one test; io_context thread only.

#include "daemon/runner/runner.h"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace vhtask::test {

class FakeProcessRunner final : public daemon::runner::ProcessRunner {
public:
  explicit FakeProcessRunner(boost::asio::io_context& io) : m_io(io) {}

  void set_on_exit(OnExit on_exit) override { m_on_exit = std::move(on_exit); }
  // Fails with fail_next_start (once) when set.
  Result<std::int64_t> start(const daemon::runner::LaunchSpec& spec) override;
  Result<void> stop(ExecutionId id) override;
  // Returns reattach_answers[id] if set, else reattach_result; an execution reattached with
  // true counts as live.
  Result<bool> reattach(ExecutionId id, const std::string& exec_dir) override;
  std::size_t running() const override { return m_live.size(); }
  void set_on_started(OnStarted on_started) override { m_on_started = std::move(on_started); }
  bool starts_later(const daemon::runner::LaunchSpec& /*spec*/) const override {
    return starts_later_result;
  }
  void set_task_limit(TaskId task, std::size_t limit) override { task_limits[task] = limit; }

  // With starts_later: a live execution's command starts now (on_started, posted).
  void start_command(ExecutionId id);

  // Ends a live execution with `outcome` (delivered later, from the io_context).
  void finish(ExecutionId id, daemon::runner::RunOutcome outcome);
  // Ends a live execution as its command exiting with `code` would.
  void exit(ExecutionId id, int code);

  // Live executions (started or reattached, not yet ended), by id.
  const std::map<ExecutionId, daemon::runner::LaunchSpec>& live() const { return m_live; }
  // Every successful start, in order.
  const std::vector<daemon::runner::LaunchSpec>& started() const { return m_started; }
  // Every stop() asked for, in order (also for executions not running here).
  const std::vector<ExecutionId>& stops() const { return m_stops; }

  std::optional<Error> fail_next_start;
  bool reattach_result = false;
  std::map<ExecutionId, Result<bool>> reattach_answers;
  bool starts_later_result = false;
  std::map<TaskId, std::size_t> task_limits;  // set_task_limit's calls, latest per task
  std::function<Timestamp()> clock;

private:
  boost::asio::io_context& m_io;
  Timestamp now() const;

  OnExit m_on_exit;
  OnStarted m_on_started;
  std::vector<ExecutionId> m_stops;
  std::map<ExecutionId, daemon::runner::LaunchSpec> m_live;
  std::vector<daemon::runner::LaunchSpec> m_started;
  std::int64_t m_next_pid = 4000;
};

}  // namespace vhtask::test
