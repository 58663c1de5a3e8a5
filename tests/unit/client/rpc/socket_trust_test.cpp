// The client refuses sockets someone else could have put there (client/rpc/socket_trust.h) before
// it sends anything: each test puts a listening FakeRpcServer where the client looks and checks
// that the refusal names the path and that the server received no request.

#include "client/rpc/socket_trust.h"

#include "client/commands/commands.h"
#include "client/rpc/autostart.h"
#include "tests/support/fake_rpc_server.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::client::rpc {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr uid_t k_nobody = 65534;

class SocketTrustTest : public ::testing::Test {
protected:
  fs::path dir() const { return m_dir.path() / "run"; }
  fs::path socket() const { return dir() / "vhtask.sock"; }

  void SetUp() override {
    fs::create_directories(dir());
    ::chmod(dir().c_str(), 0700);
  }

  // Autostart on, with a daemon binary that would leave a marker if it were ever run.
  AutostartOptions options() const {
    AutostartOptions o;
    o.socket_path = socket().string();
    o.daemon_binary = m_dir.write("bin/vhtaskd", "#!/bin/sh\ntouch '" + marker().string() + "'\n");
    fs::permissions(o.daemon_binary, fs::perms::owner_all);
    o.timeout = 300ms;
    return o;
  }
  fs::path marker() const { return m_dir.path() / "daemon-ran"; }

  test::TempDir m_dir;
};

TEST_F(SocketTrustTest, AnOwnPrivateSocketIsTrusted) {
  test::FakeRpcServer server(socket().string(), nullptr);
  const auto fd = connect_or_autostart(options());
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_TRUE(check_peer(fd->get(), socket().string()));
}

TEST_F(SocketTrustTest, ASocketDirWritableByOthersIsRefused) {
  test::FakeRpcServer server(socket().string(), nullptr);
  ASSERT_EQ(::chmod(dir().c_str(), 0777), 0);
  const auto fd = connect_or_autostart(options());
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().exit_code, k_exit_unreachable);
  EXPECT_EQ(fd.error().message, "refusing to use the socket " + socket().string() +
                                    ": its directory " + dir().string() +
                                    " is writable by others (mode 777); run chmod go-w " +
                                    dir().string() + "; nothing was sent to it");
  EXPECT_TRUE(server.requests().empty());
  EXPECT_FALSE(fs::exists(marker()));
}

TEST_F(SocketTrustTest, AGroupWritableSocketDirIsRefusedEvenWithoutASocket) {
  ASSERT_EQ(::chmod(dir().c_str(), 0770), 0);
  const auto fd = connect_or_autostart(options());
  ASSERT_FALSE(fd);
  EXPECT_NE(fd.error().message.find("writable by others (mode 770)"), std::string::npos)
      << fd.error().message;
  // Autostart neither locked nor started anything in it.
  EXPECT_FALSE(fs::exists(dir() / "autostart.lock"));
  EXPECT_FALSE(fs::exists(marker()));
}

TEST_F(SocketTrustTest, ASocketFileWritableByOthersIsRefused) {
  test::FakeRpcServer server(socket().string(), nullptr);
  ASSERT_EQ(::chmod(socket().c_str(), 0666), 0);
  const auto fd = connect_or_autostart(options());
  ASSERT_FALSE(fd);
  EXPECT_NE(fd.error().message.find("refusing to use the socket " + socket().string() +
                                    ": the socket file is writable by others (mode 666)"),
            std::string::npos)
      << fd.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(SocketTrustTest, ADirOwnedBySomeoneElseIsRefused) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to give a directory to uid 65534";
  }
  test::FakeRpcServer server(socket().string(), nullptr);
  ASSERT_EQ(::chown(dir().c_str(), k_nobody, k_nobody), 0);
  const auto fd = connect_or_autostart(options());
  ASSERT_FALSE(fd);
  EXPECT_NE(fd.error().message.find("its directory " + dir().string() +
                                    " is owned by uid 65534, not by you (uid 0)"),
            std::string::npos)
      << fd.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(SocketTrustTest, ASocketFileOwnedBySomeoneElseIsRefused) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to give a socket to uid 65534";
  }
  test::FakeRpcServer server(socket().string(), nullptr);
  ASSERT_EQ(::chown(socket().c_str(), k_nobody, k_nobody), 0);
  const auto fd = connect_or_autostart(options());
  ASSERT_FALSE(fd);
  EXPECT_NE(fd.error().message.find("the socket file is owned by uid 65534"), std::string::npos)
      << fd.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(SocketTrustTest, AMissingDirIsCreatedPrivateForAutostart) {
  const auto o = options();
  fs::remove(dir());
  auto checked = check_socket_dir(o.socket_path);
  ASSERT_TRUE(checked);
  EXPECT_FALSE(*checked);
  const auto fd = connect_or_autostart(o);
  ASSERT_FALSE(fd);  // the stand-in daemon never listens
  struct stat st {};
  ASSERT_EQ(::stat(dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace vhtask::client::rpc
