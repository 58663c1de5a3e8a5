#include "tests/support/notify_socket.h"

#include <cstring>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace vhtask::test {

NotifySocket::NotifySocket(std::string path) : m_path(std::move(path)) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const int on = 1;
  if (m_path.size() >= sizeof addr.sun_path ||
      ::setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
    ::close(fd);
    return;
  }
  std::memcpy(addr.sun_path, m_path.c_str(), m_path.size() + 1);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return;
  }
  m_fd = fd;
}

NotifySocket::~NotifySocket() {
  if (m_fd >= 0) {
    ::close(m_fd);
    ::unlink(m_path.c_str());
  }
}

std::optional<NotifyMessage> NotifySocket::receive(std::chrono::milliseconds deadline) {
  if (m_fd < 0) {
    return std::nullopt;
  }
  pollfd pfd{m_fd, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(deadline.count())) <= 0) {
    return std::nullopt;
  }
  char buf[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(m_fd, &msg, MSG_DONTWAIT);
  if (n < 0) {
    return std::nullopt;
  }
  NotifyMessage message{std::string(buf, static_cast<size_t>(n)), 0};
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      ucred cred{};
      std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
      message.sender = cred.pid;
    }
  }
  return message;
}

std::optional<NotifyMessage> NotifySocket::wait_for(const std::string& line,
                                                    std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return std::nullopt;
    }
    auto message = receive(left);
    if (!message) {
      continue;
    }
    m_history.push_back(*message);
    std::istringstream lines(message->text);
    for (std::string assignment; std::getline(lines, assignment);) {
      if (assignment == line) {
        return message;
      }
    }
  }
}

}  // namespace vhtask::test
