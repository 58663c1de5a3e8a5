#include "daemon/store/execution_ids.h"

#include "daemon/store/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <optional>
#include <string_view>

namespace vhtask::daemon::store {

namespace {

// The id a directory name stands for: digits only, no leading zero, within 18 digits.
std::optional<ExecutionId> id_of(std::string_view name) {
  if (name.empty() || name.size() > 18 || name.front() == '0') {
    return std::nullopt;
  }
  ExecutionId id = 0;
  for (const char c : name) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    id = id * 10 + (c - '0');
  }
  return id;
}

}  // namespace

Result<ExecutionDirScan> scan_execution_dirs(const std::string& executions_dir, ExecutionId known) {
  ExecutionDirScan scan;
  DIR* dir = opendir(executions_dir.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) {
      return scan;
    }
    return Error::io(fmt::format("cannot read {}: {}", executions_dir, std::strerror(errno)));
  }
  for (;;) {
    errno = 0;
    const dirent* entry = readdir(dir);
    if (entry == nullptr) {
      break;
    }
    const auto id = id_of(entry->d_name);
    if (!id) {
      continue;
    }
    scan.highest = std::max(scan.highest, *id);
    if (*id > known) {
      ++scan.unknown;
      scan.lowest_unknown = scan.lowest_unknown == 0 ? *id : std::min(scan.lowest_unknown, *id);
    }
  }
  const int saved = errno;
  closedir(dir);
  if (saved != 0) {
    return Error::io(fmt::format("cannot read {}: {}", executions_dir, std::strerror(saved)));
  }
  return scan;
}

Result<std::optional<std::string>> reserve_execution_dirs(Store& store,
                                                          const std::string& executions_dir) {
  const ExecutionId known = VHTASK_TRY(store.max_execution_id());
  const ExecutionDirScan scan = VHTASK_TRY(scan_execution_dirs(executions_dir, known));
  store.reserve_execution_ids(scan.highest);
  if (scan.unknown == 0) {
    return std::optional<std::string>();
  }
  const std::string ids = scan.unknown == 1
                              ? fmt::format("id {}", scan.highest)
                              : fmt::format("ids {} to {}", scan.lowest_unknown, scan.highest);
  return std::optional<std::string>(fmt::format(
      "{} holds {} execution director{} ({}) that the database {} has no record of{}; was "
      "the database deleted, emptied or replaced by an older copy? They are left as they are "
      "and no new execution reuses them: new executions get ids from {} on",
      executions_dir, scan.unknown, scan.unknown == 1 ? "y" : "ies", ids, store.path(),
      known == 0 ? "" : fmt::format(" (its highest execution id is {})", known), scan.highest + 1));
}

}  // namespace vhtask::daemon::store
