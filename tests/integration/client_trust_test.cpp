// A server run by another user (uid 65534, through setpriv) sits on the client's socket path and
// records every byte it receives; `vhtask start`, with a secret in its environment, must send it
// nothing and fail naming the path (issue 14, item 2). Two ways to get there: the other user
// created the socket's directory first (the predictable /tmp/vhtask-UID/ fallback, here under
// $XDG_RUNTIME_DIR), or the directory and the socket file look like ours but the listening
// process is not (only SO_PEERCRED tells). Needs root (to run as another uid) and setpriv.

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_paths.h"
#include "tests/support/wait_until.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vhtask::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr uid_t k_nobody = 65534;
constexpr const char* k_secret = "s3cr3t-token-that-must-not-leak";

// Serves one connection at a time; logs "connection N: BYTES bytes" and the bytes; stops after
// a connection that starts with PROBE (the test's own, sent once the client has exited, so every
// earlier connection has been read to its end by then).
constexpr const char* k_listener = R"PY(
import socket, sys
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(16)
n = 0
while True:
    c, _ = s.accept()
    n += 1
    data = b''
    while True:
        b = c.recv(65536)
        if not b:
            break
        data += b
        if data.startswith(b'PROBE'):
            break
    with open(log, 'ab') as f:
        f.write(b'connection %d: %d bytes\n' % (n, len(data)) + data + b'\n')
    c.close()
    if data.startswith(b'PROBE'):
        break
)PY";

bool have(const char* program) {
  return run_process({"sh", "-c", std::string("command -v ") + program}).exit_code == 0;
}

class ForeignServerTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (::geteuid() != 0 || !have("setpriv") || !fs::exists("/usr/bin/python3")) {
      GTEST_SKIP() << "needs root, setpriv and /usr/bin/python3 to run a server as uid 65534";
    }
    // uid 65534 must reach its directory: the temp dir is traversable, runtime/ is like /tmp.
    ::chmod(m_dir.path().c_str(), 0711);
    fs::create_directories(runtime());
    ::chmod(runtime().c_str(), 01777);
    m_dir.write("project/valohai.yaml",
                "- step:\n    name: s\n    image: busybox\n    command: 'true'\n");
  }
  void TearDown() override {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }

  fs::path runtime() const { return m_dir.path() / "runtime"; }
  fs::path socket_dir() const { return runtime() / "vhtask"; }
  fs::path socket() const { return socket_dir() / "vhtask.sock"; }
  // In a directory of the other user's own, which stays writable for it whatever the test does
  // to the socket's directory.
  fs::path log() const { return runtime() / "foreign-log" / "received.log"; }

  // The other user creates the socket directory (0755, as an attacker would leave it readable)
  // and starts listening in it.
  void start_foreign_server() {
    ASSERT_EQ(run_process({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "mkdir",
                           "-m", "0755", socket_dir().string()})
                  .exit_code,
              0);
    ASSERT_EQ(run_process({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "mkdir",
                           log().parent_path().string()})
                  .exit_code,
              0);
    std::vector<std::string> args = {"setpriv",        "--reuid=65534",    "--regid=65534",
                                     "--clear-groups", "/usr/bin/python3", "-c",
                                     k_listener,       socket().string(),  log().string()};
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    ASSERT_EQ(::posix_spawnp(&m_pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    ASSERT_TRUE(wait_until([&] { return fs::exists(socket()); }, 10s));
  }

  RunResult start_task() {
    RunOptions options;
    options.env["XDG_RUNTIME_DIR"] = runtime().string();
    options.env["VHTASK_SOCKET"] = "";
    options.env["VHTASK_STATE_DIR"] = (m_dir.path() / "state").string();
    options.env["API_TOKEN"] = k_secret;
    options.cwd = (m_dir.path() / "project").string();
    options.deadline = 20s;
    return run_process({client_binary(), "start", "s"}, options);
  }

  // Everything the server received, once it has read every connection made before this call.
  std::string received() {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket().c_str());
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::send(fd, "PROBE", 5, MSG_NOSIGNAL), 5);
    ::close(fd);
    int status = 0;
    EXPECT_EQ(::waitpid(m_pid, &status, 0), m_pid);
    m_pid = -1;
    return read_file(log().string());
  }

  TempDir m_dir;
  pid_t m_pid = -1;
};

TEST_F(ForeignServerTest, ASocketDirCreatedByAnotherUserGetsNothing) {
  ASSERT_NO_FATAL_FAILURE(start_foreign_server());
  const auto r = start_task();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("refusing to use the socket " + socket().string() + ": its directory " +
                       socket_dir().string() + " is owned by uid 65534"),
            std::string::npos)
      << r.err;
  const std::string got = received();
  // Only the probe: the client did not even connect.
  EXPECT_EQ(got, "connection 1: 5 bytes\nPROBE\n");
  EXPECT_EQ(got.find(k_secret), std::string::npos);
}

TEST_F(ForeignServerTest, AServerOfAnotherUidBehindOurOwnFilesGetsNothing) {
  ASSERT_NO_FATAL_FAILURE(start_foreign_server());
  // The directory and the socket file now look like ours; only the listening process is not.
  ASSERT_EQ(::chown(socket().c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod(socket().c_str(), 0600), 0);
  ASSERT_EQ(::chown(socket_dir().c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod(socket_dir().c_str(), 0700), 0);
  const auto r = start_task();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("refusing to use the socket " + socket().string() +
                       ": the process listening on it (pid "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("runs as uid 65534, not as you (uid 0); nothing was sent to it"),
            std::string::npos)
      << r.err;
  // The client connected, read the server's uid and closed without writing a byte.
  EXPECT_EQ(received(), "connection 1: 0 bytes\n\nconnection 2: 5 bytes\nPROBE\n");
}

}  // namespace
}  // namespace vhtask::test
