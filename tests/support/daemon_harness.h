#pragma once

// DaemonHarness: a real vhtaskd (the installed binary) on a temporary state directory and socket,
// for integration tests. start() waits for the daemon's READY=1 on a NOTIFY_SOCKET the harness
// provides (the same readiness protocol systemd uses), so no test sleeps to wait for it.
// stop() sends SIGTERM and waits for the exit with a deadline. Owned by one test.

#include "tests/support/rpc_client.h"
#include "tests/support/temp_dir.h"

#include <chrono>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vhtask::test {

class DaemonHarness {
public:
  DaemonHarness();
  DaemonHarness(const DaemonHarness&) = delete;
  DaemonHarness& operator=(const DaemonHarness&) = delete;
  ~DaemonHarness();  // kills a daemon still running (SIGKILL) and waits for it

  // Starts vhtaskd --foreground with --state-dir, --socket and `extra` args. True once it said
  // READY=1; false if it exited or the deadline passed (its stderr is in log()).
  bool start(const std::vector<std::string>& extra = {},
             std::chrono::milliseconds deadline = std::chrono::seconds(20));
  // SIGTERM, then waits for the exit. Returns its exit status (-1 on timeout or signal).
  int stop(std::chrono::milliseconds deadline = std::chrono::seconds(20));
  // Waits for the daemon to exit by itself (after `vhtask shutdown`); its exit status, or -1.
  int wait_for_exit(std::chrono::milliseconds deadline = std::chrono::seconds(20));
  // SIGKILL, as a crash would, and reaps it.
  void crash();
  bool running() const { return m_pid > 0; }
  pid_t pid() const { return m_pid; }

  const std::string& state_dir() const { return m_state_dir; }
  const std::string& socket() const { return m_socket; }
  std::string db() const { return m_state_dir + "/vhtask.db"; }
  const TempDir& dir() const { return m_dir; }
  // What the daemon wrote to stderr so far.
  std::string log() const;

  // A new connection to the daemon.
  std::unique_ptr<RpcClient> connect() const;
  // Environment for running the vhtask client against this daemon (no autostart).
  std::vector<std::pair<std::string, std::string>> client_env() const;

private:
  TempDir m_dir;
  std::string m_state_dir;
  std::string m_socket;
  std::string m_log_path;
  pid_t m_pid = -1;
  int m_runs = 0;
};

}  // namespace vhtask::test
