#pragma once

// The names of the files in an execution directory: the on-disk contract between the daemon
// (daemon/runner/supervised_runner.h, which prepares the directory and reads the results) and
// vhtask-supervise (supervisor/supervisor.h, which writes them). The format of each file is in
// schema/execution-dir.md; changing a name or a field breaks reattaching to executions started
// by an older daemon, so add, never rename. Constants only; no thread restrictions.

namespace vhtask::supervisor::execution_files {

// Written by the daemon before the supervisor starts.
inline constexpr const char* k_command = "command";      // the rendered command text, verbatim
inline constexpr const char* k_outputs_dir = "outputs";  // VH_OUTPUTS_DIR
inline constexpr const char* k_inputs_dir = "inputs";    // VH_INPUTS_DIR
inline constexpr const char* k_config_dir = "config";    // VH_CONFIG_DIR
inline constexpr const char* k_parameters = "config/parameters.json";  // flat {name: value}
inline constexpr const char* k_supervisor_log = "supervisor.log";      // supervisor's own stderr

// Written by vhtask-supervise.
inline constexpr const char* k_output_log = "output.log";  // the command's stdout + stderr
inline constexpr const char* k_script = "script";          // the command, when it starts with "#!"
inline constexpr const char* k_supervisor_json = "supervisor.json";  // pids + start times
inline constexpr const char* k_status_json = "status.json";          // the outcome; written last

// Written by the daemon's Slurm runner (daemon/slurm/slurm_files.h): the execution runs there.
inline constexpr const char* k_slurm_json = "slurm.json";

}  // namespace vhtask::supervisor::execution_files
