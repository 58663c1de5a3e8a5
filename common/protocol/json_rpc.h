#pragma once

// JSON-RPC 2.0 messages as vhtask sends them, one JSON object per line (schema/protocol.md):
// parsing a client's request line into a Request or the error Response to send back, parsing a
// server line on the client side, and serialising each message kind to one '\n'-terminated line.
// Framing (splitting a byte stream into lines) is common/protocol/json_rpc_framing.h.
//
// Plain functions and value types; no thread restrictions. Nothing here throws: malformed input
// becomes an error Response (server side) or an Error (client side).

#include "common/result.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace vhtask::common::protocol {

// The error codes JSON-RPC 2.0 defines. Application codes (-32000..-32099) are in
// common/protocol/protocol.h.
inline constexpr int k_parse_error = -32700;
inline constexpr int k_invalid_request = -32600;
inline constexpr int k_method_not_found = -32601;
inline constexpr int k_invalid_params = -32602;
inline constexpr int k_internal_error = -32603;

// The "error" member of a Response. `data` is omitted from the wire when null.
struct RpcError {
  int code = k_internal_error;
  std::string message;
  boost::json::value data;

  static RpcError parse_error(std::string msg) { return {k_parse_error, std::move(msg), {}}; }
  static RpcError invalid_request(std::string msg) {
    return {k_invalid_request, std::move(msg), {}};
  }
  static RpcError method_not_found(std::string_view method);
  static RpcError invalid_params(std::string msg) { return {k_invalid_params, std::move(msg), {}}; }
  static RpcError internal_error(std::string msg) { return {k_internal_error, std::move(msg), {}}; }
};

// A call from the client. `id` is a string, a number or null exactly as sent, so the response
// echoes it unchanged; it is absent (nullopt) for a notification, which gets no response.
struct Request {
  std::optional<boost::json::value> id;
  std::string method;
  // Always an object: an absent "params" reads as {}. Positional (array) params are refused.
  boost::json::object params;

  bool is_notification() const { return !id.has_value(); }
};

// The reply to one Request: exactly one of a result and an error. `id` is null when the
// request's id could not be read (parse error, invalid request).
struct Response {
  boost::json::value id;
  std::variant<boost::json::value, RpcError> outcome;

  bool is_error() const { return std::holds_alternative<RpcError>(outcome); }
  const boost::json::value& result() const { return std::get<boost::json::value>(outcome); }
  const RpcError& error() const { return std::get<RpcError>(outcome); }
};

// A message without an id: from the server, one event of a stream (log lines, status updates)
// that ends with the Response to the request that opened it.
struct Notification {
  std::string method;
  boost::json::object params;
};

Response make_result(boost::json::value id, boost::json::value result);
Response make_error(boost::json::value id, RpcError error);

// Server side: one line (without its '\n') from a client. Invalid JSON gives a -32700 Response,
// a batch or a malformed request a -32600 one, non-object params a -32602 one; the caller sends
// it back (unless the malformed message was a notification) and keeps reading.
std::variant<Request, Response> parse_request(std::string_view line);

// Client side: one line from the server. Fails with Error::protocol on anything that is neither
// a Response nor a Notification.
Result<std::variant<Response, Notification>> parse_server_message(std::string_view line);

// Each returns one line of compact JSON ending in '\n', with "jsonrpc":"2.0". JSON never
// contains a raw newline (strings escape it), so the line is the whole message.
std::string serialize(const Request& request);
std::string serialize(const Response& response);
std::string serialize(const Notification& notification);

}  // namespace vhtask::common::protocol
