// `logs`: an execution's output, once or followed until it ends (daemon/server/log_follower.h).

#include "daemon/server/command_table.h"
#include "daemon/server/log_follower.h"
#include "daemon/server/params.h"

namespace vhtask::daemon::server {

void handle_logs(CommandContext& ctx, const boost::json::object& params,
                 const std::shared_ptr<Reply>& reply) {
  const Params p(params);
  const auto id = p.required_int("execution");
  const auto follow = p.optional_bool("follow");
  const auto tail = p.optional_int("tail");
  const auto offset = p.optional_int("offset");
  if (!id || !follow || !tail || !offset) {
    reply->invalid_params(!id ? id.error().message
                              : (!follow
                                     ? follow.error().message
                                     : (!tail ? tail.error().message : offset.error().message)));
    return;
  }
  if (*offset && **offset < 0) {
    reply->invalid_params("params.offset must be at least 0");
    return;
  }
  auto follower = std::make_shared<LogFollower>(ctx.io, ctx.engine, *id, reply, *tail, *follow);
  if (*offset) {
    follower->start_at(**offset);
  }
  follower->start();
}

}  // namespace vhtask::daemon::server
