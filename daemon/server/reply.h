#pragma once

// Reply: the answer to one request, possibly given later. A handler either answers at once
// (result/fail) or keeps the Reply and sends notifications first (a stream: `logs -f`, `status
// --watch`, `wait`) and the final result when the stream ends. After the final answer the
// Reply is inert. If the client goes away first, the on_disconnect callback runs once so the
// stream can release what it holds.
//
// Ownership and thread: shared by the handler that keeps it and its Connection (which holds it
// weakly); io_context thread only.

#include "common/protocol/json_rpc.h"
#include "common/result.h"

#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vhtask::daemon::server {

class Connection;

class Reply {
public:
  // `id` is nullopt for a JSON-RPC notification: it gets no answer at all.
  Reply(std::weak_ptr<Connection> connection, std::optional<boost::json::value> id);
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;

  // One event of a stream: a notification whose params carry {"request": <id>}.
  void notify(std::string_view method, boost::json::object params);
  // The final answer.
  void result(boost::json::value value);
  void fail(const Error& error);             // mapped with protocol::to_rpc_error
  void invalid_params(std::string message);  // -32602: the params could not be decoded
  void rpc_error(common::protocol::RpcError error);

  bool finished() const { return m_finished; }
  bool connected() const;

  // Backpressure for streams (daemon/server/connection.h): true while the client has not read what
  // was sent; the stream should then produce nothing more and ask when_drained().
  bool congested() const;
  // Runs `callback` once the connection's queue has drained (dropped if it closes first).
  void when_drained(std::function<void()> callback);

  // Runs once if the connection closes before the final answer. Replaces an earlier callback.
  void on_disconnect(std::function<void()> callback) { m_on_disconnect = std::move(callback); }
  // Called by the Connection when it closes.
  void disconnected();

private:
  void send(std::string line);

  std::weak_ptr<Connection> m_connection;
  std::optional<boost::json::value> m_id;
  bool m_finished = false;
  std::function<void()> m_on_disconnect;
};

}  // namespace vhtask::daemon::server
