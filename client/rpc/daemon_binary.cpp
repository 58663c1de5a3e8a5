#include "client/rpc/daemon_binary.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vhtask::client::rpc {

namespace {

constexpr const char* k_daemon_name = "vhtaskd";

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> next_to_self() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return std::nullopt;
  }
  const std::string candidate = (self.parent_path() / k_daemon_name).string();
  if (is_executable_file(candidate)) {
    return candidate;
  }
  return std::nullopt;
}

std::optional<std::string> in_path() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) {
    return std::nullopt;
  }
  std::string_view rest(path);
  while (true) {
    const auto colon = rest.find(':');
    // An empty entry means the current directory, as in execvp.
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) {
      dir = ".";
    }
    const std::string candidate = dir + "/" + k_daemon_name;
    if (is_executable_file(candidate)) {
      std::error_code ec;
      const auto absolute = std::filesystem::absolute(candidate, ec);
      return ec ? candidate : absolute.lexically_normal().string();
    }
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    rest.remove_prefix(colon + 1);
  }
}

// In the grandchild, between fork and exec: only async-signal-safe calls. Reports the exec's
// errno on `report_fd` (close-on-exec, so a successful exec closes it with nothing written).
[[noreturn]] void exec_daemon(const char* binary, char* const argv[], int report_fd) {
  const int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, STDIN_FILENO);
    ::dup2(devnull, STDOUT_FILENO);
    ::dup2(devnull, STDERR_FILENO);
    if (devnull > STDERR_FILENO) {
      ::close(devnull);
    }
  }
  if (::chdir("/") != 0) {
    // Not fatal: the daemon works from any directory.
  }
  sigset_t empty;
  sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  ::execv(binary, argv);
  const int err = errno;
  [[maybe_unused]] const ssize_t n = ::write(report_fd, &err, sizeof(err));
  ::_exit(127);
}

}  // namespace

std::optional<std::string> find_daemon_binary() {
  if (auto beside = next_to_self()) {
    return beside;
  }
  return in_path();
}

Result<void> spawn_detached(const std::string& binary, const std::vector<std::string>& args) {
  // Everything the children need is built before fork: after it only async-signal-safe calls.
  std::vector<std::string> strings;
  strings.push_back(binary);
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : strings) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);

  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    return Error::spawn(fmt::format("cannot start {}: pipe: {}", binary, std::strerror(errno)));
  }
  const pid_t child = ::fork();
  if (child < 0) {
    const int err = errno;
    ::close(report[0]);
    ::close(report[1]);
    return Error::spawn(fmt::format("cannot start {}: fork: {}", binary, std::strerror(err)));
  }
  if (child == 0) {
    ::close(report[0]);
    ::setsid();
    const pid_t grandchild = ::fork();
    if (grandchild != 0) {
      ::_exit(grandchild < 0 ? 1 : 0);
    }
    exec_daemon(argv[0], argv.data(), report[1]);
  }
  ::close(report[1]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  int exec_errno = 0;
  ssize_t got = 0;
  do {
    got = ::read(report[0], &exec_errno, sizeof(exec_errno));
  } while (got < 0 && errno == EINTR);
  ::close(report[0]);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error::spawn(fmt::format("cannot start {}: fork failed", binary));
  }
  if (got == static_cast<ssize_t>(sizeof(exec_errno))) {
    return Error::spawn(fmt::format("cannot start {}: {}", binary, std::strerror(exec_errno)));
  }
  return {};
}

}  // namespace vhtask::client::rpc
