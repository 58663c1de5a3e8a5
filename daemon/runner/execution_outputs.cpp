#include "daemon/runner/execution_outputs.h"

#include "supervisor/execution_files.h"

#include <algorithm>
#include <filesystem>

namespace vhtask::daemon::runner {

namespace fs = std::filesystem;

OutputListing list_outputs(const std::string& exec_dir, std::size_t limit) {
  OutputListing listing;
  std::error_code ec;
  const fs::path root =
      fs::absolute(fs::path(exec_dir) / supervisor::execution_files::k_outputs_dir, ec);
  listing.directory = root.lexically_normal().string();
  if (ec) {
    return listing;
  }
  // Errors (a file removed while listing, a directory without permission) skip that entry.
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec)) {
      continue;
    }
    const auto size = it->file_size(entry_ec);
    if (entry_ec) {
      continue;
    }
    OutputFile file;
    file.name = it->path().lexically_relative(root).generic_string();
    file.path = (fs::path(listing.directory) / file.name).string();
    file.size = size;
    listing.files.push_back(std::move(file));
  }
  std::sort(listing.files.begin(), listing.files.end(),
            [](const OutputFile& a, const OutputFile& b) { return a.name < b.name; });
  listing.total = listing.files.size();
  if (listing.files.size() > limit) {
    listing.files.resize(limit);
  }
  return listing;
}

}  // namespace vhtask::daemon::runner
