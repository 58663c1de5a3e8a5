#include "client/commands/start_context.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace vhtask::client::commands {

namespace {

constexpr std::size_t k_max_git_output = 4096;

// Reads everything from `fd` (at most `limit` bytes kept) until EOF.
std::string read_all(int fd, std::size_t limit) {
  std::string out;
  char buffer[512];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return out;
    }
    if (out.size() < limit) {
      out.append(buffer, static_cast<std::size_t>(n));
    }
  }
}

// `git -C dir ARGS...`'s stdout, or nullopt when git cannot run or exits non-zero.
std::optional<std::string> run_git(const std::string& dir, std::vector<std::string> args) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    return std::nullopt;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> strings = {"git", "-C", dir.empty() ? std::string(".") : dir};
  strings.insert(strings.end(), std::make_move_iterator(args.begin()),
                 std::make_move_iterator(args.end()));
  std::vector<char*> argv;
  for (auto& s : strings) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    return std::nullopt;
  }
  std::string text = read_all(out[0], k_max_git_output);
  ::close(out[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return std::nullopt;
  }
  return text;
}

bool is_commit_hash(std::string_view text) {
  return text.size() == 40 &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(c) != 0; });
}

}  // namespace

std::string project_directory(const std::string& config_file) {
  std::error_code ec;
  const auto file = std::filesystem::absolute(config_file, ec);
  return ec ? std::string() : file.lexically_normal().parent_path().string();
}

GitState git_state(const std::string& dir) {
  GitState state;
  auto commit = run_git(dir, {"rev-parse", "--verify", "-q", "HEAD"});
  while (commit && !commit->empty() &&
         std::isspace(static_cast<unsigned char>(commit->back())) != 0) {
    commit->pop_back();
  }
  if (!commit || !is_commit_hash(*commit)) {
    return state;
  }
  state.commit = std::move(commit);
  // Compares contents (a file touched but unchanged is not dirty) without writing the index, so
  // a git running at the same time is not disturbed.
  if (const auto changes =
          run_git(dir, {"--no-optional-locks", "status", "--porcelain", "--untracked-files=no"})) {
    state.dirty = !changes->empty();
  }
  return state;
}

}  // namespace vhtask::client::commands
