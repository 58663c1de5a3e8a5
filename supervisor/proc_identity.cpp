#include "supervisor/proc_identity.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vhtask::supervisor {

namespace {

// Reads the whole (small) file into buf; returns the length, or -1.
ssize_t read_small(const char* path, char* buf, std::size_t size) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  std::size_t total = 0;
  while (total + 1 < size) {
    const ssize_t n = read(fd, buf + total, size - 1 - total);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    total += static_cast<std::size_t>(n);
  }
  close(fd);
  buf[total] = '\0';
  return static_cast<ssize_t>(total);
}

}  // namespace

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  if (pid <= 0) {
    return std::nullopt;
  }
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  char buf[1024];
  if (read_small(path, buf, sizeof buf) <= 0) {
    return std::nullopt;
  }
  // Field 2 (comm) is in parentheses and may itself contain spaces and ')': the fields we want
  // follow the *last* ')'.
  const char* p = std::strrchr(buf, ')');
  if (p == nullptr || p[1] != ' ') {
    return std::nullopt;
  }
  p += 2;
  ProcStat stat;
  stat.state = *p;
  // Fields 3.. separated by single spaces; field n is token n - 3 after the ')'.
  for (int field = 3; field <= 22; ++field) {
    char* end = nullptr;
    if (field == 5) {
      stat.pgrp = static_cast<pid_t>(std::strtol(p, &end, 10));
    } else if (field == 6) {
      stat.session = static_cast<pid_t>(std::strtol(p, &end, 10));
    } else if (field == 22) {
      stat.start_time = std::strtoull(p, &end, 10);
      if (end == p) {
        return std::nullopt;
      }
      return stat;
    }
    p = std::strchr(p, ' ');
    if (p == nullptr) {
      return std::nullopt;
    }
    ++p;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> process_start_time(pid_t pid) {
  const auto stat = read_proc_stat(pid);
  if (!stat) {
    return std::nullopt;
  }
  return stat->start_time;
}

bool process_matches(pid_t pid, std::uint64_t start_time) {
  const auto actual = process_start_time(pid);
  return actual && *actual == start_time;
}

}  // namespace vhtask::supervisor
