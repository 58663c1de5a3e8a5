#pragma once

// The daemon's side of an execution directory: preparing it before the supervisor starts, and
// reading what the supervisor wrote (supervisor.json, status.json, supervisor.log). The file
// names are in supervisor/execution_files.h, the formats in schema/execution-dir.md. Plain
// functions on the filesystem; no thread restrictions. Every fd they open is close-on-exec.

#include "common/protocol/timestamp.h"
#include "common/result.h"
#include "daemon/runner/runner.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace vhtask::daemon::runner {

// Creates exec_dir (and its missing parents) with outputs/, inputs/ and config/, every one 0700
// whatever the umask, and writes config/parameters.json (spec.parameters_json, "{}" if empty)
// and the command file (0600). exec_dir is created exclusively: one that exists already is an
// error unless spec.reuse_dir. Error::io names the path that failed.
Result<void> prepare_execution_dir(const std::string& exec_dir, const LaunchSpec& spec);

// supervisor.json: the supervisor and its child, each as pid + start time.
struct SupervisorIdentity {
  pid_t supervisor_pid = 0;
  std::uint64_t supervisor_start_time = 0;
  std::optional<pid_t> child_pid;
  std::optional<std::uint64_t> child_start_time;
};

// Error::not_found when the file does not exist; Error::io when it cannot be read or parsed.
Result<SupervisorIdentity> read_supervisor_json(const std::string& exec_dir);

// status.json as the outcome to record (the mapping is in daemon/runner/runner.h, RunOutcome).
// Error::not_found when the file does not exist; Error::io when it cannot be read or parsed.
Result<RunOutcome> read_status_json(const std::string& exec_dir);

// The last non-empty line of exec_dir/supervisor.log, at most max_chars long; "" if none.
std::string supervisor_log_tail(const std::string& exec_dir, std::size_t max_chars = 300);

// Parses the text format_timestamp() writes ("2024-05-01T12:00:00.123Z").
std::optional<Timestamp> parse_timestamp(std::string_view text);

}  // namespace vhtask::daemon::runner
