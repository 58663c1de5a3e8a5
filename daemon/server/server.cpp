#include "daemon/server/server.h"

#include "common/protocol/protocol.h"
#include "daemon/store/state_dir.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::daemon::server {

using boost::asio::local::stream_protocol;

namespace {

int open_reserve() {
  return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec == boost::asio::error::no_descriptors ||
         ec == boost::system::errc::too_many_files_open_in_system;
}

}  // namespace

Server::Server(boost::asio::io_context& io, Dispatch dispatch)
    : m_io(io),
      m_dispatch(std::move(dispatch)),
      m_acceptor(io),
      m_reserve_fd(open_reserve()),
      m_pause(io),
      m_flush_deadline(io) {}

Server::~Server() {
  if (m_reserve_fd >= 0) {
    ::close(m_reserve_fd);
  }
}

Result<void> Server::listen(const std::string& path) {
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) {
    VHTASK_TRY(store::ensure_private_dir(dir.string()));
  }
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return Error::invalid_argument("socket path too long (max " +
                                   std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                                   " bytes): " + path);
  }
  boost::system::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path))) {
    stream_protocol::socket probe(m_io);
    probe.connect(stream_protocol::endpoint(path), ec);
    if (!ec) {
      return Error::io("another vhtaskd is already listening on " + path);
    }
    ::unlink(path.c_str());
  }
  const mode_t old_mask = ::umask(077);
  m_acceptor.open(stream_protocol(), ec);
  if (!ec) {
    m_acceptor.bind(stream_protocol::endpoint(path), ec);
  }
  ::umask(old_mask);
  if (!ec) {
    ::chmod(path.c_str(), 0600);
    m_acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return Error::io("cannot listen on " + path + ": " + ec.message());
  }
  ::fcntl(m_acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
  m_bound_path = path;
  accept_next();
  return {};
}

Result<void> Server::adopt(int fd) {
  boost::system::error_code ec;
  m_acceptor.assign(stream_protocol(), fd, ec);
  if (ec) {
    return Error::io("cannot use the socket systemd passed (fd " + std::to_string(fd) +
                     "): " + ec.message());
  }
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  accept_next();
  return {};
}

bool Server::peer_allowed(stream_protocol::socket& socket) const {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return false;
  }
  return cred.uid == ::geteuid();
}

void Server::accept_next() {
  m_acceptor.async_accept(
      [this](const boost::system::error_code& ec, stream_protocol::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !m_acceptor.is_open()) {
          return;
        }
        if (!ec) {
          m_next_pause = k_first_pause;
          on_accepted(std::move(socket));
          accept_next();
        } else if (ec == boost::asio::error::connection_aborted) {
          accept_next();  // that client gave up; the next one may be fine
        } else {
          // The same text each time, so the log's rate limit folds the repeats.
          spdlog::warn("accept: {}; new clients are refused until connections close", ec.message());
          if (out_of_descriptors(ec)) {
            shed_and_pause();
          } else {
            m_paused = true;
            m_pause.expires_after(m_next_pause);
            m_pause.async_wait([this](const boost::system::error_code& waited) {
              if (!waited) {
                resume_accepting();
              }
            });
          }
          m_next_pause = std::min(m_next_pause * 2, k_longest_pause);
        }
      });
}

void Server::on_accepted(stream_protocol::socket socket) {
  ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
  if (!peer_allowed(socket)) {
    spdlog::warn("refused a connection from another user");
    static const std::string k_refusal =
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32006,\"message\":"
        "\"this vhtaskd serves only its own user\"}}\n";
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(boost::asio::buffer(k_refusal), ignored);
    socket.close(ignored);
    return;
  }
  auto connection = std::make_shared<Connection>(std::move(socket), m_dispatch);
  std::erase_if(m_connections, [](const auto& weak) { return weak.expired(); });
  m_connections.push_back(connection);
  connection->on_closed([this] {
    if (m_paused) {
      resume_accepting();  // a descriptor just came free
    }
    if (m_on_all_closed && connections() == 0) {
      m_flush_deadline.cancel();
      std::exchange(m_on_all_closed, nullptr)();
    }
  });
  connection->start();
}

void Server::shed_and_pause() {
  static const std::string k_busy = fmt::format(
      "{{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{{\"code\":{},\"message\":\"vhtaskd has too "
      "many open connections (it is out of file descriptors); close some clients (such as `vhtask "
      "logs -f`) and retry\"}}}}\n",
      common::protocol::k_overloaded);
  if (m_reserve_fd >= 0) {
    ::close(m_reserve_fd);
    m_reserve_fd = -1;
  }
  // The listening socket is non-blocking (Asio's reactor made it so): this takes the clients
  // already waiting and stops at EAGAIN. Bounded, so a flood cannot hold the loop.
  for (int i = 0; i < 64; ++i) {
    const int fd =
        ::accept4(m_acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      break;
    }
    [[maybe_unused]] const ssize_t n = ::send(fd, k_busy.data(), k_busy.size(), MSG_NOSIGNAL);
    ::close(fd);
  }
  m_reserve_fd = open_reserve();
  m_paused = true;
  m_pause.expires_after(m_next_pause);
  m_pause.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      resume_accepting();
    }
  });
}

void Server::resume_accepting() {
  if (!m_paused || !m_acceptor.is_open()) {
    return;
  }
  m_paused = false;
  m_pause.cancel();
  accept_next();
}

void Server::stop(std::function<void()> done) {
  boost::system::error_code ignored;
  m_acceptor.close(ignored);
  m_pause.cancel();
  m_paused = false;
  if (!m_bound_path.empty()) {
    ::unlink(m_bound_path.c_str());
    m_bound_path.clear();
  }
  m_on_all_closed = std::move(done);
  const auto snapshot = m_connections;
  for (const auto& weak : snapshot) {
    if (const auto connection = weak.lock()) {
      connection->close_when_flushed();
    }
  }
  if (connections() == 0 && m_on_all_closed) {
    std::exchange(m_on_all_closed, nullptr)();
    return;
  }
  m_flush_deadline.expires_after(k_flush_deadline);
  m_flush_deadline.async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    const auto left = m_connections;
    for (const auto& weak : left) {
      if (const auto connection = weak.lock(); connection && connection->is_open()) {
        spdlog::warn("closing a client that did not read its last answers");
        connection->close();
      }
    }
  });
}

std::size_t Server::connections() const {
  std::size_t n = 0;
  for (const auto& weak : m_connections) {
    if (const auto connection = weak.lock(); connection && connection->is_open()) {
      ++n;
    }
  }
  return n;
}

}  // namespace vhtask::daemon::server
