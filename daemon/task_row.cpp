#include "daemon/task_row.h"

#include "common/byte_string.h"
#include "common/search/task_plan.h"

#include <boost/json.hpp>

namespace vhtask::daemon {

namespace {

std::string json_string_array(const std::vector<std::string>& items) {
  boost::json::array out;
  for (const auto& item : items) {
    out.emplace_back(item);
  }
  return boost::json::serialize(out);
}

std::string json_env(const TaskEnvironment& env) {
  boost::json::object out;
  for (const auto& [key, value] : env) {
    out[key] = common::encode_byte_string(value);  // valid JSON whatever the bytes
  }
  return boost::json::serialize(out);
}

Result<boost::json::value> parse_column(const std::string& text, std::string_view column) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec) {
    return Error::invalid_argument("tasks." + std::string(column) + ": " + ec.message());
  }
  return value;
}

}  // namespace

void to_task_row(const TaskInputs& inputs, const TaskContext& context, const TaskEnvironment& env,
                 store::NewTask& row) {
  const common::search::TaskPlan& plan = *context.plan;
  row.step = context.step->name;
  row.valohai_yaml = inputs.config_text;
  row.grid = inputs.grid_text;
  row.config_file = inputs.config_file;
  row.grid_file = inputs.grid_file;
  row.blueprint = inputs.blueprint;
  row.fixed_params_json = json_string_array(inputs.fixed_params);
  row.varying_json = json_string_array(plan.varying_parameters());
  row.environment_json = json_env(env);
  row.type = common::valohai::to_string(plan.type());
  row.seed = static_cast<std::int64_t>(plan.seed());
  row.count = static_cast<std::int64_t>(plan.count());
  row.on_child_error = common::valohai::to_string(context.spec.on_child_error);
}

Result<TaskRowInputs> from_task_row(const store::NewTask& row) {
  TaskRowInputs out;
  TaskInputs& inputs = out.inputs;
  inputs.config_text = row.valohai_yaml;
  inputs.config_file = row.config_file;
  inputs.step = row.step;
  inputs.grid_text = row.grid;
  inputs.grid_file = row.grid_file;
  inputs.blueprint = row.blueprint;
  const boost::json::value fixed = VHTASK_TRY(parse_column(row.fixed_params_json, "fixed_params"));
  if (!fixed.is_array()) {
    return Error::invalid_argument("tasks.fixed_params: not a JSON array");
  }
  for (const auto& item : fixed.get_array()) {
    if (!item.is_string()) {
      return Error::invalid_argument("tasks.fixed_params: not an array of strings");
    }
    inputs.fixed_params.emplace_back(item.get_string());
  }
  if (row.seed) {
    inputs.seed = static_cast<std::uint64_t>(*row.seed);
  }
  const boost::json::value environment =
      VHTASK_TRY(parse_column(row.environment_json, "environment"));
  if (!environment.is_object()) {
    return Error::invalid_argument("tasks.environment: not a JSON object");
  }
  for (const auto& [key, value] : environment.get_object()) {
    if (auto bytes = common::decode_byte_string(value, key)) {
      out.env[std::string(key)] = std::move(*bytes);
    }
  }
  return out;
}

}  // namespace vhtask::daemon
