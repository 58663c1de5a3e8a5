#pragma once

// The files an execution wrote to its VH_OUTPUTS_DIR (EXEC_DIR/outputs), as `show` lists them
// and `vhtask outputs` prints them (schema/protocol.md, "show"). A plain function on the
// filesystem; no thread restrictions.

#include <cstdint>
#include <string>
#include <vector>

namespace vhtask::daemon::runner {

struct OutputFile {
  std::string name;  // relative to the outputs directory, '/'-separated ("plots/loss.png")
  std::string path;  // absolute
  std::uintmax_t size = 0;
};

struct OutputListing {
  std::string directory;          // the outputs directory, absolute
  std::vector<OutputFile> files;  // by name; at most `limit` of them
  std::size_t total = 0;          // every file found, also those beyond `limit`
};

// Every regular file under exec_dir/outputs (recursively; a symbolic link counts by its
// target, and is not followed into a directory), sorted by name. A missing or unreadable
// directory lists nothing: an execution that has not started has no outputs yet.
OutputListing list_outputs(const std::string& exec_dir, std::size_t limit);

}  // namespace vhtask::daemon::runner
