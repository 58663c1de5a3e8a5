// `show`: one execution and every attempt of its permutation.

#include "daemon/runner/execution_outputs.h"
#include "daemon/server/command_table.h"
#include "daemon/server/params.h"
#include "daemon/server/reply_budget.h"
#include "daemon/server/views.h"

namespace vhtask::daemon::server {

namespace {

// At most this many output files in one answer (about 200 bytes each, far below 1 MiB).
constexpr std::size_t k_max_outputs = 2'000;

}  // namespace

void handle_show(CommandContext& ctx, const boost::json::object& params,
                 const std::shared_ptr<Reply>& reply) {
  const Params p(params);
  const auto id = p.required_int("execution");
  const auto metadata_offset = p.optional_int("metadata_offset");
  if (!id || !metadata_offset) {
    reply->invalid_params(!id ? id.error().message : metadata_offset.error().message);
    return;
  }
  if (*metadata_offset && **metadata_offset < 0) {
    reply->invalid_params("show: params.metadata_offset must be 0 or more");
    return;
  }
  store::Store& store = ctx.engine.store();
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
  const auto task = store.task_by_id(execution->task_id);
  if (!task) {
    reply->fail(task.error());
    return;
  }
  // What it wrote to VH_OUTPUTS_DIR (protocol.md, "show").
  const runner::OutputListing listing =
      runner::list_outputs(ctx.engine.exec_dir(execution->id), k_max_outputs);
  boost::json::array outputs;
  for (const auto& file : listing.files) {
    outputs.push_back(boost::json::object{
        {"name", file.name}, {"path", file.path}, {"size", static_cast<std::uint64_t>(file.size)}});
  }
  const auto& spec = task->spec;
  boost::json::object result{
      {"execution", execution_view(*execution)},
      {"attempts", std::move(history)},
      {"metadata_events", progress->count},
      {"metadata_dropped", progress->dropped},
      {"metadata_total", static_cast<std::int64_t>(latest->size())},
      {"directory", spec.cwd},
      {"git_commit", spec.git_commit ? boost::json::value(*spec.git_commit) : nullptr},
      {"git_dirty", spec.git_dirty ? boost::json::value(*spec.git_dirty) : nullptr},
      {"outputs_dir", listing.directory},
      {"outputs", std::move(outputs)},
      {"outputs_total", static_cast<std::uint64_t>(listing.total)},
  };
  // The latest value of each key (by key), and how many lines were stored and dropped
  // (protocol.md). With `metadata_offset` (capability byte-paging) the keys from there while the
  // whole reply stays within the byte budget (at least one key), and `metadata_next` where the
  // next page starts; without it every key, or -32007 when that would not fit in a message.
  ReplyBudget budget(json_bytes(result));
  std::size_t next = static_cast<std::size_t>(metadata_offset->value_or(0));
  boost::json::object metadata;
  for (; next < latest->size(); ++next) {
    const auto& item = (*latest)[next];
    boost::system::error_code ec;
    auto value = boost::json::parse(item.value_json, ec);
    // "key":value, (an unparsable value is sent as null)
    const bool fits =
        budget.admit(json_bytes(boost::json::value(item.key)) + 2 + (ec ? 4 : json_bytes(value)));
    if (*metadata_offset && !fits) {
      break;
    }
    metadata[item.key] = ec ? boost::json::value(nullptr) : std::move(value);
  }
  if (!*metadata_offset && budget.used() > k_unpaged_limit) {
    reply->rpc_error(
        reply_too_large("show", budget.used(), "read the metadata with `sqlite3` instead"));
    return;
  }
  result["metadata"] = std::move(metadata);
  if (*metadata_offset) {
    result["metadata_next"] =
        next < latest->size() ? boost::json::value(static_cast<std::int64_t>(next)) : nullptr;
  }
  reply->result(std::move(result));
}

}  // namespace vhtask::daemon::server
