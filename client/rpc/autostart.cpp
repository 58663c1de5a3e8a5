#include "client/rpc/autostart.h"

#include "client/rpc/connection.h"
#include "client/rpc/daemon_binary.h"
#include "client/rpc/socket_trust.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>

namespace vhtask::client::rpc {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds k_first_delay{10};
constexpr milliseconds k_max_delay{500};

// True for the failures that mean "no daemon is listening there", which autostart may fix.
bool is_not_running(int error) {
  return error == ENOENT || error == ECONNREFUSED;
}

Failure untrusted(const Error& error) {
  return Failure::unreachable(error.message,
                              "remove it (or fix its owner and mode), or choose another path "
                              "with --socket or $VHTASK_SOCKET");
}

// A connected socket, once the socket file and the server's uid passed client/rpc/socket_trust.h.
Outcome<UniqueFd> trusted(UniqueFd fd, const std::string& socket_path) {
  if (auto file = check_socket_file(socket_path); !file) {
    return untrusted(file.error());
  }
  if (auto peer = check_peer(fd.get(), socket_path); !peer) {
    return untrusted(peer.error());
  }
  return fd;
}

Failure cannot_connect(const std::string& socket_path, int error) {
  return Failure::unreachable(
      fmt::format("cannot connect to vhtaskd at {}: {}", socket_path, std::strerror(error)),
      "check the path (--socket, $VHTASK_SOCKET) and its permissions");
}

// Creates `dir` and any missing parents with mode 0700 (the socket dir is private to the user).
Result<void> make_private_dir(const std::string& dir) {
  std::filesystem::path path;
  for (const auto& part : std::filesystem::path(dir)) {
    path /= part;
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return Error::io(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
    }
  }
  return {};
}

// The held flock on <socket dir>/autostart.lock; released (closed) with the object.
Result<UniqueFd> lock_autostart(const std::string& dir) {
  VHTASK_TRY(make_private_dir(dir));
  const std::string path = dir + "/autostart.lock";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return Error::io(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) {
      return Error::io(fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
    }
  }
  return fd;
}

std::string absolute(const std::string& path) {
  std::error_code ec;
  const auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

// Connects with exponential backoff until `deadline`, while the daemon is not listening yet.
Outcome<UniqueFd> connect_with_backoff(const AutostartOptions& options, const std::string& binary,
                                       Clock::time_point deadline) {
  milliseconds delay = k_first_delay;
  for (;;) {
    auto attempt = connect_unix(options.socket_path);
    if (attempt.fd.valid()) {
      return trusted(std::move(attempt.fd), options.socket_path);
    }
    if (!is_not_running(attempt.error)) {
      return cannot_connect(options.socket_path, attempt.error);
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      return Failure::lost(
          fmt::format("started vhtaskd ({}), but it did not listen on {} within {:.1f}s", binary,
                      options.socket_path, static_cast<double>(options.timeout.count()) / 1000.0),
          "run `vhtask daemon` in a terminal to see why it does not start");
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(delay, deadline - now));
    delay = std::min(delay * 2, k_max_delay);
  }
}

}  // namespace

Outcome<UniqueFd> connect_or_autostart(const AutostartOptions& options) {
  if (auto dir = check_socket_dir(options.socket_path); !dir) {
    return untrusted(dir.error());
  }
  auto first = connect_unix(options.socket_path);
  if (first.fd.valid()) {
    return trusted(std::move(first.fd), options.socket_path);
  }
  if (!is_not_running(first.error)) {
    return cannot_connect(options.socket_path, first.error);
  }
  const std::string not_running =
      fmt::format("vhtaskd is not running (socket {})", options.socket_path);
  if (!options.enabled) {
    return Failure::lost(not_running +
                         "; start it with `vhtask daemon` or "
                         "`systemctl --user start vhtaskd.socket`");
  }
  const auto deadline = Clock::now() + options.timeout;
  // The directory is created private if missing, and checked again: it may have appeared (made
  // by someone else) since the first check. No daemon is started into a directory not ours.
  if (auto made = make_private_dir(socket_dir_of(options.socket_path)); !made) {
    return Failure::unreachable(not_running + " and cannot be started: " + made.error().message,
                                "start it with `vhtask daemon`");
  }
  if (auto dir = check_socket_dir(options.socket_path); !dir) {
    return untrusted(dir.error());
  }
  auto lock = lock_autostart(socket_dir_of(options.socket_path));
  if (!lock) {
    return Failure::unreachable(not_running + " and cannot be started: " + lock.error().message,
                                "start it with `vhtask daemon`");
  }
  // Another client may have started it while this one waited for the lock.
  auto second = connect_unix(options.socket_path);
  if (second.fd.valid()) {
    return trusted(std::move(second.fd), options.socket_path);
  }
  std::string binary = options.daemon_binary;
  if (binary.empty()) {
    binary = find_daemon_binary().value_or("");
  }
  if (binary.empty()) {
    return Failure::unreachable(
        not_running + " and vhtaskd was not found next to vhtask or in PATH",
        "install vhtaskd next to vhtask, or start a daemon yourself and pass --socket");
  }
  std::vector<std::string> args = options.daemon_args;
  if (auto spawned = spawn_detached(absolute(binary), args); !spawned) {
    return Failure::unreachable(not_running + "; " + spawned.error().message,
                                "start it with `vhtask daemon` to see the problem");
  }
  return connect_with_backoff(options, binary, deadline);
}

std::chrono::milliseconds connect_timeout_from_env() {
  const milliseconds fallback{10'000};
  const char* text = std::getenv("VHTASK_CONNECT_TIMEOUT_MS");
  if (text == nullptr) {
    return fallback;
  }
  long long value = 0;
  const char* end = text + std::strlen(text);
  const auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || value <= 0) {
    return fallback;
  }
  return milliseconds(value);
}

}  // namespace vhtask::client::rpc
