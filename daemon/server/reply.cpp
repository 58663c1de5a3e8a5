#include "daemon/server/reply.h"

#include "common/protocol/protocol.h"
#include "daemon/server/connection.h"

namespace vhtask::daemon::server {

namespace protocol = common::protocol;

Reply::Reply(std::weak_ptr<Connection> connection, std::optional<boost::json::value> id)
    : m_connection(std::move(connection)), m_id(std::move(id)) {}

bool Reply::connected() const {
  const auto connection = m_connection.lock();
  return connection && connection->is_open();
}

bool Reply::congested() const {
  const auto connection = m_connection.lock();
  return connection && connection->congested();
}

void Reply::when_drained(std::function<void()> callback) {
  if (const auto connection = m_connection.lock()) {
    connection->when_drained(std::move(callback));
  }
}

void Reply::send(std::string line) {
  if (const auto connection = m_connection.lock()) {
    connection->send(std::move(line));
  }
}

void Reply::notify(std::string_view method, boost::json::object params) {
  if (m_finished || !m_id) {
    return;
  }
  params["request"] = *m_id;
  send(protocol::serialize(protocol::Notification{std::string(method), std::move(params)}));
}

void Reply::result(boost::json::value value) {
  if (m_finished) {
    return;
  }
  m_finished = true;
  if (m_id) {
    send(protocol::serialize(protocol::make_result(*m_id, std::move(value))));
  }
}

void Reply::fail(const Error& error) {
  if (m_finished) {
    return;
  }
  m_finished = true;
  if (m_id) {
    send(protocol::serialize(protocol::make_error(*m_id, common::protocol::to_rpc_error(error))));
  }
}

void Reply::invalid_params(std::string message) {
  rpc_error(protocol::RpcError::invalid_params(std::move(message)));
}

void Reply::rpc_error(protocol::RpcError error) {
  if (m_finished) {
    return;
  }
  m_finished = true;
  if (m_id) {
    send(protocol::serialize(protocol::make_error(*m_id, std::move(error))));
  }
}

void Reply::disconnected() {
  if (m_finished) {
    return;
  }
  m_finished = true;
  if (auto callback = std::move(m_on_disconnect)) {
    callback();
  }
}

}  // namespace vhtask::daemon::server
