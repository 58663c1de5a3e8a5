#include "daemon/runner/execution_dir.h"

#include "supervisor/execution_files.h"
#include "supervisor/supervisor_files.h"

#include <boost/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::daemon::runner {

namespace {

std::string join(const std::string& dir, const char* name) {
  return dir + "/" + name;
}

Result<void> write_text(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(Error::io("cannot create " + path + ": " + std::strerror(errno)));
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int saved = errno;
      close(fd);
      return fail(Error::io("cannot write " + path + ": " + std::strerror(saved)));
    }
    done += static_cast<std::size_t>(n);
  }
  close(fd);
  return {};
}

// Creates the missing parents of `path`, each 0700 whatever the umask (mkdir -p would give
// 0777 & ~umask).
Result<void> make_parents(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty() || parent == parent.root_path()) {
    return {};
  }
  struct stat st {};
  if (stat(parent.c_str(), &st) == 0) {
    return {};
  }
  VHTASK_TRY(make_parents(parent.string()));
  if (mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(Error::io("cannot create " + parent.string() + ": " + std::strerror(errno)));
  }
  return {};
}

Result<std::string> read_text(const std::string& path) {
  return supervisor::read_file_at(AT_FDCWD, path);
}

// The JSON object in a file the supervisor wrote. Bytes that are not UTF-8 (a path in a reason)
// are accepted: the supervisor copies them through as they are.
Result<boost::json::object> read_json_object(const std::string& path) {
  const std::string text = VHTASK_TRY(read_text(path));
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec, {}, options);
  if (ec || !value.is_object()) {
    return fail(Error::io(path + ": not a JSON object" + (ec ? ": " + ec.message() : "")));
  }
  return std::move(value.as_object());
}

// An integer member, or nullopt when it is missing, null or not an integer.
template <class T>
std::optional<T> integer_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  const T number = value->to_number<T>(ec);
  if (ec) {
    return std::nullopt;
  }
  return number;
}

}  // namespace

Result<void> prepare_execution_dir(const std::string& exec_dir, const LaunchSpec& spec) {
  VHTASK_TRY(make_parents(exec_dir));
  // Exclusive: a directory already there belongs to an execution the database does not know
  // (daemon/store/execution_ids.h), and its files must never pass for this one's.
  if (mkdir(exec_dir.c_str(), 0700) != 0 && !(errno == EEXIST && spec.reuse_dir)) {
    const int saved = errno;
    return fail(Error::io("cannot create " + exec_dir + ": " + std::strerror(saved) +
                          (saved == EEXIST
                               ? " (it belongs to an execution this database has no record of; it "
                                 "is left as it is)"
                               : "")));
  }
  for (const char* sub :
       {supervisor::execution_files::k_outputs_dir, supervisor::execution_files::k_inputs_dir,
        supervisor::execution_files::k_config_dir}) {
    const std::string path = join(exec_dir, sub);
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return fail(Error::io("cannot create " + path + ": " + std::strerror(errno)));
    }
  }
  VHTASK_TRY(write_text(join(exec_dir, supervisor::execution_files::k_parameters),
                        spec.parameters_json.empty() ? "{}" : spec.parameters_json));
  VHTASK_TRY(write_text(join(exec_dir, supervisor::execution_files::k_command), spec.command));
  return {};
}

Result<SupervisorIdentity> read_supervisor_json(const std::string& exec_dir) {
  const std::string path = join(exec_dir, supervisor::execution_files::k_supervisor_json);
  const auto object = VHTASK_TRY(read_json_object(path));
  const auto pid = integer_field<pid_t>(object, "supervisor_pid");
  const auto start_time = integer_field<std::uint64_t>(object, "supervisor_start_time");
  if (!pid || !start_time || *pid <= 0) {
    return fail(Error::io(path + ": no supervisor_pid and supervisor_start_time"));
  }
  SupervisorIdentity identity;
  identity.supervisor_pid = *pid;
  identity.supervisor_start_time = *start_time;
  identity.child_pid = integer_field<pid_t>(object, "child_pid");
  identity.child_start_time = integer_field<std::uint64_t>(object, "child_start_time");
  return identity;
}

Result<RunOutcome> read_status_json(const std::string& exec_dir) {
  const std::string path = join(exec_dir, supervisor::execution_files::k_status_json);
  const auto object = VHTASK_TRY(read_json_object(path));
  RunOutcome outcome;
  outcome.exit_code = integer_field<int>(object, "exit_code");
  outcome.signal = integer_field<int>(object, "signal");
  if (const auto* reason = object.if_contains("reason"); reason != nullptr && reason->is_string()) {
    outcome.reason = std::string(reason->as_string());
  }
  const auto* stop = object.if_contains("stop_requested");
  const bool stop_requested = stop != nullptr && stop->is_bool() && stop->as_bool();
  std::optional<Timestamp> finished;
  if (const auto* text = object.if_contains("finished_at"); text != nullptr && text->is_string()) {
    finished = parse_timestamp(text->as_string());
  }
  outcome.finished_at = finished.value_or(std::chrono::system_clock::now());

  if (stop_requested) {
    outcome.state = ExecutionState::stopped;
  } else if (!outcome.exit_code && !outcome.signal) {
    outcome.state = ExecutionState::crashed;
    if (!outcome.reason) {
      outcome.reason = "the command could not be started";
    }
  } else if (outcome.exit_code == 0 && !outcome.reason) {
    outcome.state = ExecutionState::complete;
  } else {
    outcome.state = ExecutionState::error;
  }
  return outcome;
}

std::string supervisor_log_tail(const std::string& exec_dir, std::size_t max_chars) {
  const auto text = read_text(join(exec_dir, supervisor::execution_files::k_supervisor_log));
  if (!text) {
    return "";
  }
  std::string_view rest = *text;
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) {
    rest.remove_suffix(1);
  }
  const auto newline = rest.rfind('\n');
  if (newline != std::string_view::npos) {
    rest.remove_prefix(newline + 1);
  }
  return std::string(rest.substr(0, max_chars));
}

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  int consumed = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &year, &month, &day, &hour,
                  &minute, &second, &millis, &consumed) != 7 ||
      consumed != static_cast<int>(copy.size())) {
    return std::nullopt;
  }
  std::tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  const std::time_t seconds = timegm(&utc);
  return std::chrono::system_clock::from_time_t(seconds) + std::chrono::milliseconds(millis);
}

}  // namespace vhtask::daemon::runner
