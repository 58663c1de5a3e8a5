#include "common/paths.h"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace vhtask::common {

namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string home_dir() {
  if (auto home = env_or_empty("HOME"); !home.empty()) {
    return home;
  }
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return "/tmp";
}

}  // namespace

std::string default_state_dir() {
  if (auto dir = env_or_empty("VHTASK_STATE_DIR"); !dir.empty()) {
    return dir;
  }
  if (auto xdg = env_or_empty("XDG_STATE_HOME"); !xdg.empty()) {
    return xdg + "/vhtask";
  }
  return home_dir() + "/.local/state/vhtask";
}

std::string default_socket_path() {
  if (auto socket = env_or_empty("VHTASK_SOCKET"); !socket.empty()) {
    return socket;
  }
  if (auto runtime = env_or_empty("XDG_RUNTIME_DIR"); !runtime.empty()) {
    return runtime + "/vhtask/vhtask.sock";
  }
  return "/tmp/vhtask-" + std::to_string(getuid()) + "/vhtask.sock";
}

std::string database_path(const std::string& state_dir) {
  return state_dir + "/vhtask.db";
}
std::string executions_dir(const std::string& state_dir) {
  return state_dir + "/executions";
}

}  // namespace vhtask::common
