// The systemd integration of the *installed* tree: the user units pass `systemd-analyze verify`,
// and vhtaskd runs under real socket activation (systemd-socket-activate, which passes a
// listening socket exactly as systemd does) with readiness, STATUS= and STOPPING=1 reported on a
// NOTIFY_SOCKET this test reads. systemd is not PID 1 here (nor on CI), so no user manager runs;
// both tools work without one.

#include "tests/support/notify_socket.h"
#include "tests/support/rpc_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <regex>
#include <signal.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vhtask::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The prefix the binaries under test were installed into (stage/, or /usr for the package).
fs::path install_prefix() {
  return fs::path(client_binary()).parent_path().parent_path();
}
fs::path unit_dir() {
  return install_prefix() / "lib/systemd/user";
}

bool have_program(const std::string& name) {
  return run_process({"sh", "-c", "command -v " + name}).exit_code == 0;
}

// `systemd-analyze --user verify` on unit files, as strictly as this test can make it: it must
// exit 0 *and* print nothing, because systemd only warns (exit 0) about unknown keys, unknown
// sections and values it cannot parse. Without a user manager, --user needs an XDG_RUNTIME_DIR;
// MANPATH lets it check Documentation=man:... against the installed man pages.
RunResult verify_units(const std::vector<std::string>& units, const TempDir& dir) {
  const fs::path runtime = dir.path() / "xdg-runtime";
  fs::create_directories(runtime);
  fs::permissions(runtime, fs::perms::owner_all, fs::perm_options::replace);
  std::vector<std::string> argv{"systemd-analyze", "--user", "verify"};
  argv.insert(argv.end(), units.begin(), units.end());
  RunOptions options;
  options.env = {{"XDG_RUNTIME_DIR", runtime.string()},
                 {"MANPATH", (install_prefix() / "share/man").string() + ":"},
                 {"SYSTEMD_LOG_COLOR", "0"}};
  return run_process(argv, options);
}

// The value of `key=` in a unit file's text ("" when absent).
std::string unit_setting(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + "=", 0) == 0) {
      return line.substr(key.size() + 1);
    }
  }
  return "";
}

TEST(SystemdUnits, InstalledUnitsPassSystemdAnalyzeVerify) {
  if (!have_program("systemd-analyze")) {
    GTEST_SKIP() << "systemd-analyze is not installed (scripts/bootstrap installs systemd)";
  }
  TempDir dir;
  const auto r = verify_units(
      {(unit_dir() / "vhtaskd.socket").string(), (unit_dir() / "vhtaskd.service").string()}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out + r.err, "") << "systemd-analyze verify must have nothing to say";
  // ExecStart= names the installed vhtaskd, whatever prefix it was installed under.
  const std::string exec_start =
      unit_setting(read_file((unit_dir() / "vhtaskd.service").string()), "ExecStart");
  EXPECT_EQ(exec_start, (install_prefix() / "bin/vhtaskd").string() + " --foreground");
}

// The check above can fail: the same verification of a copy with one typo'd key, or with a
// service type systemd does not know, is not clean.
TEST(SystemdUnits, VerificationCatchesABrokenUnit) {
  if (!have_program("systemd-analyze")) {
    GTEST_SKIP() << "systemd-analyze is not installed (scripts/bootstrap installs systemd)";
  }
  const std::string service = read_file((unit_dir() / "vhtaskd.service").string());
  const std::string socket = read_file((unit_dir() / "vhtaskd.socket").string());
  const std::vector<std::pair<std::string, std::string>> breakages = {
      {"KillMode=process", "KilMode=process"}, {"Type=notify", "Type=notifyy"}};
  for (const auto& [good, bad] : breakages) {
    TempDir dir;
    std::string broken = service;
    ASSERT_NE(broken.find(good), std::string::npos) << good;
    broken.replace(broken.find(good), good.size(), bad);
    const auto units = {dir.write("vhtaskd.service", broken), dir.write("vhtaskd.socket", socket)};
    const auto r = verify_units(units, dir);
    EXPECT_NE(r.out + r.err, "") << "a unit with " << bad << " verified clean";
  }
}

// A process started the way a service manager starts vhtaskd: `argv` with `env` added, output
// to `log_path`, and, when listen_fd >= 0, that listening socket passed as fd 3 with
// LISTEN_FDS=1 and LISTEN_PID=its pid (the sd_listen_fds protocol). systemd-socket-activate
// does the passing itself (listen_fd = -1).
class ActivatedDaemon {
public:
  ActivatedDaemon(const std::vector<std::string>& argv, const std::string& log_path,
                  const std::vector<std::pair<std::string, std::string>>& env = {},
                  int listen_fd = -1) {
    m_pid = ::fork();
    if (m_pid == 0) {
      const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      const int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, 0);
      ::dup2(log, 1);
      ::dup2(log, 2);
      for (const auto& [key, value] : env) {
        ::setenv(key.c_str(), value.c_str(), 1);
      }
      if (listen_fd >= 0) {
        if (listen_fd == 3) {
          ::fcntl(3, F_SETFD, 0);  // dup2 onto itself would leave it close-on-exec
        } else {
          ::dup2(listen_fd, 3);  // the copy is not close-on-exec
        }
        ::setenv("LISTEN_FDS", "1", 1);
        ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
      }
      std::vector<char*> args;
      for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
      }
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  ActivatedDaemon(const ActivatedDaemon&) = delete;
  ActivatedDaemon& operator=(const ActivatedDaemon&) = delete;
  ~ActivatedDaemon() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }

  pid_t pid() const { return m_pid; }
  // SIGTERM to this process only (what KillMode=process does on stop and restart), then its
  // exit status within the deadline (-1 on a timeout or a signal).
  int terminate(std::chrono::milliseconds deadline) {
    ::kill(m_pid, SIGTERM);
    return wait_exit(deadline);
  }
  // Its exit status once it exits by itself within the deadline (-1 on a timeout or a signal).
  int wait_exit(std::chrono::milliseconds deadline) {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, m_pid, 0));
    pollfd pfd{pidfd, POLLIN, 0};
    const bool exited = ::poll(&pfd, 1, static_cast<int>(deadline.count())) == 1;
    ::close(pidfd);
    if (!exited) {
      return -1;
    }
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

private:
  pid_t m_pid = -1;
};

std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) {
    words.push_back(w);
  }
  return words;
}

TEST(SocketActivation, DaemonStartsOnFirstUseReportsStatusAndKeepsTheSocket) {
  if (!have_program("systemd-socket-activate")) {
    GTEST_SKIP() << "systemd-socket-activate is not installed (scripts/bootstrap installs systemd)";
  }
  TempDir dir;
  // The socket unit's ListenStream= with %t expanded as a user manager does.
  const std::string socket_unit = read_file((unit_dir() / "vhtaskd.socket").string());
  const std::string listen = unit_setting(socket_unit, "ListenStream");
  ASSERT_EQ(listen.rfind("%t/", 0), 0u) << "ListenStream=" << listen;
  const fs::path runtime = dir.path() / "rt";
  const fs::path socket = runtime / listen.substr(3);
  fs::create_directories(socket.parent_path());  // DirectoryMode=0700 in the unit
  fs::permissions(runtime, fs::perms::owner_all, fs::perm_options::replace);
  fs::permissions(socket.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
  const std::string state = (dir.path() / "state").string();

  NotifySocket notify((dir.path() / "notify").string());
  ASSERT_TRUE(notify.ok());
  std::vector<std::string> argv{"systemd-socket-activate",
                                "-l",
                                socket.string(),
                                "-E",
                                "NOTIFY_SOCKET=" + notify.path(),
                                "-E",
                                "VHTASK_STATE_DIR=" + state};
  const auto exec_start =
      split_words(unit_setting(read_file((unit_dir() / "vhtaskd.service").string()), "ExecStart"));
  ASSERT_FALSE(exec_start.empty());
  argv.insert(argv.end(), exec_start.begin(), exec_start.end());
  const std::string log = (dir.path() / "activate.log").string();
  ActivatedDaemon daemon(argv, log);
  ASSERT_TRUE(wait_until([&] { return fs::exists(socket); }, 20s)) << read_file(log);
  // Listening, but nothing started yet: no daemon, so nobody has said READY=1.
  EXPECT_FALSE(notify.receive(0ms).has_value());

  // The client finds the socket from XDG_RUNTIME_DIR alone (its default path is the unit's),
  // with autostart on: the socket answers, so it never starts a daemon of its own.
  RunOptions client;
  client.env = {{"XDG_RUNTIME_DIR", runtime.string()},
                {"VHTASK_SOCKET", ""},
                {"VHTASK_STATE_DIR", state},
                {"VHTASK_NO_AUTOSTART", "0"}};
  const auto status = run_process({client_binary(), "status"}, client);
  ASSERT_EQ(status.exit_code, 0) << status.err << read_file(log);
  const auto ready = notify.wait_for("READY=1", 20s);
  ASSERT_TRUE(ready.has_value()) << read_file(log);
  // The daemon is the process systemd started (it did not detach): same pid as the exec.
  EXPECT_EQ(ready->sender, daemon.pid());
  ASSERT_TRUE(notify.wait_for("STATUS=0 running, 0 queued", 20s).has_value());
  EXPECT_FALSE(fs::exists(state + "/vhtaskd.log")) << "a detached (autostarted) daemon ran";

  // Two executions, one at a time; each waits for a file the test creates.
  const std::string go = (dir.path() / "go").string();
  const std::string yaml =
      "- step:\n    name: hold\n    image: busybox\n    command: \"while [ ! -e " + go +
      " ]; do sleep 0.02; done\"\n    parameters:\n      - name: i\n        type: integer\n";
  const std::string grid =
      "parameters:\n  - name: i\n    style: multiple\n"
      "    rules: {items: [1, 2]}\n";
  const std::string config = dir.write("valohai.yaml", yaml);
  const std::string grid_file = dir.write("grid.yaml", grid);
  client.cwd = dir.path().string();
  const auto start = run_process(
      {client_binary(), "start", "hold", "-f", config, "--grid", grid_file, "--parallel", "1"},
      client);
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_TRUE(notify.wait_for("STATUS=1 running, 1 queued", 20s).has_value()) << read_file(log);
  std::ofstream(go).put('\n');
  const auto wait = run_process({client_binary(), "wait", "1"}, client);
  EXPECT_EQ(wait.exit_code, 0) << wait.out << wait.err;
  EXPECT_TRUE(notify.wait_for("STATUS=0 running, 0 queued", 20s).has_value());
  // STATUS= is sent only when its text changes: no two consecutive STATUS lines are equal.
  std::string previous;
  for (const auto& message : notify.history()) {
    if (message.text.rfind("STATUS=", 0) == 0) {
      EXPECT_NE(message.text, previous);
      previous = message.text;
    }
  }

  EXPECT_EQ(daemon.terminate(20s), 0) << read_file(log);
  // Sent before it exited, so already queued.
  EXPECT_TRUE(notify.wait_for("STOPPING=1", 5s).has_value());
  // The socket belongs to the service manager: the daemon leaves it in place.
  EXPECT_TRUE(fs::exists(socket));
}

// A listening Unix stream socket at `path`, as a service manager holds it; -1 on failure.
int listen_unix(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (fd < 0 || path.size() >= sizeof addr.sun_path) {
    return -1;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 16) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// What `systemctl --user restart vhtaskd` does with this unit: the socket stays with the service
// manager (here: the test), SIGTERM goes to the daemon only (KillMode=process), and the next
// daemon gets the same socket. A running execution outlives the restart, a client that connects
// in between is served by the next daemon, and STATUS= is right again after the reattach.
TEST(SocketActivation, ExecutionsAndTheSocketSurviveADaemonRestart) {
  TempDir dir;
  const std::string socket = (dir.path() / "vhtask.sock").string();
  const int listen_fd = listen_unix(socket);
  ASSERT_GE(listen_fd, 0) << socket;
  const std::string state = (dir.path() / "state").string();
  const auto exec_start =
      split_words(unit_setting(read_file((unit_dir() / "vhtaskd.service").string()), "ExecStart"));
  ASSERT_FALSE(exec_start.empty());
  const std::string log = (dir.path() / "daemon.log").string();
  NotifySocket notify((dir.path() / "notify").string());
  ASSERT_TRUE(notify.ok());
  const std::vector<std::pair<std::string, std::string>> env{{"NOTIFY_SOCKET", notify.path()},
                                                             {"VHTASK_STATE_DIR", state}};

  ActivatedDaemon first(exec_start, log, env, listen_fd);
  const auto ready = notify.wait_for("READY=1", 20s);
  ASSERT_TRUE(ready.has_value()) << read_file(log);
  EXPECT_EQ(ready->sender, first.pid());

  // One execution that records its pid and runs until the test creates `go`.
  const std::string go = (dir.path() / "go").string();
  const std::string pid_file = (dir.path() / "execution.pid").string();
  const std::string config = dir.write(
      "valohai.yaml", "- step:\n    name: hold\n    image: busybox\n    command: \"echo $$ > " +
                          pid_file + "; while [ ! -e " + go + " ]; do sleep 0.02; done\"\n");
  RunOptions client;
  client.env = {
      {"VHTASK_SOCKET", socket}, {"VHTASK_STATE_DIR", state}, {"VHTASK_NO_AUTOSTART", "1"}};
  client.cwd = dir.path().string();
  const auto start = run_process({client_binary(), "start", "hold", "-f", config}, client);
  ASSERT_EQ(start.exit_code, 0) << start.err;
  ASSERT_TRUE(notify.wait_for("STATUS=1 running, 0 queued", 20s).has_value()) << read_file(log);
  ASSERT_TRUE(wait_until(
      [&] {
        std::error_code ec;
        return fs::file_size(pid_file, ec) > 1 && !ec;
      },
      20s));
  const pid_t execution = std::stoi(read_file(pid_file));

  EXPECT_EQ(first.terminate(20s), 0) << read_file(log);
  EXPECT_TRUE(notify.wait_for("STOPPING=1", 5s).has_value());
  EXPECT_EQ(::kill(execution, 0), 0) << "the execution died with the daemon";
  EXPECT_TRUE(fs::exists(socket)) << "the daemon removed a socket it did not create";

  // No daemon runs now, yet a client connects (the backlog holds it) and sends a request.
  RpcClient waiting(socket);
  ASSERT_TRUE(waiting.connected());
  const auto id = waiting.send("status", {});

  ActivatedDaemon second(exec_start, log, env, listen_fd);
  ASSERT_TRUE(notify.wait_for("READY=1", 20s).has_value()) << read_file(log);
  const auto answer = waiting.wait_response(id, 20s);
  ASSERT_TRUE(answer.has_value()) << read_file(log);
  EXPECT_TRUE(answer->contains("result")) << boost::json::serialize(*answer);
  // The new daemon reattached to the execution: it counts it as running.
  EXPECT_TRUE(notify.wait_for("STATUS=1 running, 0 queued", 5s).has_value()) << read_file(log);

  std::ofstream(go).put('\n');
  const auto wait = run_process({client_binary(), "wait", "1"}, client);
  EXPECT_EQ(wait.exit_code, 0) << wait.out << wait.err;
  EXPECT_TRUE(notify.wait_for("STATUS=0 running, 0 queued", 20s).has_value());
  EXPECT_EQ(second.terminate(20s), 0) << read_file(log);
  ::close(listen_fd);
}

// A misconfigured socket unit (say, ListenDatagram=) passes something vhtaskd cannot serve on:
// it says so and exits 1, instead of running deaf.
TEST(SocketActivation, ASocketThatIsNotAListeningStreamIsAStartUpError) {
  TempDir dir;
  const int datagram = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(datagram, 0);
  const std::string log = (dir.path() / "daemon.log").string();
  ActivatedDaemon daemon({daemon_binary(), "--foreground"}, log,
                         {{"VHTASK_STATE_DIR", (dir.path() / "state").string()}}, datagram);
  EXPECT_EQ(daemon.wait_exit(20s), 1) << read_file(log);
  EXPECT_NE(read_file(log).find("is not a listening Unix stream socket"), std::string::npos)
      << read_file(log);
  ::close(datagram);
}

}  // namespace
}  // namespace vhtask::test
