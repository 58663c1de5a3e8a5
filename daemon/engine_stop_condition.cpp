// Engine: a task's and a step's stop-conditions (docs/metadata.md), checked as its executions'
// metadata arrives. When an execution meets the task's, the reason is recorded first (so a
// restart does not forget it) and the task stops exactly like `vhtask stop TASK`; when it meets
// its step's, that execution alone is recorded as meeting it and stopped gracefully.

#include "common/expression/stop_condition.h"
#include "common/json_text.h"
#include "daemon/engine.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace vhtask::daemon {

namespace {

// A JSON value as the condition language compares it; objects have no counterpart, and an
// integer above INT64_MAX compares as the nearest double.
std::optional<common::Value> to_value(const boost::json::value& json) {
  auto value = common::from_json(json, common::BigIntegers::as_double);
  return value ? std::optional<common::Value>(std::move(*value)) : std::nullopt;
}

// Parses a stored condition. The loader reported a malformed one already (file:line); this
// cannot fail for a task that was accepted, but a stored task is re-parsed by a possibly newer
// daemon.
Result<std::shared_ptr<const common::expression::StopCondition>> parse_condition(
    const std::optional<std::string>& text) {
  if (!text || text->empty()) {
    return std::shared_ptr<const common::expression::StopCondition>();
  }
  auto parsed = common::expression::StopCondition::parse(*text);
  if (!parsed) {
    return Error::invalid_argument(
        fmt::format("stop-condition `{}`: {}", *text, parsed.error().message));
  }
  return std::make_shared<const common::expression::StopCondition>(std::move(*parsed));
}

// True when a batch setting `keys` can change what `condition` says; a condition on
// parameters alone is checked at the execution's first metadata.
bool touched_by(const common::expression::StopCondition& condition,
                const std::vector<std::string>& keys) {
  const auto& wanted = condition.metadata_keys();
  return wanted.empty() || std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
           return std::find(wanted.begin(), wanted.end(), key) != wanted.end();
         });
}

}  // namespace

Result<void> Engine::load_stop_condition(ActiveTask& task) {
  task.stop_condition = VHTASK_TRY(parse_condition(task.context->spec.stop_condition));
  task.step_condition = VHTASK_TRY(parse_condition(task.context->step->stop_condition));
  return {};
}

void Engine::on_metadata(ExecutionId id, const std::vector<std::string>& keys) {
  const auto record = m_store.execution_by_id(id);
  if (!record) {
    return;
  }
  ActiveTask* task = find_active(record->task_id);
  if (task == nullptr) {
    return;
  }
  // The step's condition only for an execution still running; the task's only while the task
  // is not stopping already.
  const bool check_step = task->step_condition && record->state == ExecutionState::started &&
                          touched_by(*task->step_condition, keys);
  const common::expression::StopCondition* step_condition =
      check_step ? task->step_condition.get() : nullptr;
  const common::expression::StopCondition* task_condition =
      task->stop_condition && !task->final_state && touched_by(*task->stop_condition, keys)
          ? task->stop_condition.get()
          : nullptr;
  if (step_condition == nullptr && task_condition == nullptr) {
    return;
  }
  const auto latest = m_store.latest_metadata(id);
  if (!latest) {
    spdlog::error("execution {}: {}", id, latest.error().message);
    return;
  }
  boost::system::error_code ec;
  const boost::json::value parameters = boost::json::parse(record->parameters_json, ec);
  const auto lookup = [&](common::expression::ConditionSource source,
                          std::string_view name) -> std::optional<common::Value> {
    if (source == common::expression::ConditionSource::parameter) {
      if (ec || !parameters.is_object()) {
        return std::nullopt;
      }
      const auto* value = parameters.as_object().if_contains(name);
      return value == nullptr ? std::nullopt : to_value(*value);
    }
    for (const auto& item : *latest) {
      if (item.key == name) {
        boost::system::error_code bad;
        const boost::json::value value = boost::json::parse(item.value_json, bad);
        return bad ? std::nullopt : to_value(value);
      }
    }
    return std::nullopt;
  };
  const TaskId task_id = record->task_id;
  if (step_condition != nullptr && step_condition->evaluate(lookup)) {
    // Recorded first (so a restart keeps it), then the graceful stop of this execution alone.
    const std::string reason = fmt::format("step stop-condition `{}` met", step_condition->text());
    spdlog::info("execution {}: {}", id, reason);
    if (auto saved = m_store.mark_condition_met(id, reason); !saved) {
      spdlog::error("execution {}: {}", id, saved.error().message);
    } else if (auto stopped = m_runner.stop(id); !stopped) {
      spdlog::warn("execution {}: {}", id, stopped.error().message);
    }
    publish({task_id, id, false});
  }
  if (task_condition == nullptr || !task_condition->evaluate(lookup)) {
    return;
  }
  const std::string reason =
      fmt::format("stop-condition `{}` met by execution {}", task_condition->text(), id);
  spdlog::info("task {}: {}", task_id, reason);
  if (auto saved = m_store.set_stop_reason(task_id, reason); !saved) {
    spdlog::error("task {}: {}", task_id, saved.error().message);
  }
  task->final_state = TaskState::stopped;
  task->final_reason = reason;
  if (auto stopped = stop_task(task_id); !stopped) {
    spdlog::error("task {}: {}", task_id, stopped.error().message);
  }
}

}  // namespace vhtask::daemon
