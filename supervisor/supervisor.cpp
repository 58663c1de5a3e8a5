#include "supervisor/supervisor.h"

#include "supervisor/execution_files.h"
#include "supervisor/supervision.h"
#include "supervisor/supervisor_child.h"
#include "supervisor/supervisor_files.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vhtask::supervisor {

namespace {

constexpr int k_exit_usage = 2;
constexpr int k_exit_failure = 1;

// Fills fds 0-2 with /dev/null if they are closed, so no file we open lands on them.
void ensure_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
      open("/dev/null", O_RDWR);  // takes the lowest free number: fd
    }
  }
}

}  // namespace

int supervise_main(int argc, char** argv) {
  ensure_standard_fds();
  // Descriptors inherited by mistake must not reach the command.
  close_range(3, UINT_MAX, CLOSE_RANGE_CLOEXEC);
  const auto parsed = parse_supervise_args(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed) {
    std::fprintf(stderr,
                 "vhtask-supervise: %s\nusage: vhtask-supervise [--cwd DIR] [--time-limit S] "
                 "[--no-output-timeout S] [--grace S] EXEC_DIR\n",
                 parsed.error().message.c_str());
    return k_exit_usage;
  }
  const SuperviseOptions& options = parsed.value();
  const char* dir = options.exec_dir.c_str();
  const int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char* real_dir = realpath(dir, nullptr);
  if (dir_fd < 0 || real_dir == nullptr) {
    std::fprintf(stderr, "vhtask-supervise: cannot open %s: %s\n", dir, std::strerror(errno));
    return k_exit_failure;
  }
  ChildSpec spec;
  spec.cwd = options.cwd;
  const std::string script_path = std::string(real_dir) + "/" + execution_files::k_script;
  std::free(real_dir);
  const auto command = read_file_at(dir_fd, execution_files::k_command);
  if (!command) {
    std::fprintf(stderr, "vhtask-supervise: %s: %s\n", dir, command.error().message.c_str());
    return k_exit_failure;
  }
  spec.command = *command;
  spec.shell = script_shell();
  if (spec.command.rfind("#!", 0) == 0) {
    if (const auto written =
            write_file_atomically(dir_fd, execution_files::k_script, spec.command, 0700);
        !written) {
      std::fprintf(stderr, "vhtask-supervise: %s\n", written.error().message.c_str());
      return k_exit_failure;
    }
    spec.script_path = script_path;
  }
  spec.log_fd = openat(dir_fd, execution_files::k_output_log,
                       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (spec.log_fd < 0) {
    std::fprintf(stderr, "vhtask-supervise: cannot open %s/%s: %s\n", dir,
                 execution_files::k_output_log, std::strerror(errno));
    return k_exit_failure;
  }
  Supervision supervision(options, dir_fd, spec.log_fd);
  return supervision.run(spec);
}

}  // namespace vhtask::supervisor
