#pragma once

// The files vhtask-supervise writes into an execution directory (supervisor.json, status.json,
// script), as JSON text it formats itself, and the atomic write they all go through. Internal
// to vhtask-supervise; the daemon reads these files with daemon/runner/execution_dir.h. Formats:
// schema/execution-dir.md. Plain POSIX; no thread restrictions.

#include "common/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

namespace vhtask::supervisor {

// supervisor.json: who is running, as pid + start time pairs (supervisor/proc_identity.h).
struct SupervisorRecord {
  pid_t supervisor_pid = 0;
  std::optional<std::uint64_t> supervisor_start_time;
  pid_t child_pid = 0;
  std::optional<std::uint64_t> child_start_time;
};

// status.json: how the command ended. exit_code and signal are never both set; both are unset
// only when the command could not be started at all (reason says why).
struct StatusRecord {
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::optional<std::string> reason;
  bool stop_requested = false;
  std::string started_at;   // ISO-8601 UTC with milliseconds
  std::string finished_at;  // ISO-8601 UTC with milliseconds
};

std::string to_json(const SupervisorRecord& record);
std::string to_json(const StatusRecord& record);

// `text` as a JSON string literal, quotes included. Bytes >= 0x80 pass through unchanged.
std::string json_quote(const std::string& text);

// Now, as "2024-05-01T12:00:00.123Z" (the same form as common/protocol/timestamp.h).
std::string utc_now_iso();

// The whole content of dir_fd/name (dir_fd may be AT_FDCWD). Error::not_found when it does not
// exist, Error::io otherwise; both name the file and the errno text.
Result<std::string> read_file_at(int dir_fd, const std::string& name);

// Writes `text` to dir_fd/name atomically: a temporary file in the same directory, then
// rename (no fsync). Readers see the old file or the whole new one, never a part. `mode` applies to
// a newly created file. Error::io names the file and the errno text.
Result<void> write_file_atomically(int dir_fd, const std::string& name, const std::string& text,
                                   mode_t mode = 0600);

// Creates dir_fd/name (mode 0600) with `size` bytes allocated on disk, for an outcome that must
// be writable later even when the disk is full. Returns its fd (close-on-exec); Error::io with
// the errno as its cause otherwise (ENOSPC or EDQUOT: no room).
Result<int> reserve_file(int dir_fd, const std::string& name, std::size_t size);

// Writes `text` into a file reserved by reserve_file (at offset 0: within its allocated blocks
// when it fits), truncates it to that length, closes `fd` and renames dir_fd/reserved_name to
// dir_fd/name: the same atomic appearance as write_file_atomically. Error::io names the file.
Result<void> write_reserved(int fd, int dir_fd, const std::string& reserved_name,
                            const std::string& name, const std::string& text);

}  // namespace vhtask::supervisor
