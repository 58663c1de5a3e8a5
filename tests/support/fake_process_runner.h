#pragma once

// FakeProcessRunner: a ProcessRunner (daemon/runner/runner.h) for engine unit tests that runs nothing.
// start() records the LaunchSpec and returns a made-up pid; the test ends executions by hand
// with exit()/finish(), whose outcome is delivered through on_exit from the io_context (posted,
// as the interface requires). stop() delivers `stopped` the same way. Owned by one test;
// io_context thread only.

#include "daemon/runner/runner.h"

#include <boost/asio/io_context.hpp>

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
  // Returns reattach_result; an execution reattached with true counts as live.
  Result<bool> reattach(ExecutionId id, const std::string& exec_dir) override;
  std::size_t running() const override { return m_live.size(); }

  // Ends a live execution with `outcome` (delivered later, from the io_context).
  void finish(ExecutionId id, daemon::runner::RunOutcome outcome);
  // Ends a live execution as its command exiting with `code` would.
  void exit(ExecutionId id, int code);

  // Live executions (started or reattached, not yet ended), by id.
  const std::map<ExecutionId, daemon::runner::LaunchSpec>& live() const { return m_live; }
  // Every successful start, in order.
  const std::vector<daemon::runner::LaunchSpec>& started() const { return m_started; }

  std::optional<Error> fail_next_start;
  bool reattach_result = false;

private:
  boost::asio::io_context& m_io;
  OnExit m_on_exit;
  std::map<ExecutionId, daemon::runner::LaunchSpec> m_live;
  std::vector<daemon::runner::LaunchSpec> m_started;
  std::int64_t m_next_pid = 4000;
};

}  // namespace vhtask::test
