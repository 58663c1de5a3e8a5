// The daemon's private directories (daemon/store/state_dir.h), symlinks included.
#include "daemon/store/state_dir.h"

#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::daemon {
namespace {

namespace fs = std::filesystem;

TEST(StateDir, CreatesAMissingDirectory0700WhateverTheUmask) {
  test::TempDir dir;
  const std::string path = (dir.path() / "a" / "b").string();
  const mode_t old_mask = ::umask(0);
  const auto made = store::ensure_private_dir(path);
  ::umask(old_mask);
  ASSERT_TRUE(made) << made.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(StateDir, ASymlinkOfYourOwnToAPrivateDirectoryIsAccepted) {
  test::TempDir dir;
  fs::create_directory(dir.path() / "real");
  fs::permissions(dir.path() / "real", fs::perms::owner_all);
  fs::create_directory_symlink(dir.path() / "real", dir.path() / "link");
  const auto checked = store::ensure_private_dir((dir.path() / "link").string());
  EXPECT_TRUE(checked) << checked.error().message;
}

TEST(StateDir, ASymlinkToADirectoryWritableByOthersIsRefused) {
  test::TempDir dir;
  fs::create_directory(dir.path() / "real");
  ASSERT_EQ(::chmod((dir.path() / "real").c_str(), 0777), 0);
  const std::string link = (dir.path() / "link").string();
  fs::create_directory_symlink(dir.path() / "real", link);
  const auto checked = store::ensure_private_dir(link);
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find(link + " is writable by others"), std::string::npos)
      << checked.error().message;
}

TEST(StateDir, ASymlinkOwnedByAnotherUserIsRefusedBeforeAnythingIsCreated) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to give a symlink to another uid";
  }
  test::TempDir dir;
  const std::string link = (dir.path() / "link").string();
  // Dangling: following it would create the directory where the link's owner chose.
  fs::create_directory_symlink(dir.path() / "elsewhere", link);
  ASSERT_EQ(::lchown(link.c_str(), 65534, 65534), 0);
  const auto checked = store::ensure_private_dir(link);
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find(link + " is a symbolic link owned by uid 65534"),
            std::string::npos)
      << checked.error().message;
  EXPECT_FALSE(fs::exists(dir.path() / "elsewhere"));
}

}  // namespace
}  // namespace vhtask::daemon
