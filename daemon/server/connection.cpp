#include "daemon/server/connection.h"

#include "common/protocol/protocol.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

namespace vhtask::daemon::server {

namespace protocol = common::protocol;

Connection::Connection(boost::asio::local::stream_protocol::socket socket, const Dispatch& dispatch)
    : m_socket(std::move(socket)), m_dispatch(dispatch) {}

void Connection::start() {
  read_more();
}

void Connection::read_more() {
  m_socket.async_read_some(
      boost::asio::buffer(m_buffer),
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
        if (ec) {
          self->close();
          return;
        }
        self->m_lines.append(std::string_view(self->m_buffer.data(), n));
        while (auto frame = self->m_lines.next()) {
          self->handle(*frame);
          if (!self->m_open) {
            return;
          }
        }
        if (self->congested()) {
          // A client that sends requests but does not read the answers: stop reading until it
          // does, so its answers cannot pile up here.
          self->m_read_paused = true;
          return;
        }
        self->read_more();
      });
}

void Connection::handle(const protocol::Frame& frame) {
  if (frame.kind == protocol::Frame::Kind::oversize) {
    send(protocol::serialize(common::protocol::message_too_large_response()));
    return;
  }
  auto parsed = protocol::parse_request(frame.text);
  if (auto* error = std::get_if<protocol::Response>(&parsed)) {
    send(protocol::serialize(*error));
    return;
  }
  auto& request = std::get<protocol::Request>(parsed);
  auto reply = std::make_shared<Reply>(weak_from_this(), request.id);
  m_dispatch(request, reply);
  if (!reply->finished()) {
    track(reply);
  }
}

void Connection::track(const std::shared_ptr<Reply>& reply) {
  // Forget streams that ended, so a long-lived connection does not accumulate them.
  std::erase_if(m_streams, [](const std::weak_ptr<Reply>& weak) {
    const auto held = weak.lock();
    return !held || held->finished();
  });
  m_streams.push_back(reply);
}

void Connection::send(std::string line) {
  if (!m_open) {
    return;
  }
  m_queued_bytes += line.size();
  m_outbox.push_back(std::move(line));
  if (!m_writing) {
    write_next();
  }
}

void Connection::close_when_flushed() {
  m_close_after_flush = true;
  m_drain_waiters.clear();  // streams send nothing more: what is queued is the last
  if (!m_writing) {
    close();
  }
}

void Connection::write_next() {
  if (m_outbox.empty() || !m_open) {
    m_writing = false;
    if (m_close_after_flush) {
      close();
    }
    return;
  }
  m_writing = true;
  boost::asio::async_write(
      m_socket, boost::asio::buffer(m_outbox.front()),
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
        if (ec) {
          self->close();
          return;
        }
        self->m_queued_bytes -= self->m_outbox.front().size();
        self->m_outbox.pop_front();
        self->on_written();
        self->write_next();
      });
}

void Connection::on_written() {
  if (m_queued_bytes > k_low_water || !m_open) {
    return;
  }
  if (m_read_paused) {
    m_read_paused = false;
    read_more();
  }
  // A waiter may queue more (and register again): run the ones registered so far.
  auto waiters = std::move(m_drain_waiters);
  m_drain_waiters.clear();
  for (auto& waiter : waiters) {
    waiter();
    if (!m_open) {
      return;
    }
  }
}

void Connection::when_drained(std::function<void()> callback) {
  if (!m_open || m_close_after_flush) {
    return;
  }
  if (m_queued_bytes <= k_low_water) {
    boost::asio::post(m_socket.get_executor(), std::move(callback));
    return;
  }
  m_drain_waiters.push_back(std::move(callback));
}

void Connection::close() {
  if (!m_open) {
    return;
  }
  m_open = false;
  boost::system::error_code ignored;
  m_socket.shutdown(boost::asio::socket_base::shutdown_both, ignored);
  m_socket.close(ignored);
  m_drain_waiters.clear();  // they hold their streams: let them go
  auto streams = std::move(m_streams);
  for (const auto& weak : streams) {
    if (const auto reply = weak.lock()) {
      reply->disconnected();
    }
  }
  if (auto callback = std::move(m_on_closed)) {
    callback();
  }
}

}  // namespace vhtask::daemon::server
