#include "daemon/runner/executor.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace vhtask::daemon::runner {

std::string_view to_string(ExecutorKind kind) {
  return kind == ExecutorKind::slurm ? "slurm" : "local";
}

Result<ExecutorKind> parse_executor(std::string_view text, std::string_view field) {
  if (text == "local") {
    return ExecutorKind::local;
  }
  if (text == "slurm") {
    return ExecutorKind::slurm;
  }
  return Error::invalid_argument(
      fmt::format("{}: unknown executor '{}' (expected local or slurm)", field, text));
}

std::string to_json(const SlurmOptions& options) {
  boost::json::object out;
  if (options.partition) {
    out["partition"] = *options.partition;
  }
  boost::json::array args;
  for (const auto& arg : options.sbatch_args) {
    args.emplace_back(arg);
  }
  out["sbatch_args"] = std::move(args);
  out["pack"] = options.pack;
  return boost::json::serialize(out);
}

Result<SlurmOptions> slurm_options_from_json(std::string_view text) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) {
    return Error::invalid_argument(fmt::format("executor options are not a JSON object: {}", text));
  }
  const auto& object = parsed.get_object();
  SlurmOptions options;
  if (const auto* partition = object.if_contains("partition")) {
    if (!partition->is_string()) {
      return Error::invalid_argument("executor options: partition must be a string");
    }
    options.partition = std::string(partition->get_string());
  }
  if (const auto* args = object.if_contains("sbatch_args")) {
    if (!args->is_array()) {
      return Error::invalid_argument("executor options: sbatch_args must be an array");
    }
    for (const auto& arg : args->get_array()) {
      if (!arg.is_string()) {
        return Error::invalid_argument("executor options: sbatch_args must hold strings");
      }
      options.sbatch_args.emplace_back(arg.get_string());
    }
  }
  if (const auto* pack = object.if_contains("pack")) {
    if (!pack->is_int64() || pack->get_int64() < 1) {
      return Error::invalid_argument("executor options: pack must be an integer of at least 1");
    }
    options.pack = static_cast<std::size_t>(pack->get_int64());
  }
  return options;
}

}  // namespace vhtask::daemon::runner
