#pragma once

// The files the Slurm executor adds to the shared state dir (schema/execution-dir.md, "Slurm"):
//   EXEC_DIR/slurm-run   the execution's launcher: vhtask-supervise with the exact environment
//                        and arguments the local executor would give it (an array element runs it)
//   EXEC_DIR/slurm.json  which array element runs it: {"name", "job", "element", "task"};
//                        written before sbatch, with job null (the id goes to WORK/NAME.job)
//   EXEC_DIR/stop        present once vhtask stopped it (the element skips it if not started)
//   WORK/NAME.sh         one array's batch script; WORK/NAME.ids its manifest (line N+1: the
//                        execution ids element N runs, in order); WORK/NAME.out sbatch's output;
//                        WORK/NAME.job the array's job id, once sbatch answered
// Plain functions on the filesystem; no thread restrictions.

#include "common/protocol/ids.h"
#include "common/result.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::daemon::slurm {

struct SlurmJobRecord {
  std::string name;     // the array's --job-name, unique per submission
  std::string job;      // the array's job id; empty while unknown
  std::size_t element;  // the array index that runs this execution
  TaskId task;
};

Result<void> write_slurm_json(const std::string& exec_dir, const SlurmJobRecord& record);
// Error::not_found without the file; Error::io when unreadable.
Result<SlurmJobRecord> read_slurm_json(const std::string& exec_dir);

// Writes EXEC_DIR/slurm-run: `exec env -i ENV... BINARY ARGS...` with stdin /dev/null and
// stdout+stderr appended to supervisor.log, as spawn_supervisor() would start it.
Result<void> write_slurm_launcher(const std::string& exec_dir, const std::string& binary,
                                  const std::vector<std::string>& args,
                                  const std::vector<std::string>& env);

// Writes WORK/NAME.ids and WORK/NAME.sh (creating WORK); returns the script's path. Element N
// runs EXECUTIONS_DIR/<id>/slurm-run for each id of elements[N] in order, skipping those with
// a `stop` file; SIGTERM (scancel --batch) stops the current one through its supervisor and
// starts no other; SIGUSR1 (scancel --batch) stops the current one if it has a `stop` file, and
// the element goes on.
Result<std::string> write_array_script(const std::string& work_dir, const std::string& name,
                                       const std::string& executions_dir,
                                       const std::vector<std::vector<ExecutionId>>& elements);

// WORK/NAME.job: the array's job id. read_array_job() returns "" when it is missing.
Result<void> write_array_job(const std::string& work_dir, const std::string& name,
                             const std::string& job);
std::string read_array_job(const std::string& work_dir, const std::string& name);

Result<void> touch_stop_file(const std::string& exec_dir);

// The state dir must be on a filesystem the nodes share. Fails when `dir` is on a node-local
// filesystem (tmpfs, ramfs) and the partition (or the cluster) has more than one node; a single
// node test cluster may use /tmp. Other filesystems are trusted (docs/slurm.md).
Result<void> check_shared_filesystem(const std::string& dir,
                                     const std::optional<std::string>& partition);

}  // namespace vhtask::daemon::slurm
