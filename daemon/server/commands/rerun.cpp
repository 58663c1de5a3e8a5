// `rerun`: new attempts of given executions, or of a task's failures.

#include "daemon/server/command_table.h"
#include "daemon/server/params.h"
#include "daemon/server/views.h"

namespace vhtask::daemon::server {

void handle_rerun(CommandContext& ctx, const boost::json::object& params,
                  const std::shared_ptr<Reply>& reply) {
  const Params p(params);
  const auto ids = p.int_list("executions");
  const auto task = p.optional_int("task");
  const auto failed = p.optional_bool("failed");
  if (!ids || !task || !failed) {
    reply->invalid_params(!ids ? ids.error().message
                               : (!task ? task.error().message : failed.error().message));
    return;
  }
  if (ids->empty() == !*task || (*task && !*failed)) {
    reply->invalid_params("give params.executions, or params.task with params.failed: true");
    return;
  }
  const auto created = *task ? ctx.engine.rerun_failed(**task) : ctx.engine.rerun(*ids);
  if (!created) {
    reply->fail(created.error());
    return;
  }
  boost::json::array out;
  for (const auto& execution : *created) {
    out.push_back(execution_view(execution));
  }
  reply->result(boost::json::object{{"executions", std::move(out)}});
}

}  // namespace vhtask::daemon::server
