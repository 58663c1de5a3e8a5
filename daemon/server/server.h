#pragma once

// Server: the daemon's Unix-socket listener. Binds the socket itself (umask 077, mode 0600,
// refusing to steal a socket another daemon still answers on) or takes one from systemd socket
// activation, accepts connections, refuses peers of another uid (SO_PEERCRED), and runs one
// Connection per client.
//
// Out of descriptors (accept fails with EMFILE or ENFILE), it does not spin: it closes a reserve
// descriptor kept for this, accepts the waiting clients one at a time and answers each with error
// -32009 ("too many connections") before closing it, reopens the reserve, and pauses accepting
// for 10 ms, doubling to 1 s while the shortage lasts; a connection that closes resumes accepting
// at once.
//
// Ownership and thread: owned by the composition root; io_context thread only.

#include "common/result.h"
#include "daemon/server/connection.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::daemon::server {

class Server {
public:
  Server(boost::asio::io_context& io, Dispatch dispatch);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // Binds and listens on `path`, creating its directory (0700). A stale socket file (nobody
  // answers) is replaced; a live one is an error naming it.
  Result<void> listen(const std::string& path);
  // Takes a listening socket from systemd (sd_listen_fds). REQUIRES: fd is a listening
  // AF_UNIX stream socket.
  Result<void> adopt(int fd);

  // Stops accepting, lets every connection finish writing what it has queued, closes them, and
  // then calls `done` (at once if there are none). A client that does not read what is queued
  // within k_flush_deadline is closed anyway. The socket file is removed if we made it.
  void stop(std::function<void()> done);

  std::size_t connections() const;

private:
  void accept_next();
  void on_accepted(boost::asio::local::stream_protocol::socket socket);
  // Out of descriptors: answers and closes the waiting clients, then pauses accepting.
  void shed_and_pause();
  void resume_accepting();
  bool peer_allowed(boost::asio::local::stream_protocol::socket& socket) const;

  static constexpr std::chrono::milliseconds k_first_pause{10};
  static constexpr std::chrono::milliseconds k_longest_pause{1000};
  static constexpr std::chrono::milliseconds k_flush_deadline{2000};

  boost::asio::io_context& m_io;
  Dispatch m_dispatch;
  boost::asio::local::stream_protocol::acceptor m_acceptor;
  std::string m_bound_path;  // empty when the socket came from systemd
  std::vector<std::weak_ptr<Connection>> m_connections;
  std::function<void()> m_on_all_closed;
  int m_reserve_fd = -1;  // /dev/null, closed for a moment to answer clients when out of fds
  boost::asio::steady_timer m_pause;
  boost::asio::steady_timer m_flush_deadline;  // stop(): closes the clients that do not read
  std::chrono::milliseconds m_next_pause = k_first_pause;
  bool m_paused = false;  // accepting waits for m_pause (or a connection closing)
};

}  // namespace vhtask::daemon::server
