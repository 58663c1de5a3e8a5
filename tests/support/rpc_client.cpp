#include "tests/support/rpc_client.h"

#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace vhtask::test {

RpcClient::RpcClient(const std::string& socket_path) {
  m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(m_fd);
    m_fd = -1;
  }
}

RpcClient::~RpcClient() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

bool RpcClient::send_raw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::int64_t RpcClient::send(const std::string& method, boost::json::object params) {
  const std::int64_t id = m_next_id++;
  boost::json::object request{
      {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
  send_raw(boost::json::serialize(request) + "\n");
  return id;
}

std::optional<boost::json::object> RpcClient::next_message(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (const auto nl = m_buffer.find('\n'); nl != std::string::npos) {
      const std::string line = m_buffer.substr(0, nl);
      m_buffer.erase(0, nl + 1);
      boost::system::error_code ec;
      auto value = boost::json::parse(line, ec);
      if (ec || !value.is_object()) {
        return boost::json::object{{"unparsable", line}};
      }
      return value.as_object();
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return std::nullopt;
    }
    pollfd pfd{m_fd, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
      continue;
    }
    char buf[65536];
    const ssize_t n = ::read(m_fd, buf, sizeof buf);
    if (n <= 0) {
      return std::nullopt;
    }
    m_buffer.append(buf, static_cast<size_t>(n));
  }
}

std::optional<boost::json::object> RpcClient::wait_response(
    std::int64_t id, std::chrono::milliseconds deadline, std::vector<boost::json::object>* notes) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    auto message = next_message(std::max(left, std::chrono::milliseconds(0)));
    if (!message) {
      return std::nullopt;
    }
    const auto* got = message->if_contains("id");
    if (got != nullptr && got->is_int64() && got->get_int64() == id) {
      return message;
    }
    if (notes != nullptr && got == nullptr) {
      notes->push_back(std::move(*message));
    }
  }
}

std::optional<boost::json::object> RpcClient::call(const std::string& method,
                                                   boost::json::object params,
                                                   std::chrono::milliseconds deadline) {
  return wait_response(send(method, std::move(params)), deadline);
}

}  // namespace vhtask::test
