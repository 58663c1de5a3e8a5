#include "common/protocol/json_rpc.h"

#include "common/protocol/json_duplicate_keys.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace vhtask::common::protocol {

namespace json = boost::json;

namespace {

bool is_valid_id(const json::value& id) {
  return id.is_string() || id.is_number() || id.is_null();
}

// True if `root` holds a number that is not finite. Iterative: nesting depth is the parser's.
bool has_non_finite(const json::value& root) {
  std::vector<const json::value*> pending{&root};
  while (!pending.empty()) {
    const auto* value = pending.back();
    pending.pop_back();
    if (value->is_double() && !std::isfinite(value->get_double())) {
      return true;
    }
    if (value->is_array()) {
      for (const auto& item : value->get_array()) {
        pending.push_back(&item);
      }
    } else if (value->is_object()) {
      for (const auto& [key, item] : value->get_object()) {
        pending.push_back(&item);
      }
    }
  }
  return false;
}

// The message as an object, or why it is not JSON / not an object.
std::variant<json::object, RpcError> parse_object(std::string_view line) {
  boost::system::error_code ec;
  json::value value = json::parse(json::string_view(line.data(), line.size()), ec);
  if (ec) {
    return RpcError::parse_error(fmt::format("invalid JSON: {}", ec.message()));
  }
  if (has_non_finite(value)) {
    // 1e999 parses as infinity, which JSON cannot write back: refuse it here, or the reply to
    // such an id would be unreadable (found by fuzz/json_rpc_fuzzer).
    return RpcError::parse_error("invalid JSON: a number is too large for a double");
  }
  if (value.is_array()) {
    return RpcError::invalid_request("batch requests are not supported; send one object per line");
  }
  if (!value.is_object()) {
    return RpcError::invalid_request("a message must be a JSON object");
  }
  return std::move(value.as_object());
}

// The error for a message whose key at `path` is repeated.
RpcError duplicate_key_error(const std::string& path) {
  return RpcError::invalid_request(
      fmt::format("duplicate key \"{}\": a key may appear only once in an object", path));
}

bool has_version(const json::object& message) {
  const auto* version = message.if_contains("jsonrpc");
  return version != nullptr && version->is_string() && version->as_string() == "2.0";
}

json::object envelope() {
  json::object message;
  message["jsonrpc"] = "2.0";
  return message;
}

std::string to_line(const json::object& message) {
  std::string line = json::serialize(message);
  line.push_back('\n');
  return line;
}

json::object error_object(const RpcError& error) {
  json::object object;
  object["code"] = error.code;
  object["message"] = error.message;
  if (!error.data.is_null()) {
    object["data"] = error.data;
  }
  return object;
}

}  // namespace

RpcError RpcError::method_not_found(std::string_view method) {
  return {k_method_not_found, fmt::format("method not found: {}", method), {}};
}

Response make_result(json::value id, json::value result) {
  return Response{std::move(id), std::move(result)};
}

Response make_error(json::value id, RpcError error) {
  return Response{std::move(id), std::move(error)};
}

std::variant<Request, Response> parse_request(std::string_view line) {
  auto parsed = parse_object(line);
  if (auto* error = std::get_if<RpcError>(&parsed)) {
    return make_error(nullptr, std::move(*error));
  }
  auto& message = std::get<json::object>(parsed);

  // Read the id first, so every later error can be answered to it.
  Request request;
  if (const auto* id = message.if_contains("id")) {
    if (!is_valid_id(*id)) {
      return make_error(nullptr,
                        RpcError::invalid_request("\"id\" must be a string, number or null"));
    }
    request.id = *id;
  }
  if (const auto duplicate = find_duplicate_key(line)) {
    // A repeated "id" leaves no id to answer to.
    return make_error(*duplicate == "id" ? json::value(nullptr) : request.id.value_or(nullptr),
                      duplicate_key_error(*duplicate));
  }
  const json::value reply_id = request.id.value_or(nullptr);
  if (!has_version(message)) {
    return make_error(reply_id, RpcError::invalid_request("\"jsonrpc\" must be \"2.0\""));
  }
  const auto* method = message.if_contains("method");
  if (method == nullptr || !method->is_string()) {
    return make_error(reply_id, RpcError::invalid_request("\"method\" must be a string"));
  }
  request.method = std::string(method->as_string());
  if (const auto* params = message.if_contains("params")) {
    if (params->is_array()) {
      return make_error(reply_id, RpcError::invalid_params(
                                      "\"params\" must be an object; positional params are not "
                                      "supported"));
    }
    if (!params->is_object()) {
      return make_error(reply_id, RpcError::invalid_request("\"params\" must be an object"));
    }
    request.params = params->as_object();
  }
  return request;
}

Result<std::variant<Response, Notification>> parse_server_message(std::string_view line) {
  auto parsed = parse_object(line);
  if (auto* error = std::get_if<RpcError>(&parsed)) {
    return Error::protocol(fmt::format("bad message from vhtaskd: {}", error->message));
  }
  const auto& message = std::get<json::object>(parsed);
  if (const auto duplicate = find_duplicate_key(line)) {
    return Error::protocol(
        fmt::format("bad message from vhtaskd: {}", duplicate_key_error(*duplicate).message));
  }
  if (!has_version(message)) {
    return Error::protocol("bad message from vhtaskd: \"jsonrpc\" is not \"2.0\"");
  }
  const auto* id = message.if_contains("id");
  const auto* method = message.if_contains("method");
  if (id == nullptr && method != nullptr && method->is_string()) {
    Notification notification{std::string(method->as_string()), {}};
    if (const auto* params = message.if_contains("params"); params != nullptr) {
      if (!params->is_object()) {
        return Error::protocol("bad notification from vhtaskd: \"params\" is not an object");
      }
      notification.params = params->as_object();
    }
    return notification;
  }
  if (id == nullptr || !is_valid_id(*id)) {
    return Error::protocol("bad message from vhtaskd: neither a response nor a notification");
  }
  if (const auto* result = message.if_contains("result")) {
    return make_result(*id, *result);
  }
  const auto* error = message.if_contains("error");
  const json::object* fields = error != nullptr ? error->if_object() : nullptr;
  const json::value* code = fields != nullptr ? fields->if_contains("code") : nullptr;
  const json::value* text = fields != nullptr ? fields->if_contains("message") : nullptr;
  if (code == nullptr || !code->is_int64() || text == nullptr || !text->is_string()) {
    return Error::protocol("bad response from vhtaskd: no \"result\" and no valid \"error\"");
  }
  RpcError rpc_error{static_cast<int>(code->as_int64()), std::string(text->as_string()), {}};
  if (const auto* data = fields->if_contains("data")) {
    rpc_error.data = *data;
  }
  return make_error(*id, std::move(rpc_error));
}

std::string serialize(const Request& request) {
  auto message = envelope();
  if (request.id) {
    message["id"] = *request.id;
  }
  message["method"] = request.method;
  message["params"] = request.params;
  return to_line(message);
}

std::string serialize(const Response& response) {
  auto message = envelope();
  message["id"] = response.id;
  if (response.is_error()) {
    message["error"] = error_object(response.error());
  } else {
    message["result"] = response.result();
  }
  return to_line(message);
}

std::string serialize(const Notification& notification) {
  auto message = envelope();
  message["method"] = notification.method;
  message["params"] = notification.params;
  return to_line(message);
}

}  // namespace vhtask::common::protocol
