#include "tests/support/tmpfs_mount.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <vector>

namespace vhtask::test {

TmpfsMount::TmpfsMount(std::string dir, std::size_t bytes) : m_dir(std::move(dir)) {
  std::error_code ec;
  std::filesystem::create_directories(m_dir, ec);
  const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
  if (::mount("tmpfs", m_dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    m_error = "mount -t tmpfs -o " + options + " " + m_dir + ": " + std::strerror(errno);
    return;
  }
  m_mounted = true;
}

TmpfsMount::~TmpfsMount() {
  if (m_mounted) {
    ::umount2(m_dir.c_str(), MNT_DETACH);
  }
}

std::size_t fill_filesystem(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return 0;
  }
  std::size_t total = 0;
  // Big chunks first, then pages, so the last free block is taken too.
  for (const std::size_t chunk : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{1}}) {
    const std::vector<char> zeros(chunk, '\0');
    for (;;) {
      const ssize_t n = ::write(fd, zeros.data(), zeros.size());
      if (n <= 0) {
        break;
      }
      total += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
  return total;
}

std::size_t free_bytes(const std::string& path) {
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0) {
    return 0;
  }
  return static_cast<std::size_t>(fs.f_bfree) * fs.f_frsize;
}

}  // namespace vhtask::test
