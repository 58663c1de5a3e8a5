// `show`: one execution and every attempt of its permutation.

#include "daemon/command_table.h"
#include "daemon/params.h"
#include "daemon/views.h"

namespace vhtask::daemon {

void handle_show(CommandContext& ctx, const boost::json::object& params,
                 const std::shared_ptr<Reply>& reply) {
  const auto id = Params(params).required_int("execution");
  if (!id) {
    reply->invalid_params(id.error().message);
    return;
  }
  Store& store = ctx.engine.store();
  const auto execution = store.execution_by_id(*id);
  if (!execution) {
    reply->fail(execution.error());
    return;
  }
  const auto attempts = store.attempts_of(execution->task_id, execution->idx);
  if (!attempts) {
    reply->fail(attempts.error());
    return;
  }
  boost::json::array history;
  for (const auto& attempt : *attempts) {
    history.push_back(execution_view(attempt));
  }
  const auto latest = store.latest_metadata(execution->id);
  const auto progress = store.metadata_progress(execution->id);
  if (!latest || !progress) {
    reply->fail(!latest ? latest.error() : progress.error());
    return;
  }
  // The latest value of each key, and how many lines were stored and dropped (protocol.md).
  boost::json::object metadata;
  for (const auto& item : *latest) {
    boost::system::error_code ec;
    auto value = boost::json::parse(item.value_json, ec);
    metadata[item.key] = ec ? boost::json::value(nullptr) : std::move(value);
  }
  reply->result(boost::json::object{
      {"execution", execution_view(*execution)},
      {"attempts", std::move(history)},
      {"metadata", std::move(metadata)},
      {"metadata_events", progress->count},
      {"metadata_dropped", progress->dropped},
  });
}

}  // namespace vhtask::daemon
