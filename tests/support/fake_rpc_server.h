#pragma once

// FakeRpcServer: a tiny JSON-RPC server for client tests, standing in for vhtaskd. It listens
// on a Unix socket (bound in the constructor, so clients may connect at once), serves one
// connection at a time on its own thread, records every request, and answers each with the
// lines its handler returns: results, errors, notifications, or deliberately broken bytes.
// `version` is answered by default with every capability unless the handler answers it.
//
// Thread: construct and destroy on the test's thread; requests() may be called from any
// thread. The destructor stops the server thread and removes the socket.

#include "common/protocol/json_rpc.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace vhtask::test {

struct FakeReply {
  std::vector<std::string> lines;  // each written followed by '\n' (may be any bytes)
  bool close = false;              // close the connection after writing
};

class FakeRpcServer {
public:
  // Returns the reply to a request, or nullopt for the default (version → capabilities,
  // anything else → -32601).
  using Handler = std::function<std::optional<FakeReply>(const common::protocol::Request&)>;

  FakeRpcServer(std::string socket_path, Handler handler);
  FakeRpcServer(const FakeRpcServer&) = delete;
  FakeRpcServer& operator=(const FakeRpcServer&) = delete;
  ~FakeRpcServer();

  const std::string& socket_path() const { return m_socket_path; }

  // The capabilities the default `version` reply lists.
  void set_capabilities(std::vector<std::string> capabilities);

  // Every request received so far, in order (version included).
  std::vector<common::protocol::Request> requests() const;
  // The params of the last request with `method`; an empty object if there was none.
  boost::json::object last_params(const std::string& method) const;

  // Lines to put in a FakeReply.
  static std::string result(const common::protocol::Request& request, boost::json::value value);
  static std::string error(const common::protocol::Request& request, int code, std::string message);
  static std::string notification(std::string method, boost::json::object params);

private:
  void serve();
  void serve_connection(int fd);
  FakeReply default_reply(const common::protocol::Request& request) const;

  // Constant after construction.
  std::string m_socket_path;
  Handler m_handler;
  int m_listen_fd = -1;
  int m_wake[2] = {-1, -1};  // written by the destructor to stop the thread

  mutable std::mutex m_mutex;
  std::vector<common::protocol::Request> m_requests;  // guarded by m_mutex
  std::vector<std::string> m_capabilities;            // guarded by m_mutex

  std::thread m_thread;  // last: started once everything above is ready
};

}  // namespace vhtask::test
