// `parallel`: change the global limit or one task's limit while things run.

#include "daemon/server/command_table.h"
#include "daemon/server/params.h"

namespace vhtask::daemon::server {

void handle_parallel(CommandContext& ctx, const boost::json::object& params,
                     const std::shared_ptr<Reply>& reply) {
  const Params p(params);
  const auto limit = p.required_int("limit");
  const auto task = p.optional_int("task");
  if (!limit || !task) {
    reply->invalid_params(!limit ? limit.error().message : task.error().message);
    return;
  }
  if (*limit < 0) {
    reply->invalid_params("params.limit must not be negative");
    return;
  }
  if (auto changed = ctx.engine.set_parallel(*task, static_cast<std::size_t>(*limit)); !changed) {
    reply->fail(changed.error());
    return;
  }
  reply->result(boost::json::object{
      {"limit", *limit},
      {"task", *task ? boost::json::value(**task) : boost::json::value(nullptr)}});
}

}  // namespace vhtask::daemon::server
