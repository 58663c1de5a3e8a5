#include "client/rpc/connection.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace vhtask::client::rpc {

namespace protocol = common::protocol;

namespace {

constexpr std::size_t k_read_chunk = 64 * 1024;

// The id of a response as an integer, or nullopt for null / a string id.
std::optional<std::int64_t> id_number(const boost::json::value& id) {
  if (id.is_int64()) {
    return id.as_int64();
  }
  if (id.is_uint64()) {
    return static_cast<std::int64_t>(id.as_uint64());
  }
  return std::nullopt;
}

// True when a stream notification belongs to request `id`: it names it in params.request, or
// names no request at all.
bool belongs_to(const protocol::Notification& notification, std::int64_t id) {
  const auto* request = notification.params.if_contains("request");
  if (request == nullptr) {
    return true;
  }
  const auto number = id_number(*request);
  return number && *number == id;
}

}  // namespace

ConnectAttempt connect_unix(const std::string& path) {
  ConnectAttempt attempt;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    attempt.error = ENAMETOOLONG;
    return attempt;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    attempt.error = errno;
    return attempt;
  }
  int rc = 0;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    attempt.error = errno;
    return attempt;
  }
  attempt.fd = std::move(fd);
  return attempt;
}

Connection::Connection(UniqueFd fd, std::string socket_path)
    : m_fd(std::move(fd)), m_socket_path(std::move(socket_path)) {}

Result<protocol::Response> Connection::call(std::string_view method, boost::json::object params) {
  return stream(method, std::move(params), {});
}

Result<protocol::Response> Connection::stream(std::string_view method, boost::json::object params,
                                              const NotificationHandler& on_notification) {
  const std::int64_t id = m_next_id++;
  protocol::Request request{boost::json::value(id), std::string(method), std::move(params)};
  const std::string line = protocol::serialize(request);
  // The daemon would discard it unread (-32007); say so before sending.
  if (line.size() - 1 > protocol::k_max_message_bytes) {
    return Error::invalid_argument(
        fmt::format("the `{}` request is {} bytes, over the protocol's limit of {} bytes", method,
                    line.size() - 1, protocol::k_max_message_bytes));
  }
  VHTASK_TRY(send_all(line));
  for (;;) {
    auto message = VHTASK_TRY(read_message());
    if (auto* notification = std::get_if<protocol::Notification>(&message)) {
      if (on_notification && belongs_to(*notification, id)) {
        on_notification(*notification);
      }
      continue;
    }
    auto& response = std::get<protocol::Response>(message);
    // A null id answers a request the daemon could not read; ours is the only one in flight.
    if (response.id.is_null() || id_number(response.id) == id) {
      return std::move(response);
    }
  }
}

Result<void> Connection::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(m_fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Error::io(fmt::format("lost the connection to vhtaskd ({}): {}", m_socket_path,
                                   std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<std::variant<protocol::Response, protocol::Notification>> Connection::read_message() {
  for (;;) {
    if (auto frame = m_buffer.next()) {
      if (frame->kind == protocol::Frame::Kind::oversize) {
        return Error::protocol(fmt::format("vhtaskd sent a message over {} bytes; it was discarded",
                                           protocol::k_max_message_bytes))
            .with_cause(EMSGSIZE);
      }
      return protocol::parse_server_message(frame->text);
    }
    pollfd pfd{m_fd.get(), POLLIN, 0};
    const int timeout_ms = m_timeout ? static_cast<int>(m_timeout->count()) : -1;
    const int ready = ::poll(&pfd, 1, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Error::io(fmt::format("poll: {}", std::strerror(errno)));
    }
    if (ready == 0) {
      return Error::io(
          fmt::format("vhtaskd ({}) did not answer within {} ms", m_socket_path, timeout_ms));
    }
    char chunk[k_read_chunk];
    const ssize_t n = ::recv(m_fd.get(), chunk, sizeof(chunk), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return Error::io(fmt::format("lost the connection to vhtaskd ({}): {}", m_socket_path,
                                   std::strerror(errno)));
    }
    if (n == 0) {
      return Error::io(
          fmt::format("vhtaskd ({}) closed the connection before answering", m_socket_path));
    }
    m_buffer.append(std::string_view(chunk, static_cast<std::size_t>(n)));
  }
}

}  // namespace vhtask::client::rpc
