#pragma once

// Connection: one client on the daemon's Unix socket. Reads newline-delimited JSON-RPC
// (common/protocol/json_rpc_framing.h), answers malformed lines itself, hands requests to the
// dispatcher, and writes answers in order. A bad message never closes the connection; a closed
// socket ends it and tells the streams that still hold Replies.
//
// Backpressure: what waits to be written is bounded by the client's reading, not by what the
// daemon could produce. While more than k_high_water bytes are queued the connection is
// *congested*: it reads no further requests, and streams (a `logs` follower, `status --watch`)
// produce nothing more but register when_drained() callbacks, which run once the queue has
// fallen to k_low_water by write completions. So a client that stops reading costs the daemon
// at most k_high_water plus one message (each under 1 MiB) however long its stream is.
//
// Ownership and thread: owned by shared_ptr (itself, while reads or writes are pending; Replies
// hold it weakly); io_context thread only.

#include "common/protocol/json_rpc.h"
#include "common/protocol/json_rpc_framing.h"
#include "daemon/server/reply.h"

#include <boost/asio/local/stream_protocol.hpp>

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vhtask::daemon::server {

// Called for every well-formed request; answers through the Reply, now or later.
using Dispatch = std::function<void(const common::protocol::Request&, std::shared_ptr<Reply>)>;

class Connection : public std::enable_shared_from_this<Connection> {
public:
  Connection(boost::asio::local::stream_protocol::socket socket, const Dispatch& dispatch);

  // Starts reading. The connection lives until the peer closes or close() is called.
  void start();
  // Queues one complete line ('\n'-terminated) for writing.
  void send(std::string line);
  // Closes the socket; pending streams are told (Reply::on_disconnect).
  void close();
  // Stops reading and closes once everything queued has been written; streams get no more
  // when_drained() calls.
  void close_when_flushed();
  // Runs once when the connection closes (the Server counts open connections with it).
  void on_closed(std::function<void()> callback) { m_on_closed = std::move(callback); }
  bool is_open() const { return m_open; }

  // Keeps `reply` informed of the close (streams only; one-shot replies need not register).
  void track(const std::shared_ptr<Reply>& reply);

  static constexpr std::size_t k_high_water = 256 * 1024;
  static constexpr std::size_t k_low_water = 64 * 1024;
  // True while more than k_high_water bytes wait to be written.
  bool congested() const { return m_queued_bytes > k_high_water; }
  std::size_t queued_bytes() const { return m_queued_bytes; }
  // Runs `callback` once the queue has drained to k_low_water (at once, later on the io_context,
  // if it already has). Dropped unrun if the connection closes (or is closing) first.
  void when_drained(std::function<void()> callback);

private:
  void read_more();
  void handle(const common::protocol::Frame& frame);
  void write_next();
  void on_written();

  boost::asio::local::stream_protocol::socket m_socket;
  const Dispatch& m_dispatch;
  common::protocol::LineBuffer m_lines;
  std::array<char, 64 * 1024> m_buffer{};
  std::deque<std::string> m_outbox;
  std::size_t m_queued_bytes = 0;  // the bytes of m_outbox
  std::vector<std::function<void()>> m_drain_waiters;
  bool m_read_paused = false;  // congested: the next read waits for the queue to drain
  bool m_writing = false;
  bool m_open = true;
  bool m_close_after_flush = false;
  std::function<void()> m_on_closed;
  std::vector<std::weak_ptr<Reply>> m_streams;
};

}  // namespace vhtask::daemon::server
