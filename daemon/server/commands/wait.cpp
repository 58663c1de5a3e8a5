// `wait`: answers once a task has ended (at once if it already has).

#include "daemon/server/command_table.h"
#include "daemon/server/params.h"
#include "daemon/server/views.h"

namespace vhtask::daemon::server {

namespace {

void answer(CommandContext& ctx, TaskId task, const std::shared_ptr<Reply>& reply) {
  store::Store& store = ctx.engine.store();
  auto record = store.task_by_id(task);
  if (!record) {
    reply->fail(record.error());
    return;
  }
  auto view = task_view(store, *record);
  view ? reply->result(boost::json::object{{"task", std::move(*view)}}) : reply->fail(view.error());
}

}  // namespace

void handle_wait(CommandContext& ctx, const boost::json::object& params,
                 const std::shared_ptr<Reply>& reply) {
  const auto task = Params(params).required_int("task");
  if (!task) {
    reply->invalid_params(task.error().message);
    return;
  }
  const auto record = ctx.engine.store().task_by_id(*task);
  if (!record) {
    reply->fail(record.error());
    return;
  }
  if (is_terminal(record->state)) {
    answer(ctx, *task, reply);
    return;
  }
  const TaskId id = *task;
  auto subscription = std::make_shared<std::uint64_t>(0);
  *subscription = ctx.engine.subscribe([&ctx, id, reply, subscription](const EngineEvent& event) {
    if (event.task == id && event.task_ended) {
      ctx.engine.unsubscribe(*subscription);
      answer(ctx, id, reply);
    }
  });
  reply->on_disconnect([&ctx, subscription] { ctx.engine.unsubscribe(*subscription); });
}

}  // namespace vhtask::daemon::server
