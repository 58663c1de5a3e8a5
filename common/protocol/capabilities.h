#pragma once

// The capability names of the protocol (schema/protocol.md, "Capabilities"): what a client puts
// in `version`'s `required` and `optional` and tests in the reply. Stable names: never rename
// one. `cmd-<method>` for each method served; the rest name a feature. What this build serves
// is protocol::capabilities() (common/protocol/protocol.h). Plain constants; `const char*` so
// that they fill a std::vector<std::string> of names directly.

namespace vhtask::common::protocol {

// One per method.
inline constexpr const char* k_cap_cmd_version = "cmd-version";
inline constexpr const char* k_cap_cmd_start = "cmd-start";
inline constexpr const char* k_cap_cmd_status = "cmd-status";
inline constexpr const char* k_cap_cmd_show = "cmd-show";
inline constexpr const char* k_cap_cmd_logs = "cmd-logs";
inline constexpr const char* k_cap_cmd_rerun = "cmd-rerun";
inline constexpr const char* k_cap_cmd_wait = "cmd-wait";
inline constexpr const char* k_cap_cmd_stop = "cmd-stop";
inline constexpr const char* k_cap_cmd_parallel = "cmd-parallel";
inline constexpr const char* k_cap_cmd_shutdown = "cmd-shutdown";
inline constexpr const char* k_cap_cmd_compare = "cmd-compare";

// Features.
inline constexpr const char* k_cap_logs_follow = "logs-follow";    // logs with follow: true
inline constexpr const char* k_cap_status_watch = "status-watch";  // status.update notifications
inline constexpr const char* k_cap_metadata = "metadata";  // metadata is stored; show returns it
inline constexpr const char* k_cap_stop_condition =
    "stop-condition";                                              // stop-conditions are enforced
inline constexpr const char* k_cap_logs_offset = "logs-offset";    // logs' offset and end
inline constexpr const char* k_cap_byte_strings = "byte-strings";  // {"base64"} cwd and env
inline constexpr const char* k_cap_outputs = "outputs";            // show's output listing
inline constexpr const char* k_cap_byte_paging = "byte-paging";    // paged compare and show

}  // namespace vhtask::common::protocol
