#pragma once

// The user journey that every executor must pass with the same commands and assertions: a
// three-execution grid whose index 1 fails with exit 3, then status, show, logs, `rerun
// --failed`, a rerun of a good one, `parallel`, stop of one execution and of the task, and
// shutdown. cli_journey_test.cpp runs it on the local executor, slurm_test.cpp on Slurm.

#include "tests/support/daemon_harness.h"
#include "tests/support/subprocess.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace vhtask::test {

// The journey's project: step `job` echoes `run I` and a metadata line, fails with exit 3 at
// i = 1, then sleeps `nap` seconds; grid.yaml runs it for i in 0, 1, 2.
extern const char* const k_journey_yaml;
extern const char* const k_journey_grid;

// A daemon started with `daemon_args` (e.g. --executor slurm), the journey's project written
// to DIR/project, and the client run from there. Subclasses may add files to the project.
class JourneyFixture : public ::testing::Test {
protected:
  // Starts the daemon; ASSERTs (so the caller must check HasFatalFailure()) on failure.
  void start_daemon(const std::vector<std::string>& daemon_args);

  // The installed client against this daemon, from DIR/project, with a deadline.
  RunResult vhtask(std::vector<std::string> args);
  // vhtask ARGS --json, expecting `expected_exit`; the parsed object (empty when it isn't one).
  boost::json::object vhtask_json(std::vector<std::string> args, int expected_exit = 0);
  // sqlite3 -readonly on the daemon's database; its stdout.
  std::string sqlite(const std::string& sql);

  // The two halves of the journey. Each is one test's whole body.
  void start_wait_status_show_logs_rerun();
  void stop_parallel_and_shutdown();

  DaemonHarness m_daemon;
  std::chrono::seconds m_deadline{60};
};

}  // namespace vhtask::test
