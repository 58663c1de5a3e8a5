#include "common/protocol/states.h"

namespace vhtask {

namespace {

constexpr std::array<std::string_view, k_execution_state_count> k_execution_names = {
    "queued", "started", "stopping", "complete", "error", "stopped", "crashed"};
constexpr std::array<std::string_view, 5> k_task_names = {"running", "stopping", "complete",
                                                          "error", "stopped"};

}  // namespace

std::string_view to_string(ExecutionState state) {
  return k_execution_names.at(static_cast<std::size_t>(state));
}

std::string_view to_string(TaskState state) {
  return k_task_names.at(static_cast<std::size_t>(state));
}

std::optional<ExecutionState> parse_execution_state(std::string_view name) {
  for (std::size_t i = 0; i < k_execution_names.size(); ++i) {
    if (k_execution_names[i] == name) {
      return static_cast<ExecutionState>(i);
    }
  }
  return std::nullopt;
}

std::optional<TaskState> parse_task_state(std::string_view name) {
  for (std::size_t i = 0; i < k_task_names.size(); ++i) {
    if (k_task_names[i] == name) {
      return static_cast<TaskState>(i);
    }
  }
  return std::nullopt;
}

bool is_terminal(ExecutionState state) {
  return !is_live(state) && state != ExecutionState::queued;
}

bool is_live(ExecutionState state) {
  return state == ExecutionState::started || state == ExecutionState::stopping;
}

bool is_terminal(TaskState state) {
  return state == TaskState::complete || state == TaskState::error || state == TaskState::stopped;
}

const std::array<ExecutionState, k_execution_state_count>& all_execution_states() {
  static constexpr std::array<ExecutionState, k_execution_state_count> k_all = {
      ExecutionState::queued,   ExecutionState::started, ExecutionState::stopping,
      ExecutionState::complete, ExecutionState::error,   ExecutionState::stopped,
      ExecutionState::crashed};
  return k_all;
}

}  // namespace vhtask
