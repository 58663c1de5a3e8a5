#include "daemon/server/views.h"

#include "common/byte_string.h"

namespace vhtask::daemon::server {

namespace {

boost::json::value optional_text(const std::optional<std::string>& text) {
  return text ? boost::json::value(*text) : boost::json::value(nullptr);
}

template <class T>
boost::json::value optional_number(const std::optional<T>& number) {
  return number ? boost::json::value(static_cast<std::int64_t>(*number))
                : boost::json::value(nullptr);
}

boost::json::value parse_or_empty(const std::string& text, boost::json::value fallback) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  return ec ? fallback : parsed;
}

}  // namespace

boost::json::object execution_view(const store::ExecutionRecord& e) {
  boost::json::object out;
  out["id"] = e.id;
  out["task"] = e.task_id;
  out["index"] = e.idx;
  out["attempt"] = e.attempt;
  out["state"] = to_string(e.state);
  out["exit_code"] = optional_number(e.exit_code);
  out["signal"] = optional_number(e.signal);
  out["reason"] = optional_text(e.reason);
  out["parameters"] = parse_or_empty(e.parameters_json, boost::json::object());
  out["command"] = e.command;
  out["pid"] = optional_number(e.pid);
  out["slot"] = optional_number(e.slot);
  out["condition_met"] = e.condition_met;
  out["created_at"] = e.created_at;
  out["started_at"] = optional_text(e.started_at);
  out["finished_at"] = optional_text(e.finished_at);
  out["log_path"] = optional_text(e.log_path);
  return out;
}

Result<boost::json::object> task_view(store::Store& store, const store::TaskRecord& t) {
  const store::TaskCounts counts = VHTASK_TRY(store.task_counts(t.id));
  boost::json::object by_state;
  for (const auto state : all_execution_states()) {
    if (counts[state] != 0) {
      by_state[to_string(state)] = counts[state];
    }
  }
  boost::json::object out;
  out["id"] = t.id;
  out["name"] = t.spec.name;
  out["step"] = t.spec.step;
  out["type"] = t.spec.type;
  out["state"] = to_string(t.state);
  out["reason"] = optional_text(t.reason);
  out["count"] = t.spec.count;
  out["counts"] = std::move(by_state);
  out["parallel"] = optional_number(t.spec.parallel);
  out["created_at"] = t.created_at;
  out["finished_at"] = optional_text(t.finished_at);
  out["seed"] = t.spec.seed ? boost::json::value(static_cast<std::uint64_t>(*t.spec.seed))
                            : boost::json::value(nullptr);
  out["cwd"] = common::encode_byte_string(t.spec.cwd);  // any bytes, as valid JSON
  out["git_commit"] = optional_text(t.spec.git_commit);
  out["git_dirty"] =
      t.spec.git_dirty ? boost::json::value(*t.spec.git_dirty) : boost::json::value(nullptr);
  // Stopped by its own stop-condition: the goal was reached (spec section 4), a success.
  out["condition_met"] = t.state == TaskState::stopped && t.stop_reason.has_value();
  out["executions_condition_met"] = VHTASK_TRY(store.condition_met_count(t.id));
  out["varying"] = parse_or_empty(t.spec.varying_json, boost::json::array());
  return out;
}

}  // namespace vhtask::daemon::server
