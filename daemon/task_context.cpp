#include "daemon/task_context.h"

#include "common/valohai/parameter_values.h"
#include "common/valohai/task_spec_loader.h"

namespace vhtask::daemon {

namespace {

// Only the errors, one per line: warnings were shown to the user by the client already.
std::string error_lines(const common::Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics.all()) {
    if (d.severity == common::Diagnostic::Severity::error) {
      out += (out.empty() ? "" : "\n") + d.to_string();
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<TaskContext>> build_task_context(const TaskInputs& inputs) {
  auto ctx = std::make_unique<TaskContext>();
  ctx->config = common::valohai::load_config(inputs.config_text, inputs.config_file);
  if (ctx->config.diagnostics.has_errors()) {
    return Error::invalid_argument(error_lines(ctx->config.diagnostics));
  }
  std::string step_name = inputs.step;
  if (!inputs.blueprint.empty()) {
    const common::valohai::TaskSpec* task = ctx->config.config.find_task(inputs.blueprint);
    if (const auto* skipped = ctx->config.config.find_skipped_task(inputs.blueprint);
        task == nullptr && skipped != nullptr) {
      return Error::invalid_argument(skipped->mark.to_string() + ": task '" + inputs.blueprint +
                                     "' is of type " + skipped->type + ", which vhtask cannot run");
    }
    if (task == nullptr) {
      return Error::invalid_argument(inputs.config_file + ": no task '" + inputs.blueprint + "'");
    }
    ctx->spec = *task;
    if (step_name.empty()) {
      step_name = task->step;
    }
  } else if (!inputs.grid_text.empty()) {
    auto grid = common::valohai::load_task_spec(inputs.grid_text, inputs.grid_file);
    if (grid.diagnostics.has_errors()) {
      return Error::invalid_argument(error_lines(grid.diagnostics));
    }
    ctx->spec = std::move(grid.spec);
    if (step_name.empty()) {
      step_name = ctx->spec.step;
    }
  }
  ctx->step = ctx->config.config.find_step(step_name);
  if (ctx->step == nullptr) {
    return Error::invalid_argument(inputs.config_file + ": no step '" + step_name + "'");
  }
  const auto fixed =
      VHTASK_TRY(common::valohai::parse_parameter_args(*ctx->step, inputs.fixed_params));
  ctx->plan.emplace(
      VHTASK_TRY(common::search::TaskPlan::create(*ctx->step, ctx->spec, fixed, inputs.seed)));
  ctx->renderer.emplace(*ctx->step);
  return ctx;
}

}  // namespace vhtask::daemon
