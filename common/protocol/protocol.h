#pragma once

// The vhtask protocol on top of JSON-RPC 2.0 (schema/protocol.md): its version, the capability
// names a server advertises, the method names, and the application error codes with the mapping
// from vhtask::Error. Shared by the daemon and the client. Plain constants and functions; no
// thread restrictions.
//
// Compatibility rule: never remove or rename a method, a field, an error code or a capability;
// add new ones and advertise them as capabilities. `protocol` changes only for a break.

#include "common/protocol/json_rpc.h"
#include "common/result.h"

#include <boost/json/object.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::common::protocol {

inline constexpr int k_protocol_version = 1;

// Method names (schema/protocol.md, "Methods").
inline constexpr std::string_view k_version = "version";
inline constexpr std::string_view k_start = "start";
inline constexpr std::string_view k_status = "status";
inline constexpr std::string_view k_show = "show";
inline constexpr std::string_view k_logs = "logs";
inline constexpr std::string_view k_rerun = "rerun";
inline constexpr std::string_view k_wait = "wait";
inline constexpr std::string_view k_stop = "stop";
inline constexpr std::string_view k_parallel = "parallel";
inline constexpr std::string_view k_shutdown = "shutdown";
inline constexpr std::string_view k_compare = "compare";

// Application error codes, in JSON-RPC's implementation-defined range -32000..-32099. One per
// vhtask::Error::Code, plus the protocol's own.
inline constexpr int k_not_found = -32000;          // no such task / execution
inline constexpr int k_invalid_argument = -32001;   // well-formed but unacceptable request
inline constexpr int k_io_error = -32002;           // a file or socket operation failed
inline constexpr int k_db_error = -32003;           // the store failed
inline constexpr int k_spawn_error = -32004;        // an execution could not be started
inline constexpr int k_unsupported = -32005;        // e.g. a required capability is missing
inline constexpr int k_protocol_error = -32006;     // a message broke the protocol's rules
inline constexpr int k_message_too_large = -32007;  // a line over 1 MiB was discarded
inline constexpr int k_shutting_down = -32008;      // the daemon is stopping; retry later
inline constexpr int k_overloaded = -32009;  // out of descriptors: too many connections; retry

// The capabilities this build implements, each a stable name (schema/protocol.md,
// "Capabilities"). Add one whenever a method or an optional field lands.
std::span<const std::string_view> capabilities();
bool has_capability(std::string_view name);

// The JSON-RPC error for an Error returned by a handler: its code mapped as above, its message
// unchanged.
protocol::RpcError to_rpc_error(const Error& error);

// The reply to an over-long line (there is no id to answer to: id null).
protocol::Response message_too_large_response();

// Handlers decode params in a separate step: an error from decoding is answered with -32602
// (invalid params), an error from the handler itself with to_rpc_error().
//
// The `version` method. Params {"required": [names...], "optional": [names...]}; "optional" is
// accepted and ignored, since the reply lists every capability anyway.
Result<std::vector<std::string>> parse_version_params(const boost::json::object& params);
// {"protocol": 1, "server": "vhtaskd <version>", "capabilities": [...]}, or Error::unsupported
// naming every required capability this build lacks.
Result<boost::json::object> version_result(std::span<const std::string> required);

}  // namespace vhtask::common::protocol
