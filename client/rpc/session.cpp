#include "client/rpc/session.h"

#include "client/rpc/autostart.h"
#include "common/json_text.h"
#include "common/protocol/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

namespace vhtask::client::rpc {

namespace protocol = common::protocol;

namespace {

constexpr const char* k_restart_hint =
    "vhtaskd may be older than this vhtask: restart it with `vhtask shutdown` (the next command "
    "starts the new one)";
constexpr const char* k_too_large_hint =
    "ask for less (`--limit`, `--state`); an answer this big is a bug in vhtask worth reporting";
constexpr const char* k_daemon_fault_hint =
    "this is a problem in vhtaskd: see its log (`journalctl --user -u vhtaskd`, or run "
    "`vhtask daemon` in a terminal), or restart it with `vhtask shutdown`";

std::string absolute(const std::string& path) {
  std::error_code ec;
  const auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

// The daemon runs in "/", so paths it is given are made absolute. Paths from the environment are
// passed as flags too, for the same reason.
AutostartOptions autostart_options(const GlobalOptions& global) {
  AutostartOptions options;
  options.socket_path = global.socket_path();
  options.enabled = global.autostart();
  options.timeout = connect_timeout_from_env();
  if (!global.socket.empty() || env_set("VHTASK_SOCKET")) {
    options.daemon_args.insert(options.daemon_args.end(),
                               {"--socket", absolute(options.socket_path)});
  }
  std::string state_dir = global.state_dir;
  if (state_dir.empty() && env_set("VHTASK_STATE_DIR")) {
    state_dir = std::getenv("VHTASK_STATE_DIR");
  }
  if (!state_dir.empty()) {
    options.daemon_args.insert(options.daemon_args.end(), {"--state-dir", absolute(state_dir)});
  }
  return options;
}

boost::json::array to_array(const std::vector<std::string>& names) {
  boost::json::array out;
  for (const auto& name : names) {
    out.emplace_back(name);
  }
  return out;
}

// The `version` exchange: the daemon's capabilities, or exit 3 when it lacks a required one.
Outcome<std::vector<std::string>> handshake(Connection& connection,
                                            const std::vector<std::string>& required,
                                            const std::vector<std::string>& optional) {
  boost::json::object params{{"required", to_array(required)}, {"optional", to_array(optional)}};
  auto response = connection.call(protocol::k_version, std::move(params));
  if (!response) {
    return transport_failure(response.error());
  }
  if (response->is_error()) {
    const auto& error = response->error();
    if (error.code == protocol::k_unsupported || error.code == protocol::k_method_not_found) {
      return Failure::unreachable(fmt::format("vhtaskd ({}) cannot serve this command: {}",
                                              connection.socket_path(), error.message),
                                  k_restart_hint);
    }
    return rpc_failure(error);
  }
  const auto* result = response->result().if_object();
  const auto* protocol_number = result ? result->if_contains("protocol") : nullptr;
  const auto* list = result ? result->if_contains("capabilities") : nullptr;
  if (protocol_number == nullptr || list == nullptr || !list->is_array()) {
    return transport_failure(Error::protocol("vhtaskd's reply to `version` is malformed"));
  }
  if (!protocol_number->is_int64() || protocol_number->as_int64() != protocol::k_protocol_version) {
    return Failure::unreachable(
        fmt::format("vhtaskd ({}) speaks protocol {}; this vhtask speaks {}",
                    connection.socket_path(), common::dump_json(*protocol_number),
                    protocol::k_protocol_version),
        k_restart_hint);
  }
  std::vector<std::string> capabilities;
  for (const auto& item : list->as_array()) {
    if (item.is_string()) {
      capabilities.emplace_back(item.as_string());
    }
  }
  std::vector<std::string> missing;
  for (const auto& name : required) {
    if (std::find(capabilities.begin(), capabilities.end(), name) == capabilities.end()) {
      missing.push_back(name);
    }
  }
  if (!missing.empty()) {
    return Failure::unreachable(fmt::format("vhtaskd ({}) lacks the capabilities {} this command "
                                            "needs",
                                            connection.socket_path(), fmt::join(missing, ", ")),
                                k_restart_hint);
  }
  return capabilities;
}

}  // namespace

Session::Session(Connection connection, std::vector<std::string> capabilities)
    : m_connection(std::move(connection)), m_capabilities(std::move(capabilities)) {}

Outcome<boost::json::object> Session::call(std::string_view method, boost::json::object params) {
  return result_of(m_connection.call(method, std::move(params)));
}

Outcome<boost::json::object> Session::stream(
    std::string_view method, boost::json::object params,
    const Connection::NotificationHandler& on_notification) {
  return result_of(m_connection.stream(method, std::move(params), on_notification));
}

bool Session::has(std::string_view capability) const {
  return std::find(m_capabilities.begin(), m_capabilities.end(), capability) !=
         m_capabilities.end();
}

Outcome<boost::json::object> Session::result_of(Result<protocol::Response> response) {
  if (!response) {
    return transport_failure(response.error());
  }
  if (response->is_error()) {
    return rpc_failure(response->error());
  }
  if (const auto* object = response->result().if_object()) {
    return *object;
  }
  return transport_failure(Error::protocol("vhtaskd answered with a result that is not an object"));
}

void Session::set_reopen(Reopen reopen, std::chrono::milliseconds reconnect_timeout) {
  m_reopen = std::move(reopen);
  m_reconnect_timeout = reconnect_timeout;
}

Outcome<boost::json::object> Session::resume(
    const std::function<Outcome<boost::json::object>()>& attempt) {
  for (;;) {
    auto result = attempt();
    if (result || !result.error().retryable || !m_reopen || m_reconnect_timeout.count() == 0) {
      return result;
    }
    VHTASK_TRY(reconnect(result.error()));
  }
}

Outcome<void> Session::reconnect(const Failure& lost) {
  using Clock = std::chrono::steady_clock;
  const double seconds = static_cast<double>(m_reconnect_timeout.count()) / 1000.0;
  std::cout.flush();
  std::cerr << "vhtask: " << lost.message << "; reconnecting (for up to " << seconds << " s)\n"
            << std::flush;
  const auto started = Clock::now();
  const auto deadline = started + m_reconnect_timeout;
  std::chrono::milliseconds delay{100};
  for (;;) {
    auto session = m_reopen();
    if (session) {
      m_connection = std::move(session->m_connection);
      m_capabilities = std::move(session->m_capabilities);
      const auto took =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
      std::cerr << "vhtask: reconnected to vhtaskd (" << m_connection.socket_path() << ") after "
                << took << " ms\n"
                << std::flush;
      return {};
    }
    const auto now = Clock::now();
    if (!session.error().retryable || now >= deadline) {
      Failure failure = session.error();
      failure.retryable = false;
      if (now >= deadline) {
        failure.message = fmt::format("lost vhtaskd and could not reconnect within {:.1f} s: {}",
                                      seconds, failure.message);
        failure.hint = "start vhtaskd again, or raise $VHTASK_RECONNECT_TIMEOUT_MS";
      }
      return failure;
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(delay, deadline - now));
    delay = std::min(delay * 2, std::chrono::milliseconds(1'000));
  }
}

Outcome<Session> open_session(const GlobalOptions& global, std::vector<std::string> required,
                              std::vector<std::string> optional) {
  const auto options = autostart_options(global);
  auto fd = VHTASK_TRY(connect_or_autostart(options));
  Connection connection(std::move(fd), options.socket_path);
  // A daemon that accepted but never answers must not hang the command: bound the handshake.
  connection.set_timeout(options.timeout);
  auto capabilities = VHTASK_TRY(handshake(connection, required, optional));
  connection.set_timeout(std::nullopt);
  Session session(std::move(connection), std::move(capabilities));
  session.set_reopen(
      [global, required = std::move(required), optional = std::move(optional)] {
        return open_session(global, required, optional);
      },
      reconnect_timeout_from_env());
  return session;
}

std::chrono::milliseconds reconnect_timeout_from_env() {
  const std::chrono::milliseconds fallback{30'000};
  const char* text = std::getenv("VHTASK_RECONNECT_TIMEOUT_MS");
  if (text == nullptr) {
    return fallback;
  }
  long long value = 0;
  const char* end = text + std::strlen(text);
  const auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || value < 0) {
    return fallback;
  }
  return std::chrono::milliseconds(value);
}

Failure rpc_failure(const protocol::RpcError& error) {
  switch (error.code) {
    case protocol::k_not_found:
      return Failure::usage(error.message,
                            "list tasks with `vhtask status` and a task's executions with "
                            "`vhtask status TASK`");
    case protocol::k_invalid_argument:
      return Failure::usage(error.message,
                            "nothing was changed; correct the request and run the command again");
    case protocol::k_invalid_params:
      return Failure::usage("vhtaskd refused the request: " + error.message, k_restart_hint);
    case protocol::k_io_error:
    case protocol::k_spawn_error:
      return Failure::usage(error.message);
    case protocol::k_unsupported:
      return Failure::usage(error.message, k_restart_hint);
    case protocol::k_message_too_large:
      return Failure::unreachable(error.message, k_too_large_hint);
    case protocol::k_overloaded:
      return Failure::unreachable(error.message,
                                  "retry in a moment; if it persists, close other clients or raise "
                                  "vhtaskd's open-file limit (LimitNOFILE= in its unit)");
    case protocol::k_shutting_down:
      return Failure::lost(error.message,
                           "vhtaskd is shutting down; run the command again once it has "
                           "exited (it is then started again)");
    default:
      return Failure::unreachable(
          fmt::format("vhtaskd failed (error {}): {}", error.code, error.message),
          k_daemon_fault_hint);
  }
}

Failure transport_failure(const Error& error) {
  if (error.code == Error::Code::invalid_argument) {
    return Failure::usage(error.message, "make the request smaller");
  }
  if (error.code == Error::Code::protocol && error.cause == EMSGSIZE) {
    return Failure::unreachable(error.message, k_too_large_hint);
  }
  if (error.code == Error::Code::protocol) {
    return Failure::unreachable(error.message, k_restart_hint);
  }
  return Failure::lost(error.message, "check that vhtaskd is running (`vhtask status` starts it)");
}

}  // namespace vhtask::client::rpc
