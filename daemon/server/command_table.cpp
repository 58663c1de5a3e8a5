#include "daemon/server/command_table.h"

#include "common/protocol/protocol.h"

#include <array>

namespace vhtask::daemon::server {

namespace protocol = common::protocol;

std::span<const Command> command_table() {
  static constexpr std::array<Command, 11> k_commands = {{
      {protocol::k_version, handle_version},
      {protocol::k_start, handle_start},
      {protocol::k_status, handle_status},
      {protocol::k_show, handle_show},
      {protocol::k_logs, handle_logs},
      {protocol::k_rerun, handle_rerun},
      {protocol::k_wait, handle_wait},
      {protocol::k_stop, handle_stop},
      {protocol::k_parallel, handle_parallel},
      {protocol::k_shutdown, handle_shutdown},
      {protocol::k_compare, handle_compare},
  }};
  return k_commands;
}

void dispatch(CommandContext& ctx, const common::protocol::Request& request,
              const std::shared_ptr<Reply>& reply) {
  for (const auto& command : command_table()) {
    if (command.name == request.method) {
      command.handler(ctx, request.params, reply);
      return;
    }
  }
  // Answered through the Reply so a notification (no id) gets nothing, as JSON-RPC requires.
  reply->rpc_error(common::protocol::RpcError::method_not_found(request.method));
}

}  // namespace vhtask::daemon::server
