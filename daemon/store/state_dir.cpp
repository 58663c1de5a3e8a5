#include "daemon/store/state_dir.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::daemon::store {

namespace {

// A symlink is only as trustworthy as its owner: another user who owns the link can point it
// anywhere, at any time, so the target's checks alone would say nothing. Root's links are
// trusted like root's directories are.
Result<void> check_link_owner(const std::string& path) {
  struct stat link {};
  if (lstat(path.c_str(), &link) != 0) {
    if (errno == ENOENT) {
      return {};  // nothing there yet: it will be created as a directory
    }
    return Error::io("cannot stat " + path + ": " + std::strerror(errno));
  }
  if (S_ISLNK(link.st_mode) && link.st_uid != geteuid() && link.st_uid != 0) {
    return Error::io(path + " is a symbolic link owned by uid " + std::to_string(link.st_uid) +
                     ", not by you (uid " + std::to_string(geteuid()) +
                     "), so its owner decides where it points; use --state-dir/--socket to "
                     "choose another");
  }
  return {};
}

}  // namespace

Result<void> ensure_private_dir(const std::string& path) {
  // Checked before anything is created through the link, and again once the path exists.
  VHTASK_TRY(check_link_owner(path));
  std::error_code ec;
  const mode_t old_mask = umask(077);
  std::filesystem::create_directories(path, ec);
  umask(old_mask);
  if (ec) {
    return Error::io("cannot create directory " + path + ": " + ec.message());
  }
  VHTASK_TRY(check_link_owner(path));
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return Error::io("cannot stat " + path + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return Error::io(path + " is not a directory");
  }
  if (st.st_uid != geteuid()) {
    return Error::io(path + " is owned by uid " + std::to_string(st.st_uid) + ", not by you (uid " +
                     std::to_string(geteuid()) + "); use --state-dir/--socket to choose another");
  }
  if ((st.st_mode & 0022) != 0) {
    return Error::io(path + " is writable by others (mode " + std::to_string(st.st_mode & 0777) +
                     " octal " +
                     [&] {
                       char buf[8];
                       std::snprintf(buf, sizeof buf, "%03o", st.st_mode & 0777);
                       return std::string(buf);
                     }() +
                     "); run chmod 700 " + path);
  }
  return {};
}

Result<DaemonLock> DaemonLock::acquire(const std::string& path) {
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error::io("cannot open lock file " + path + ": " + std::strerror(errno));
  }
  // 0600 even when an older vhtaskd left it broader (best effort: it is in our private dir).
  (void)fchmod(fd, 0600);
  // A daemon that is just exiting (or was just killed while spawning a supervisor, whose
  // half-started child still shares the lock's file description until it execs) lets go
  // within moments: wait up to a second before calling the lock taken.
  bool locked = false;
  for (int attempt = 0; attempt < 50 && !locked; ++attempt) {
    locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (!locked) {
      usleep(20'000);
    }
  }
  if (!locked) {
    char buf[32] = {};
    const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) {
      holder.pop_back();
    }
    return Error::io("another vhtaskd" + (holder.empty() ? "" : " (pid " + holder + ")") +
                     " is already using this state directory (lock " + path +
                     "); stop it with `vhtask shutdown` or use another --state-dir");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    close(fd);
    return Error::io("cannot write lock file " + path + ": " + std::strerror(errno));
  }
  return DaemonLock(fd);
}

DaemonLock::~DaemonLock() {
  if (m_fd >= 0) {
    close(m_fd);
  }
}

}  // namespace vhtask::daemon::store
