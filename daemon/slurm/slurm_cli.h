#pragma once

// Running Slurm's command-line tools (sbatch, squeue, scancel, scontrol) and reading their
// output. The CLI is used rather than slurmrestd because its output has been stable across
// releases (docs/slurm.md). Plain blocking functions: each call waits for the tool to exit
// (squeue answers in ~10 ms); no thread restrictions.

#include "common/result.h"

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vhtask::daemon::slurm {

struct ToolOutput {
  int exit_status = 0;  // the tool's exit code; 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs argv[0] (searched in PATH) with argv, stdin /dev/null, capturing stdout and stderr.
// Error::spawn when it cannot be started, or when it did not finish within `timeout` (it is
// then killed): a wedged slurmctld must not freeze the daemon.
Result<ToolOutput> run_tool(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30));

// One line of `squeue -h -t all -r -O 'ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|,exit_code:|'`.
struct SlurmJobState {
  std::string array_job;   // the array's job id
  std::string array_task;  // the element's index ("N/A" for a job that is not an array)
  std::string state;       // PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...
  std::string reason;
  int exit_code = 0;  // a raw wait status (exit 3 -> 768)
};

// Keyed by "ARRAYJOB_INDEX".
std::map<std::string, SlurmJobState> parse_squeue(const std::string& text);

// squeue for the elements of the given array jobs. A job id squeue no longer knows (forgotten
// MinJobAge after it ended) makes squeue reject the whole list; then each job is asked alone,
// and the unknown ones are simply absent from the answer. Error::spawn when squeue fails.
Result<std::map<std::string, SlurmJobState>> query_jobs(const std::set<std::string>& jobs);

// The states in which a job no longer runs anything.
bool slurm_state_ended(const std::string& state);

}  // namespace vhtask::daemon::slurm
