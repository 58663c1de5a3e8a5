#pragma once

// Connection: one client connection to vhtaskd over its Unix socket, speaking the JSON-RPC 2.0
// of schema/protocol.md with blocking I/O and poll() deadlines. It sends one request at a time
// and reads until that request's response arrives, handing the notifications of a stream to a
// callback on the way.
//
// connect_unix() is the raw connect used by autostart (client/rpc/autostart.h); most callers get a
// ready Connection from open_session() (client/rpc/session.h).
//
// Ownership and thread: owned by the command that opened it; used from one thread only.

#include "client/rpc/unique_fd.h"
#include "common/protocol/json_rpc.h"
#include "common/protocol/json_rpc_framing.h"
#include "common/result.h"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace vhtask::client::rpc {

// One attempt at connecting: a connected socket, or the errno of the failure (ENOENT when no
// socket file exists, ECONNREFUSED when nobody listens on it, ENAMETOOLONG for a path over the
// sockaddr_un limit, ...).
struct ConnectAttempt {
  UniqueFd fd;
  int error = 0;
};

// Connects a SOCK_STREAM socket (close-on-exec) to `path`. Never blocks for long: connecting to
// a Unix socket either succeeds or fails at once.
ConnectAttempt connect_unix(const std::string& path);

class Connection {
public:
  using NotificationHandler = std::function<void(const common::protocol::Notification&)>;

  // REQUIRES: `fd` is a connected stream socket.
  explicit Connection(UniqueFd fd, std::string socket_path = {});

  // Sends `method` with `params` and waits for its response, which may be an error response
  // (the caller maps it). Fails with Error::io when the connection breaks, is closed or the
  // timeout passes, Error::protocol when the daemon sends something that is not JSON-RPC or
  // a message over 1 MiB, and Error::invalid_argument (nothing sent) when the request itself
  // would be over 1 MiB. Notifications that arrive meanwhile are ignored.
  Result<common::protocol::Response> call(std::string_view method, boost::json::object params);

  // Like call(), for a stream: every notification that names this request (params.request) or
  // names none is passed to `on_notification` as it arrives; returns the final response.
  Result<common::protocol::Response> stream(std::string_view method, boost::json::object params,
                                            const NotificationHandler& on_notification);

  // The longest wait for any one message; nullopt (the default) waits for ever, as `wait` and
  // `logs -f` must. The whole call may take longer while messages keep coming.
  void set_timeout(std::optional<std::chrono::milliseconds> timeout) { m_timeout = timeout; }

  const std::string& socket_path() const { return m_socket_path; }

private:
  Result<void> send_all(std::string_view bytes);
  Result<std::variant<common::protocol::Response, common::protocol::Notification>> read_message();

  // Constant after construction.
  UniqueFd m_fd;
  std::string m_socket_path;

  // Mutable state of the connection.
  common::protocol::LineBuffer m_buffer;
  std::int64_t m_next_id = 1;
  std::optional<std::chrono::milliseconds> m_timeout;
};

}  // namespace vhtask::client::rpc
