#pragma once

// TmpfsMount: a small tmpfs mounted on a test's directory (root only), to run the daemon on a
// filesystem the test can fill. Unmounted (lazily, so open files do not keep it busy) when the
// object goes. Also fill(): takes every free block of a filesystem with a filler file.

#include <cstddef>
#include <string>

namespace vhtask::test {

class TmpfsMount {
public:
  // Creates `dir` if needed and mounts a tmpfs of `bytes` on it (mode 0700). Check ok(); error()
  // says why not (not root, no CAP_SYS_ADMIN in this container).
  TmpfsMount(std::string dir, std::size_t bytes);
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  ~TmpfsMount();

  bool ok() const { return m_mounted; }
  const std::string& error() const { return m_error; }
  const std::string& dir() const { return m_dir; }

private:
  std::string m_dir;
  bool m_mounted = false;
  std::string m_error;
};

// Writes `path` until its filesystem has no free block (ENOSPC); returns the bytes written.
// Remove the file to give the space back.
std::size_t fill_filesystem(const std::string& path);

// Free bytes on the filesystem holding `path` (for root: f_bfree).
std::size_t free_bytes(const std::string& path);

}  // namespace vhtask::test
