#pragma once

// Running a real program from a test: arguments, optional stdin text, captured stdout and
// stderr, and a deadline after which the child is killed and the run reported as timed out.

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace vhtask::test {

struct RunResult {
  int exit_code = -1;      // the exit status, or -1 when killed by a signal
  int term_signal = 0;     // the signal that ended it, if any
  bool timed_out = false;  // the deadline passed and the child was killed
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string stdin_text;                  // written to the child's stdin, then closed
  std::map<std::string, std::string> env;  // added to (or replacing in) the environment
  std::string cwd;                         // empty: the test's cwd
  std::chrono::milliseconds deadline{30'000};
};

// Runs argv[0] (searched in PATH) with argv; waits for it to exit and both pipes to close.
RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

}  // namespace vhtask::test
