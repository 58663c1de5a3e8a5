#pragma once

// A temporary directory for one test, removed with everything in it when the object goes.

#include <filesystem>
#include <string>

namespace vhtask::test {

class TempDir {
public:
  TempDir();
  // Under `base` instead of the system's temp directory (e.g. /dev/shm, where SQLite's syncs
  // cost nothing, for unit tests that must stay fast).
  explicit TempDir(const std::filesystem::path& base);
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return m_path; }

  // Writes `content` to path()/name (creating parent directories) and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

private:
  std::filesystem::path m_path;
};

}  // namespace vhtask::test
