#include "common/valohai/config.h"

#include <algorithm>

namespace vhtask::common::valohai {

const char* to_string(ParameterType t) {
  switch (t) {
    case ParameterType::string:
      return "string";
    case ParameterType::integer:
      return "integer";
    case ParameterType::float_:
      return "float";
    case ParameterType::flag:
      return "flag";
  }
  return "string";
}

const char* to_string(TaskType t) {
  switch (t) {
    case TaskType::grid_search:
      return "grid_search";
    case TaskType::random_search:
      return "random_search";
    case TaskType::manual_search:
      return "manual_search";
    case TaskType::bayesian_tpe:
      return "bayesian_tpe";
  }
  return "grid_search";
}

const char* to_string(OnChildError e) {
  switch (e) {
    case OnChildError::continue_and_complete:
      return "continue-and-complete";
    case OnChildError::continue_and_error:
      return "continue-and-error";
    case OnChildError::stop_all_and_error:
      return "stop-all-and-error";
  }
  return "continue-and-complete";
}

namespace {

template <class T>
const T* find_by_name(const std::vector<T>& items, const std::string& name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const Parameter* Step::find_parameter(const std::string& wanted) const {
  return find_by_name(parameters, wanted);
}

const Step* Config::find_step(const std::string& wanted) const {
  return find_by_name(steps, wanted);
}

const TaskSpec* Config::find_task(const std::string& wanted) const {
  return find_by_name(tasks, wanted);
}

const SkippedTask* Config::find_skipped_task(const std::string& name) const {
  return find_by_name(skipped_tasks, name);
}

}  // namespace vhtask::common::valohai
