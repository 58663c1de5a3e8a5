#include "daemon/slurm/slurm_cli.h"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vhtask::daemon::slurm {

namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (const int fd : fds) {
      if (fd >= 0) {
        close(fd);
      }
    }
  }
};

}  // namespace

Result<ToolOutput> run_tool(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) {
  Pipe out;
  Pipe err;
  if (pipe2(out.fds, O_CLOEXEC) != 0 || pipe2(err.fds, O_CLOEXEC) != 0) {
    return Error::spawn(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return Error::spawn(argv[0] + ": " + std::strerror(spawned));
  }
  close(out.fds[1]);
  out.fds[1] = -1;
  close(err.fds[1]);
  err.fds[1] = -1;
  ToolOutput result;
  std::array<pollfd, 2> polls{pollfd{out.fds[0], POLLIN, 0}, pollfd{err.fds[0], POLLIN, 0}};
  int open_fds = 2;
  std::array<char, 4096> buffer{};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const int ready =
        left.count() <= 0 ? 0 : poll(polls.data(), polls.size(), static_cast<int>(left.count()));
    if (ready == 0) {
      timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (std::size_t i = 0; i < polls.size(); ++i) {
      if (polls[i].fd < 0 || polls[i].revents == 0) {
        continue;
      }
      const ssize_t n = read(polls[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        polls[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return Error::spawn(fmt::format("{} did not finish within {} ms", argv[0], timeout.count()));
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::map<std::string, SlurmJobState> parse_squeue(const std::string& text) {
  std::map<std::string, SlurmJobState> jobs;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t bar = line.find('|'); bar != std::string::npos; bar = line.find('|', start)) {
      std::string field = line.substr(start, bar - start);
      while (!field.empty() && field.back() == ' ') {
        field.pop_back();
      }
      fields.push_back(std::move(field));
      start = bar + 1;
    }
    if (fields.size() < 5) {
      continue;
    }
    SlurmJobState job{fields[0], fields[1], fields[2], fields[3], 0};
    try {
      job.exit_code = std::stoi(fields[4]);
    } catch (const std::exception&) {
      job.exit_code = 0;
    }
    jobs[job.array_job + "_" + job.array_task] = job;
  }
  return jobs;
}

namespace {

Result<ToolOutput> squeue(const std::string& job_list) {
  return run_tool({"squeue", "-h", "-t", "all", "-r", "-j", job_list, "-O",
                   "ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|,exit_code:|"});
}

}  // namespace

Result<std::map<std::string, SlurmJobState>> query_jobs(const std::set<std::string>& jobs) {
  std::string list;
  for (const auto& job : jobs) {
    list += (list.empty() ? "" : ",") + job;
  }
  const ToolOutput all = VHTASK_TRY(squeue(list));
  if (all.exit_status == 0) {
    return parse_squeue(all.out);
  }
  if (all.err.find("Invalid job id") == std::string::npos) {
    return Error::spawn(fmt::format("squeue exited with status {}: {}", all.exit_status, all.err));
  }
  std::map<std::string, SlurmJobState> states;
  for (const auto& job : jobs) {
    const ToolOutput one = VHTASK_TRY(squeue(job));
    if (one.exit_status == 0) {
      states.merge(parse_squeue(one.out));
    } else if (one.err.find("Invalid job id") == std::string::npos) {
      return Error::spawn(
          fmt::format("squeue exited with status {}: {}", one.exit_status, one.err));
    }
  }
  return states;
}

bool slurm_state_ended(const std::string& state) {
  return state != "PENDING" && state != "RUNNING" && state != "CONFIGURING" &&
         state != "COMPLETING" && state != "SUSPENDED" && state != "REQUEUED" &&
         state != "RESIZING" && state != "SIGNALING" && state != "STAGE_OUT" &&
         state != "STOPPED" && state != "REQUEUE_HOLD" && state != "REQUEUE_FED";
}

}  // namespace vhtask::daemon::slurm
