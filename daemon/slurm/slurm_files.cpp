#include "daemon/slurm/slurm_files.h"

#include "common/render/shell_quote.h"
#include "daemon/slurm/slurm_cli.h"
#include "supervisor/execution_files.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <linux/magic.h>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace vhtask::daemon::slurm {

namespace {

namespace fs = std::filesystem;

// Written with its final mode from the start (0600, or 0700 for scripts), whatever the umask.
Result<void> write_atomically(const std::string& path, const std::string& text,
                              mode_t mode = 0600) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return Error::io(fmt::format("cannot create {}: {}", temporary, std::strerror(errno)));
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      return Error::io(fmt::format("cannot write {}: {}", temporary, std::strerror(saved)));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    return Error::io(fmt::format("cannot rename {}: {}", temporary, ec.message()));
  }
  return {};
}

}  // namespace

Result<void> write_slurm_json(const std::string& exec_dir, const SlurmJobRecord& record) {
  boost::json::object out;
  out["name"] = record.name;
  out["job"] = record.job.empty() ? boost::json::value(nullptr) : boost::json::value(record.job);
  out["element"] = record.element;
  out["task"] = record.task;
  return write_atomically(exec_dir + "/" + supervisor::execution_files::k_slurm_json,
                          boost::json::serialize(out) + "\n");
}

Result<SlurmJobRecord> read_slurm_json(const std::string& exec_dir) {
  const std::string path = exec_dir + "/" + supervisor::execution_files::k_slurm_json;
  std::ifstream in(path);
  if (!in) {
    return Error::not_found(fmt::format("{}: no such file", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(text.str(), ec);
  if (ec || !value.is_object()) {
    return Error::io(fmt::format("{}: not a JSON object", path));
  }
  const auto& object = value.get_object();
  const auto* name = object.if_contains("name");
  const auto* job = object.if_contains("job");
  const auto* element = object.if_contains("element");
  const auto* task = object.if_contains("task");
  if (name == nullptr || !name->is_string() || element == nullptr || !element->is_number() ||
      task == nullptr || !task->is_number() || job == nullptr ||
      !(job->is_string() || job->is_null())) {
    return Error::io(fmt::format("{}: missing or mistyped fields", path));
  }
  SlurmJobRecord record;
  record.name = std::string(name->get_string());
  record.job = job->is_string() ? std::string(job->get_string()) : std::string();
  record.element = element->to_number<std::size_t>();
  record.task = task->to_number<TaskId>();
  return record;
}

Result<void> write_slurm_launcher(const std::string& exec_dir, const std::string& binary,
                                  const std::vector<std::string>& args,
                                  const std::vector<std::string>& env) {
  std::string text =
      "#!/bin/sh\n# Written by vhtaskd: this execution's supervisor, as the local "
      "executor would start it.\nexec </dev/null >>";
  common::render::append_shell_quoted(
      text, exec_dir + "/" + supervisor::execution_files::k_supervisor_log);
  text += " 2>&1\nexec env -i --";
  for (const auto& entry : env) {
    text += " \\\n  ";
    common::render::append_shell_quoted(text, entry);
  }
  text += " \\\n  ";
  common::render::append_shell_quoted(text, binary);
  for (const auto& arg : args) {
    text += ' ';
    common::render::append_shell_quoted(text, arg);
  }
  text += '\n';
  return write_atomically(exec_dir + "/slurm-run", text, 0700);
}

Result<std::string> write_array_script(const std::string& work_dir, const std::string& name,
                                       const std::string& executions_dir,
                                       const std::vector<std::vector<ExecutionId>>& elements) {
  // 0700 whatever the umask; its parent is the state dir, already private.
  if (::mkdir(work_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Error::io(fmt::format("cannot create {}: {}", work_dir, std::strerror(errno)));
  }
  std::string manifest;
  for (const auto& element : elements) {
    for (std::size_t i = 0; i < element.size(); ++i) {
      manifest += (i == 0 ? "" : " ") + std::to_string(element[i]);
    }
    manifest += '\n';
  }
  const std::string manifest_path = work_dir + "/" + name + ".ids";
  VHTASK_TRY(write_atomically(manifest_path, manifest));
  std::string script = "#!/bin/sh\n# Written by vhtaskd: Slurm array " + name +
                       ". Element N runs, one after another, the executions on line N+1 of the "
                       "manifest.\nexecs=";
  common::render::append_shell_quoted(script, executions_dir);
  script += "\nids=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" ";
  common::render::append_shell_quoted(script, manifest_path);
  script += R"()
cancelled=
pid=
dir=
# scancel --batch --signal=TERM (a stop): the supervisor stops the current execution as it does
# locally (SIGTERM, SIGKILL after the grace period); no other starts.
trap 'cancelled=1; if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; fi' TERM
# scancel --batch --signal=USR1: stop the current execution if vhtask marked it stopped.
trap 'if [ -n "$pid" ] && [ -e "$dir/stop" ]; then kill -TERM "$pid" 2>/dev/null; fi' USR1
for id in $ids; do
  [ -n "$cancelled" ] && break
  dir="$execs/$id"
  [ -e "$dir/stop" ] && continue
  (. "$dir/slurm-run") &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
  pid=
done
)";
  const std::string script_path = work_dir + "/" + name + ".sh";
  VHTASK_TRY(write_atomically(script_path, script, 0700));
  return script_path;
}

Result<void> write_array_job(const std::string& work_dir, const std::string& name,
                             const std::string& job) {
  return write_atomically(work_dir + "/" + name + ".job", job + "\n");
}

std::string read_array_job(const std::string& work_dir, const std::string& name) {
  std::ifstream in(work_dir + "/" + name + ".job");
  std::string job;
  std::getline(in, job);
  return job.find_first_not_of("0123456789") == std::string::npos ? job : std::string();
}

Result<void> touch_stop_file(const std::string& exec_dir) {
  const int fd = ::open((exec_dir + "/stop").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error::io(fmt::format("cannot write {}/stop: {}", exec_dir, std::strerror(errno)));
  }
  ::close(fd);
  return {};
}

Result<void> check_shared_filesystem(const std::string& dir,
                                     const std::optional<std::string>& partition) {
  struct statfs info {};
  if (statfs(dir.c_str(), &info) != 0) {
    return Error::io(fmt::format("statfs {}: {}", dir, std::strerror(errno)));
  }
  if (info.f_type != TMPFS_MAGIC && info.f_type != RAMFS_MAGIC) {
    return {};
  }
  std::vector<std::string> argv{"sinfo", "-h", "-o", "%n"};
  if (partition) {
    argv.push_back("--partition=" + *partition);
  }
  const ToolOutput output = VHTASK_TRY(run_tool(argv));
  std::istringstream lines(output.out);
  std::set<std::string> nodes;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) {
      nodes.insert(line);
    }
  }
  if (nodes.size() > 1) {
    return Error::invalid_argument(fmt::format(
        "the state dir {} is on a node-local filesystem (tmpfs) but the Slurm partition has {} "
        "nodes: put the state dir on a filesystem the nodes share (vhtaskd --state-dir)",
        dir, nodes.size()));
  }
  return {};
}

}  // namespace vhtask::daemon::slurm
