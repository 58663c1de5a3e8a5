// `shutdown`: stop accepting, close the database cleanly and exit; executions keep running.

#include "daemon/server/command_table.h"

#include <boost/asio/post.hpp>

namespace vhtask::daemon::server {

void handle_shutdown(CommandContext& ctx, const boost::json::object&,
                     const std::shared_ptr<Reply>& reply) {
  reply->result(boost::json::object{});
  // Posted: the reply is queued on the connection before the server closes it.
  boost::asio::post(ctx.io, ctx.shutdown);
}

}  // namespace vhtask::daemon::server
