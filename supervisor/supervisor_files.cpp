#include "supervisor/supervisor_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::supervisor {

namespace {

template <class T>
std::string optional_number(const std::optional<T>& value) {
  return value ? std::to_string(*value) : std::string("null");
}

Result<void> write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int saved = errno;
      return fail(Error::io(std::strerror(saved)).with_cause(saved));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

std::string to_json(const SupervisorRecord& record) {
  return "{\"supervisor_pid\": " + std::to_string(record.supervisor_pid) +
         ", \"supervisor_start_time\": " + optional_number(record.supervisor_start_time) +
         ", \"child_pid\": " + std::to_string(record.child_pid) +
         ", \"child_start_time\": " + optional_number(record.child_start_time) + "}\n";
}

std::string to_json(const StatusRecord& record) {
  return "{\"exit_code\": " + optional_number(record.exit_code) +
         ", \"signal\": " + optional_number(record.signal) +
         ", \"reason\": " + (record.reason ? json_quote(*record.reason) : std::string("null")) +
         ", \"stop_requested\": " + (record.stop_requested ? "true" : "false") +
         ", \"started_at\": " + json_quote(record.started_at) +
         ", \"finished_at\": " + json_quote(record.finished_at) + "}\n";
}

std::string json_quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", byte);
      out += escape;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string utc_now_iso() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  std::tm utc{};
  gmtime_r(&now.tv_sec, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(now.tv_nsec / 1'000'000));
  return text;
}

Result<std::string> read_file_at(int dir_fd, const std::string& name) {
  const int fd = openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const std::string message = "cannot open " + name + ": " + std::strerror(errno);
    return fail(errno == ENOENT ? Error::not_found(message) : Error::io(message));
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int saved = errno;
      close(fd);
      return fail(Error::io("cannot read " + name + ": " + std::strerror(saved)));
    }
    if (n == 0) {
      break;
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

Result<void> write_file_atomically(int dir_fd, const std::string& name, const std::string& text,
                                   mode_t mode) {
  const std::string tmp = name + ".tmp";
  const int fd = openat(dir_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return fail(Error::io("cannot create " + tmp + ": " + std::strerror(errno)));
  }
  auto written = write_all(fd, text);
  // No fsync: the rename makes the file appear whole or not at all to every process, whichever of
  // them crashes, which is what recovery relies on. Like the database (WAL, synchronous=NORMAL),
  // an outcome written just before a power loss may be lost; an fsync per execution would cost
  // milliseconds each and dominate short executions. (ext4 also flushes a file replaced by
  // rename before the rename commits, auto_da_alloc.)
  close(fd);
  if (!written) {
    unlinkat(dir_fd, tmp.c_str(), 0);
    return fail(Error::io("cannot write " + tmp + ": " + written.error().message));
  }
  if (renameat(dir_fd, tmp.c_str(), dir_fd, name.c_str()) != 0) {
    const int saved = errno;
    unlinkat(dir_fd, tmp.c_str(), 0);
    return fail(Error::io("cannot rename " + tmp + " to " + name + ": " + std::strerror(saved)));
  }
  return {};
}

Result<int> reserve_file(int dir_fd, const std::string& name, std::size_t size) {
  const int fd = openat(dir_fd, name.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int saved = errno;
    return fail(Error::io("cannot create " + name + ": " + std::strerror(saved)).with_cause(saved));
  }
  int rc = posix_fallocate(fd, 0, static_cast<off_t>(size));
  if (rc == EOPNOTSUPP || rc == EINVAL) {
    // No fallocate on this filesystem: zeros written allocate the blocks just as well.
    const std::string zeros(size, '\0');
    auto written = write_all(fd, zeros);
    rc = written ? 0 : written.error().cause;
  }
  if (rc != 0) {
    close(fd);
    unlinkat(dir_fd, name.c_str(), 0);
    return fail(Error::io("cannot reserve " + name + ": " + std::strerror(rc)).with_cause(rc));
  }
  return fd;
}

Result<void> write_reserved(int fd, int dir_fd, const std::string& reserved_name,
                            const std::string& name, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int saved = errno;
      close(fd);
      return fail(Error::io("cannot write " + reserved_name + ": " + std::strerror(saved)));
    }
    done += static_cast<std::size_t>(n);
  }
  if (ftruncate(fd, static_cast<off_t>(text.size())) != 0) {
    const int saved = errno;
    close(fd);
    return fail(Error::io("cannot truncate " + reserved_name + ": " + std::strerror(saved)));
  }
  close(fd);
  if (renameat(dir_fd, reserved_name.c_str(), dir_fd, name.c_str()) != 0) {
    const int saved = errno;
    return fail(
        Error::io("cannot rename " + reserved_name + " to " + name + ": " + std::strerror(saved)));
  }
  return {};
}

}  // namespace vhtask::supervisor
