// `start`: expand and record a task, then run it (schema/protocol.md, "start").

#include "daemon/server/command_table.h"
#include "daemon/server/params.h"

namespace vhtask::daemon::server {

namespace {

Result<StartRequest> decode(const Params& p) {
  StartRequest r;
  r.inputs.config_text = VHTASK_TRY(p.required_string("config_text"));
  r.inputs.config_file = VHTASK_TRY(p.optional_string("config_file"));
  if (r.inputs.config_file.empty()) {
    r.inputs.config_file = "valohai.yaml";
  }
  r.inputs.step = VHTASK_TRY(p.optional_string("step"));
  r.inputs.grid_text = VHTASK_TRY(p.optional_string("grid_text"));
  r.inputs.grid_file = VHTASK_TRY(p.optional_string("grid_file"));
  r.inputs.blueprint = VHTASK_TRY(p.optional_string("task_name"));
  r.inputs.fixed_params = VHTASK_TRY(p.string_list("params"));
  r.inputs.seed = VHTASK_TRY(p.optional_uint("seed"));
  if (r.inputs.step.empty() && r.inputs.blueprint.empty()) {
    return Error::invalid_argument("params.step is required (or params.task_name)");
  }
  if (const auto parallel = VHTASK_TRY(p.optional_int("parallel"))) {
    if (*parallel < 1) {
      return Error::invalid_argument("params.parallel must be at least 1");
    }
    r.parallel = static_cast<std::size_t>(*parallel);
  }
  r.name = VHTASK_TRY(p.optional_string("name"));
  r.cwd = VHTASK_TRY(p.required_bytes("cwd"));
  r.env = VHTASK_TRY(p.bytes_map("env"));
  if (auto commit = VHTASK_TRY(p.optional_string("git_commit")); !commit.empty()) {
    r.git_commit = std::move(commit);
    if (p.has("git_dirty")) {  // absent: unknown
      r.git_dirty = VHTASK_TRY(p.optional_bool("git_dirty"));
    }
  }
  if (const auto executor = VHTASK_TRY(p.optional_string("executor")); !executor.empty()) {
    r.executor = VHTASK_TRY(runner::parse_executor(executor, "params.executor"));
  }
  if (auto partition = VHTASK_TRY(p.optional_string("partition")); !partition.empty()) {
    r.slurm.partition = std::move(partition);
  }
  r.slurm.sbatch_args = VHTASK_TRY(p.string_list("sbatch_args"));
  if (const auto pack = VHTASK_TRY(p.optional_int("pack"))) {
    if (*pack < 1) {
      return Error::invalid_argument("params.pack must be at least 1");
    }
    r.slurm.pack = static_cast<std::size_t>(*pack);
  }
  const bool slurm_options = r.slurm.partition || !r.slurm.sbatch_args.empty() || r.slurm.pack > 1;
  if (slurm_options && r.executor == runner::ExecutorKind::local) {
    return Error::invalid_argument("params.partition, sbatch_args and pack need executor slurm");
  }
  return r;
}

}  // namespace

void handle_start(CommandContext& ctx, const boost::json::object& params,
                  const std::shared_ptr<Reply>& reply) {
  const auto request = decode(Params(params));
  if (!request) {
    reply->invalid_params(request.error().message);
    return;
  }
  const auto started = ctx.engine.start(*request);
  if (!started) {
    reply->fail(started.error());
    return;
  }
  reply->result(boost::json::object{
      {"task", started->task}, {"count", started->count}, {"seed", started->seed}});
}

}  // namespace vhtask::daemon::server
