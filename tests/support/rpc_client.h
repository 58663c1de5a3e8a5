#pragma once

// RpcClient: a blocking JSON-RPC client for tests, speaking to a real vhtaskd. Sends raw lines
// or requests, and reads responses with a deadline; notifications that arrive before a
// response are kept for the caller. Single-threaded; owned by the test.

#include <boost/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::test {

class RpcClient {
public:
  // Connects to `socket_path`; check connected() (a test asserts on it).
  explicit RpcClient(const std::string& socket_path);
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;
  ~RpcClient();

  bool connected() const { return m_fd >= 0; }

  // Writes bytes as they are (a test of malformed input adds its own '\n').
  bool send_raw(const std::string& bytes);
  // Sends {"jsonrpc":"2.0","id":ID,"method":M,"params":P} and returns the response with that id
  // (the whole message object), or nullopt at the deadline or on EOF.
  std::optional<boost::json::object> call(
      const std::string& method, boost::json::object params,
      std::chrono::milliseconds deadline = std::chrono::seconds(30));
  // Sends a request without waiting; returns its id.
  std::int64_t send(const std::string& method, boost::json::object params);
  // The next message (response or notification), or nullopt at the deadline / EOF.
  std::optional<boost::json::object> next_message(std::chrono::milliseconds deadline);
  // Reads messages until the response to `id`; notifications seen meanwhile go to `notes`.
  std::optional<boost::json::object> wait_response(
      std::int64_t id, std::chrono::milliseconds deadline,
      std::vector<boost::json::object>* notes = nullptr);

private:
  int m_fd = -1;
  std::int64_t m_next_id = 1;
  std::string m_buffer;
};

}  // namespace vhtask::test
