#include "common/protocol/protocol.h"

#include "common/protocol/capabilities.h"
#include "common/protocol/json_rpc_framing.h"

#include <boost/json/array.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

namespace vhtask::common::protocol {

namespace {

// Only what this build really serves: clients test capabilities, not versions.
constexpr std::array<std::string_view, 19> k_capabilities = {
    k_cap_cmd_version,  k_cap_cmd_start,    k_cap_cmd_status,     k_cap_cmd_show,
    k_cap_cmd_logs,     k_cap_cmd_rerun,    k_cap_cmd_wait,       k_cap_cmd_stop,
    k_cap_cmd_parallel, k_cap_cmd_shutdown, k_cap_logs_follow,    k_cap_status_watch,
    k_cap_cmd_compare,  k_cap_metadata,     k_cap_stop_condition, k_cap_logs_offset,
    k_cap_byte_strings, k_cap_outputs,      k_cap_byte_paging};

}  // namespace

std::span<const std::string_view> capabilities() {
  return k_capabilities;
}

bool has_capability(std::string_view name) {
  return std::find(k_capabilities.begin(), k_capabilities.end(), name) != k_capabilities.end();
}

protocol::RpcError to_rpc_error(const Error& error) {
  int code = protocol::k_internal_error;
  switch (error.code) {
    case Error::Code::not_found:
      code = k_not_found;
      break;
    case Error::Code::invalid_argument:
      code = k_invalid_argument;
      break;
    case Error::Code::io:
      code = k_io_error;
      break;
    case Error::Code::db:
      code = k_db_error;
      break;
    case Error::Code::protocol:
      code = k_protocol_error;
      break;
    case Error::Code::spawn:
      code = k_spawn_error;
      break;
    case Error::Code::unsupported:
      code = k_unsupported;
      break;
  }
  return {code, error.message, {}};
}

protocol::Response message_too_large_response() {
  return protocol::make_error(nullptr, {k_message_too_large,
                                        fmt::format("message longer than {} bytes discarded",
                                                    protocol::k_max_message_bytes),
                                        {}});
}

Result<std::vector<std::string>> parse_version_params(const boost::json::object& params) {
  std::vector<std::string> required;
  const auto* names = params.if_contains("required");
  if (names == nullptr) {
    return required;
  }
  const auto bad = Error::invalid_argument("\"required\" must be an array of capability names");
  if (!names->is_array()) {
    return bad;
  }
  for (const auto& name : names->as_array()) {
    if (!name.is_string()) {
      return bad;
    }
    required.emplace_back(name.as_string().data(), name.as_string().size());
  }
  return required;
}

Result<boost::json::object> version_result(std::span<const std::string> required) {
  std::string missing;
  for (const auto& name : required) {
    if (!has_capability(name)) {
      missing += missing.empty() ? name : ", " + name;
    }
  }
  if (!missing.empty()) {
    return Error::unsupported(
        fmt::format("vhtaskd {} lacks required capabilities: {}", VHTASK_VERSION, missing));
  }
  boost::json::array names;
  for (const auto name : k_capabilities) {
    names.emplace_back(boost::json::string_view(name.data(), name.size()));
  }
  boost::json::object result;
  result["protocol"] = k_protocol_version;
  result["server"] = fmt::format("vhtaskd {}", VHTASK_VERSION);
  result["capabilities"] = std::move(names);
  return result;
}

}  // namespace vhtask::common::protocol
