#include "client/rpc/socket_trust.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::client::rpc {

namespace {

Error refusal(const std::string& socket_path, const std::string& why) {
  return Error::io(
      fmt::format("refusing to use the socket {}: {}; nothing was sent to it", socket_path, why));
}

// Why `st` (of `path`, called `what` in the message) is not trusted, or "" when it is.
std::string distrust(const struct stat& st, const std::string& what, const std::string& path) {
  const uid_t me = ::geteuid();
  if (st.st_uid != me) {
    return fmt::format("{} is owned by uid {}, not by you (uid {})", what, st.st_uid, me);
  }
  if ((st.st_mode & 0022) != 0) {
    return fmt::format("{} is writable by others (mode {:03o}); run chmod go-w {}", what,
                       st.st_mode & 0777, path);
  }
  return {};
}

}  // namespace

std::string socket_dir_of(const std::string& socket_path) {
  const auto parent = std::filesystem::path(socket_path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

Result<bool> check_socket_dir(const std::string& socket_path) {
  const std::string dir = socket_dir_of(socket_path);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return false;
    }
    return refusal(socket_path, fmt::format("cannot stat {}: {}", dir, std::strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return refusal(socket_path, dir + " is not a directory");
  }
  if (auto why = distrust(st, "its directory " + dir, dir); !why.empty()) {
    return refusal(socket_path, why);
  }
  return true;
}

Result<void> check_socket_file(const std::string& socket_path) {
  struct stat st {};
  if (::stat(socket_path.c_str(), &st) != 0) {
    return {};
  }
  if (auto why = distrust(st, "the socket file", socket_path); !why.empty()) {
    return refusal(socket_path, why);
  }
  return {};
}

Result<void> check_peer(int fd, const std::string& socket_path) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return refusal(socket_path,
                   fmt::format("cannot read the server's credentials: {}", std::strerror(errno)));
  }
  const uid_t me = ::geteuid();
  if (cred.uid != me) {
    return refusal(socket_path, fmt::format("the process listening on it (pid {}) runs as uid {}, "
                                            "not as you (uid {})",
                                            cred.pid, cred.uid, me));
  }
  return {};
}

}  // namespace vhtask::client::rpc
