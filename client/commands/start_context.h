#pragma once

// What `vhtask start` records about where it was run: the project directory (the folder holding
// the valohai.yaml, where every execution runs: spec section 5), the whole environment, and the
// git commit checked out there (and whether the tree was dirty). The daemon runs the executions
// with these, so a task runs as if started from this shell in the project's checkout. Main thread
// only (runs git as a child process).

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace vhtask::client::commands {

// The absolute, normalised directory holding `config_file` (relative paths are taken against
// the current directory), or "" when that cannot be known (the current directory was deleted).
std::string project_directory(const std::string& config_file);

// The checkout `dir` is in, as git sees it.
struct GitState {
  std::optional<std::string> commit;  // `git rev-parse HEAD`: 40 hex digits
  // Tracked files differ from HEAD (staged or not), as `git describe --dirty` counts it:
  // untracked files do not make a tree dirty. nullopt without a commit, or when git status
  // failed.
  std::optional<bool> dirty;
};

// GitState of `dir`: both nullopt when `dir` is not in a git checkout (or has no commit yet),
// git is missing, or it says anything else. git's stderr is discarded.
GitState git_state(const std::string& dir);

}  // namespace vhtask::client::commands
