// `compare`: a task's executions side by side, with their varying parameters and the latest
// value of each metadata key, best first (schema/protocol.md, "compare").

#include "daemon/server/command_table.h"
#include "daemon/server/compare_rows.h"
#include "daemon/server/params.h"
#include "daemon/server/reply_budget.h"

#include <map>
#include <set>

namespace vhtask::daemon::server {

namespace {

struct CompareParams {
  TaskId task = 0;
  std::string sort;
  bool desc = false;
  std::optional<std::int64_t> limit;
  bool all_attempts = false;
  // Present when the client pages (capability byte-paging): rows from here, up to the budget.
  std::optional<std::int64_t> offset;
};

Result<CompareParams> decode(const boost::json::object& params) {
  const Params p(params);
  CompareParams out;
  out.task = VHTASK_TRY(p.required_int("task"));
  out.sort = VHTASK_TRY(p.optional_string("sort"));
  out.desc = VHTASK_TRY(p.optional_bool("desc"));
  out.limit = VHTASK_TRY(p.optional_int("limit"));
  out.all_attempts = VHTASK_TRY(p.optional_bool("all_attempts"));
  out.offset = VHTASK_TRY(p.optional_int("offset"));
  if (out.limit && *out.limit < 0) {
    return Error::invalid_argument("limit must be 0 or more");
  }
  if (out.offset && *out.offset < 0) {
    return Error::invalid_argument("offset must be 0 or more");
  }
  return out;
}

boost::json::value parse_or_null(const std::string& text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  return ec ? boost::json::value(nullptr) : value;
}

Result<boost::json::object> compare(store::Store& store, const CompareParams& params) {
  const store::TaskRecord task = VHTASK_TRY(store.task_by_id(params.task));
  boost::json::array varying;
  if (auto names = parse_or_null(task.spec.varying_json); names.is_array()) {
    varying = std::move(names.as_array());
  }
  // Metadata first (one query for the whole task), then the rows.
  std::map<ExecutionId, boost::json::object> metadata;
  std::set<std::string> keys;
  for (auto& [id, value] : VHTASK_TRY(store.task_metadata(task.id))) {
    metadata[id][value.key] = parse_or_null(value.value_json);
    keys.insert(value.key);
  }
  std::vector<store::ExecutionRecord> rows = VHTASK_TRY(store.executions_of_task(task.id));
  boost::json::array out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const store::ExecutionRecord& e = rows[i];
    const bool newest = i + 1 == rows.size() || rows[i + 1].idx != e.idx;
    if (!params.all_attempts && !newest) {
      continue;
    }
    boost::json::object parameters;
    if (auto all = parse_or_null(e.parameters_json); all.is_object()) {
      for (const auto& name : varying) {
        if (const auto* value = all.as_object().if_contains(name.as_string())) {
          parameters[name.as_string()] = *value;
        }
      }
    }
    boost::json::object row{{"id", e.id},
                            {"index", e.idx},
                            {"attempt", e.attempt},
                            {"state", to_string(e.state)},
                            {"parameters", std::move(parameters)}};
    const auto it = metadata.find(e.id);
    row["metadata"] = it == metadata.end() ? boost::json::object() : std::move(it->second);
    out.push_back(std::move(row));
  }
  // executions_of_task is by index then attempt; ties and the default order are by id.
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.as_object().at("id").as_int64() < b.as_object().at("id").as_int64();
  });
  if (!params.sort.empty()) {
    sort_rows(out, params.sort, params.desc);
  } else if (params.desc) {
    std::reverse(out.begin(), out.end());
  }
  const auto total = static_cast<std::int64_t>(out.size());
  if (params.limit && *params.limit < total) {
    out.resize(static_cast<std::size_t>(*params.limit));
  }
  boost::json::array key_list;
  if (!params.sort.empty()) {
    key_list.emplace_back(params.sort);
  }
  for (const auto& key : keys) {
    if (key != params.sort) {
      key_list.emplace_back(key);
    }
  }
  boost::json::object result{{"task", task.id},     {"parameters", std::move(varying)},
                             {"keys", key_list},    {"sort", params.sort},
                             {"desc", params.desc}, {"total", total}};
  if (!params.offset) {
    // A client that does not page gets everything (handle_compare checks that it fits).
    result["executions"] = std::move(out);
    return result;
  }
  // One page: rows from `offset` while they fit the budget (at least one).
  ReplyBudget budget(json_bytes(result));
  boost::json::array page;
  auto next = static_cast<std::size_t>(std::min<std::int64_t>(*params.offset, out.size()));
  for (; next < out.size() && budget.admit(out[next]); ++next) {
    page.push_back(std::move(out[next]));
  }
  result["offset"] = *params.offset;
  result["next_offset"] =
      next < out.size() ? boost::json::value(static_cast<std::int64_t>(next)) : nullptr;
  result["executions"] = std::move(page);
  return result;
}

}  // namespace

void handle_compare(CommandContext& ctx, const boost::json::object& params,
                    const std::shared_ptr<Reply>& reply) {
  const auto decoded = decode(params);
  if (!decoded) {
    reply->invalid_params(decoded.error().message);
    return;
  }
  auto result = compare(ctx.engine.store(), *decoded);
  if (!result) {
    reply->fail(result.error());
    return;
  }
  if (!decoded->offset) {
    if (const auto bytes = json_bytes(*result); bytes > k_unpaged_limit) {
      reply->rpc_error(reply_too_large("compare", bytes, "use --limit"));
      return;
    }
  }
  reply->result(std::move(*result));
}

}  // namespace vhtask::daemon::server
