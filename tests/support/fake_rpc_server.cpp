#include "tests/support/fake_rpc_server.h"

#include "common/protocol/json_rpc_framing.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <variant>

namespace vhtask::test {

namespace protocol = common::protocol;

namespace {

void write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;  // the client went away; nothing to tell it
    }
    done += static_cast<std::size_t>(n);
  }
}

std::string without_newline(std::string line) {
  if (!line.empty() && line.back() == '\n') {
    line.pop_back();
  }
  return line;
}

}  // namespace

FakeRpcServer::FakeRpcServer(std::string socket_path, Handler handler)
    : m_socket_path(std::move(socket_path)), m_handler(std::move(handler)) {
  m_capabilities = {"cmd-version",  "cmd-start",   "cmd-status",  "cmd-show",     "cmd-logs",
                    "cmd-rerun",    "cmd-wait",    "cmd-stop",    "cmd-parallel", "cmd-shutdown",
                    "status-watch", "logs-follow", "cmd-compare", "byte-paging"};
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (m_socket_path.size() >= sizeof(addr.sun_path)) {
    throw std::runtime_error("socket path too long: " + m_socket_path);
  }
  std::memcpy(addr.sun_path, m_socket_path.c_str(), m_socket_path.size() + 1);
  m_listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_listen_fd < 0 ||
      ::bind(m_listen_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(m_listen_fd, 8) != 0 || ::pipe2(m_wake, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("FakeRpcServer: ") + std::strerror(errno));
  }
  m_thread = std::thread([this] { serve(); });
}

FakeRpcServer::~FakeRpcServer() {
  const char byte = 'x';
  [[maybe_unused]] const ssize_t n = ::write(m_wake[1], &byte, 1);
  m_thread.join();
  ::close(m_listen_fd);
  ::close(m_wake[0]);
  ::close(m_wake[1]);
  ::unlink(m_socket_path.c_str());
}

void FakeRpcServer::set_capabilities(std::vector<std::string> capabilities) {
  std::lock_guard lock(m_mutex);
  m_capabilities = std::move(capabilities);
}

std::vector<protocol::Request> FakeRpcServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

boost::json::object FakeRpcServer::last_params(const std::string& method) const {
  std::lock_guard lock(m_mutex);
  for (auto it = m_requests.rbegin(); it != m_requests.rend(); ++it) {
    if (it->method == method) {
      return it->params;
    }
  }
  return {};
}

std::string FakeRpcServer::result(const protocol::Request& request, boost::json::value value) {
  return without_newline(
      protocol::serialize(protocol::make_result(request.id.value_or(nullptr), std::move(value))));
}

std::string FakeRpcServer::error(const protocol::Request& request, int code, std::string message) {
  return without_newline(protocol::serialize(protocol::make_error(
      request.id.value_or(nullptr), protocol::RpcError{code, std::move(message), {}})));
}

std::string FakeRpcServer::notification(std::string method, boost::json::object params) {
  return without_newline(
      protocol::serialize(protocol::Notification{std::move(method), std::move(params)}));
}

FakeReply FakeRpcServer::default_reply(const protocol::Request& request) const {
  if (request.method == "version") {
    boost::json::array capabilities;
    {
      std::lock_guard lock(m_mutex);
      for (const auto& name : m_capabilities) {
        capabilities.emplace_back(name);
      }
    }
    return {{result(
        request,
        {{"protocol", 1}, {"server", "fake vhtaskd"}, {"capabilities", std::move(capabilities)}})}};
  }
  return {{error(request, protocol::k_method_not_found, "no method " + request.method)}};
}

void FakeRpcServer::serve() {
  for (;;) {
    pollfd fds[2] = {{m_listen_fd, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    if (fds[1].revents != 0) {
      return;
    }
    const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      serve_connection(fd);
      ::close(fd);
    }
  }
}

void FakeRpcServer::serve_connection(int fd) {
  protocol::LineBuffer buffer;
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    if (fds[1].revents != 0) {
      return;
    }
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      return;
    }
    buffer.append(std::string_view(chunk, static_cast<std::size_t>(n)));
    while (auto frame = buffer.next()) {
      auto parsed = protocol::parse_request(frame->text);
      auto* request = std::get_if<protocol::Request>(&parsed);
      if (request == nullptr) {
        continue;
      }
      {
        std::lock_guard lock(m_mutex);
        m_requests.push_back(*request);
      }
      auto reply = m_handler ? m_handler(*request) : std::nullopt;
      if (!reply) {
        reply = default_reply(*request);
      }
      for (const auto& line : reply->lines) {
        write_all(fd, line + "\n");
      }
      if (reply->close) {
        return;
      }
    }
  }
}

}  // namespace vhtask::test
