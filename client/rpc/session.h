#pragma once

// Session: a ready conversation with vhtaskd for one command. open_session() connects (starting
// the daemon when allowed, client/rpc/autostart.h), sends `version` with the capabilities the
// command needs, and fails clearly when the daemon lacks them. call() and stream() then turn the
// daemon's answers into Outcomes: its error responses become Failures with the exit status and hint
// the user should see (see rpc_failure()).
//
// A command that may repeat its request (waiting, following a log) survives a daemon restart
// with resume(): when the connection is lost it reconnects with backoff and tries again.
//
// Ownership and thread: owned by the command; main thread only.

#include "client/rpc/connection.h"
#include "client/rpc/failure.h"
#include "client/rpc/global_options.h"
#include "common/protocol/json_rpc.h"

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::client::rpc {

class Session {
public:
  Session(Connection connection, std::vector<std::string> capabilities);

  // Sends a request and returns its result object. A daemon error response becomes the Failure
  // of rpc_failure(); a broken connection or a bad reply is exit status 3.
  Outcome<boost::json::object> call(std::string_view method, boost::json::object params);

  // The same for a stream: notifications for the request go to `on_notification` as they come.
  Outcome<boost::json::object> stream(std::string_view method, boost::json::object params,
                                      const Connection::NotificationHandler& on_notification);

  // True when the daemon advertised `capability` in its `version` reply.
  bool has(std::string_view capability) const;

  Connection& connection() { return m_connection; }

  // Runs `attempt` (which sends one request on this session); when it fails with a retryable
  // Failure (the connection was lost, or the daemon is shutting down), says so on stderr,
  // reconnects and runs it again. Reconnecting opens a new session with the same capabilities
  // (the socket is checked again), retrying with backoff (100 ms doubling to 1 s) for up to
  // `reconnect_timeout` after each loss; then the last failure is returned (exit 3). Only for
  // requests that may be sent twice: `attempt` must build its params afresh each time (a log
  // follower resumes from the offset it has printed).
  Outcome<boost::json::object> resume(const std::function<Outcome<boost::json::object>()>& attempt);

  // How to open this session again; set by open_session(). Without it resume() never retries.
  using Reopen = std::function<Outcome<Session>()>;
  void set_reopen(Reopen reopen, std::chrono::milliseconds reconnect_timeout);

private:
  Outcome<boost::json::object> result_of(Result<common::protocol::Response> response);
  Outcome<void> reconnect(const Failure& lost);

  Connection m_connection;
  std::vector<std::string> m_capabilities;  // replaced only by reconnect()
  Reopen m_reopen;
  std::chrono::milliseconds m_reconnect_timeout{0};
};

// How long resume() keeps trying to reconnect: $VHTASK_RECONNECT_TIMEOUT_MS if it is a
// non-negative integer (0: never reconnect), else 30 s.
std::chrono::milliseconds reconnect_timeout_from_env();

// Connects to the daemon named by `global` (autostarting it unless disabled) and checks that it
// has every `required` capability. `optional` ones are only asked about; test them with has().
Outcome<Session> open_session(const GlobalOptions& global, std::vector<std::string> required,
                              std::vector<std::string> optional = {});

// The Failure for a daemon error response:
//   exit 2 (the request was wrong; fix it): -32000 not found, -32001 invalid argument,
//     -32602 invalid params, -32002 I/O, -32004 spawn, -32005 unsupported;
//   exit 3 (the daemon can't serve it): -32008 shutting down, -32003 database, -32603 internal,
//     and the protocol-level codes (-32700, -32600, -32601, -32006, -32007), which mean the
//     client and daemon disagree.
// The message is the daemon's; the hint says what to do next.
Failure rpc_failure(const common::protocol::RpcError& error);

// The Failure for a transport Error (connection lost, garbage, timeout): exit 3 (retryable for a
// lost or closed connection, Error::io); for a request too large to send: exit 2.
Failure transport_failure(const Error& error);

}  // namespace vhtask::client::rpc
