#pragma once

// The daemon's methods (schema/protocol.md, "Methods"): one handler per method, each in its own
// file under daemon/server/commands/, listed in one explicit table (command_table.cpp). No static
// self-registration: the linker would drop handlers nobody references.
//
// Handlers run on the io_context thread. Each answers through its Reply, at once or later (the
// streams keep the Reply and an engine subscription until they end or the client leaves).

#include "common/protocol/json_rpc.h"
#include "daemon/engine.h"
#include "daemon/server/reply.h"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::daemon::server {

// What handlers may use. Outlives every connection.
struct CommandContext {
  boost::asio::io_context& io;
  Engine& engine;
  std::function<void()> shutdown;  // stops accepting and exits once the reply is written
  // What the daemon found wrong at start-up and tells every `status` (schema/protocol.md).
  std::vector<std::string> warnings = {};
};

using Handler = void (*)(CommandContext& ctx, const boost::json::object& params,
                         const std::shared_ptr<Reply>& reply);

struct Command {
  std::string_view name;
  Handler handler;
};

// Every method, in the order of schema/protocol.md.
std::span<const Command> command_table();

// Finds the handler for request.method and runs it; unknown methods get -32601.
void dispatch(CommandContext& ctx, const common::protocol::Request& request,
              const std::shared_ptr<Reply>& reply);

// The handlers (daemon/server/commands/<name>.cpp).
void handle_version(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_start(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_status(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_show(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_logs(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_rerun(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_wait(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_stop(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_parallel(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_shutdown(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);
void handle_compare(CommandContext&, const boost::json::object&, const std::shared_ptr<Reply>&);

}  // namespace vhtask::daemon::server
