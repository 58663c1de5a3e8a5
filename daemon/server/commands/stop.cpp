// `stop`: a whole task, or single executions.

#include "daemon/server/command_table.h"
#include "daemon/server/params.h"

namespace vhtask::daemon::server {

void handle_stop(CommandContext& ctx, const boost::json::object& params,
                 const std::shared_ptr<Reply>& reply) {
  const Params p(params);
  const auto task = p.optional_int("task");
  const auto ids = p.int_list("executions");
  if (!task || !ids) {
    reply->invalid_params(!task ? task.error().message : ids.error().message);
    return;
  }
  if (!*task && ids->empty()) {
    reply->invalid_params("give params.task or params.executions");
    return;
  }
  std::int64_t stopped = 0;
  if (*task) {
    const auto n = ctx.engine.stop_task(**task);
    if (!n) {
      reply->fail(n.error());
      return;
    }
    stopped += *n;
  }
  if (!ids->empty()) {
    const auto n = ctx.engine.stop_executions(*ids);
    if (!n) {
      reply->fail(n.error());
      return;
    }
    stopped += *n;
  }
  reply->result(boost::json::object{{"stopped", stopped}});
}

}  // namespace vhtask::daemon::server
