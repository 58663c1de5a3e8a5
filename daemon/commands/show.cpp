// `show`: one execution and every attempt of its permutation.

#include "daemon/command_table.h"
#include "daemon/execution_outputs.h"
#include "daemon/params.h"
#include "daemon/views.h"

namespace vhtask::daemon {

namespace {

// At most this many output files in one answer (about 200 bytes each, far below 1 MiB).
constexpr std::size_t k_max_outputs = 2'000;

}  // namespace

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
  const auto task = store.task_by_id(execution->task_id);
  if (!task) {
    reply->fail(task.error());
    return;
  }
  // What it wrote to VH_OUTPUTS_DIR (protocol.md, "show").
  const OutputListing listing = list_outputs(ctx.engine.exec_dir(execution->id), k_max_outputs);
  boost::json::array outputs;
  for (const auto& file : listing.files) {
    outputs.push_back(boost::json::object{
        {"name", file.name}, {"path", file.path}, {"size", static_cast<std::uint64_t>(file.size)}});
  }
  const auto& spec = task->spec;
  reply->result(boost::json::object{
      {"execution", execution_view(*execution)},
      {"attempts", std::move(history)},
      {"metadata", std::move(metadata)},
      {"metadata_events", progress->count},
      {"metadata_dropped", progress->dropped},
      {"directory", spec.cwd},
      {"git_commit", spec.git_commit ? boost::json::value(*spec.git_commit) : nullptr},
      {"git_dirty", spec.git_dirty ? boost::json::value(*spec.git_dirty) : nullptr},
      {"outputs_dir", listing.directory},
      {"outputs", std::move(outputs)},
      {"outputs_total", static_cast<std::uint64_t>(listing.total)},
  });
}

}  // namespace vhtask::daemon
