#pragma once

// What `vhtask start` records about where it was run: the working directory, the whole
// environment, and the git commit checked out there. The daemon runs the executions with these,
// so a task runs as if started from this shell. Main thread only (runs git as a child process).

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace vhtask::client {

// The current directory, or "" if it cannot be read (deleted).
std::string current_directory();

// Every variable of this process's environment as a JSON object of strings. An entry without '='
// is skipped; the first of duplicate names wins, as getenv() would see it.
boost::json::object environment_object();

// `git rev-parse HEAD` in `dir`: the 40-hex commit, or nullopt when `dir` is not in a git
// checkout, git is missing, or it says anything else. git's stderr is discarded.
std::optional<std::string> git_commit(const std::string& dir);

}  // namespace vhtask::client
