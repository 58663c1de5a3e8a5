#include "client/rpc/autostart.h"

#include "client/app/run.h"
#include "client/commands/commands.h"
#include "client/rpc/daemon_binary.h"
#include "tests/support/fake_rpc_server.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <sys/stat.h>
#include <thread>

namespace vhtask::client::rpc {
namespace {

using namespace std::chrono_literals;

// Polls `condition` until it holds or `limit` passes; true if it held.
template <class Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit = 5'000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(1ms);  // polling the condition, not waiting it out
  }
  return true;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A fake `vhtaskd`: records its arguments (and that it ran) in `marker`, then serves nothing.
std::string write_fake_daemon(const test::TempDir& dir, const std::filesystem::path& marker) {
  const auto path = dir.write("bin/vhtaskd",
                              "#!/bin/sh\n"
                              "echo \"$@\" > '" +
                                  marker.string() +
                                  ".tmp'\n"
                                  "mv '" +
                                  marker.string() + ".tmp' '" + marker.string() + "'\n");
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

class AutostartTest : public ::testing::Test {
protected:
  std::filesystem::path socket() const { return m_dir.path() / "run" / "vhtask" / "d.sock"; }
  std::filesystem::path marker() const { return m_dir.path() / "started"; }

  AutostartOptions options() const {
    AutostartOptions o;
    o.socket_path = socket().string();
    o.daemon_binary = write_fake_daemon(m_dir, marker());
    o.daemon_args = {"--socket", socket().string()};
    o.timeout = 300ms;
    return o;
  }

  test::TempDir m_dir;
};

TEST_F(AutostartTest, DisabledAutostartFailsWithTheHint) {
  auto o = options();
  o.enabled = false;
  const auto fd = connect_or_autostart(o);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().exit_code, k_exit_unreachable);
  EXPECT_EQ(fd.error().message, "vhtaskd is not running (socket " + socket().string() +
                                    "); start it with `vhtask daemon` or "
                                    "`systemctl --user start vhtaskd.socket`");
  EXPECT_FALSE(std::filesystem::exists(marker()));
}

TEST_F(AutostartTest, ADaemonThatNeverListensTimesOutWithExit3) {
  const auto started = std::chrono::steady_clock::now();
  const auto fd = connect_or_autostart(options());
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().exit_code, k_exit_unreachable);
  EXPECT_NE(fd.error().message.find("did not listen"), std::string::npos) << fd.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(marker()); }));
  EXPECT_EQ(read_text(marker()), "--socket " + socket().string() + "\n");
  // The socket dir was created private, with the lock file in it.
  struct stat st {};
  ASSERT_EQ(::stat(socket().parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(std::filesystem::exists(socket().parent_path() / "autostart.lock"));
}

TEST_F(AutostartTest, ConnectsOnceTheStartedDaemonListens) {
  auto o = options();
  o.timeout = 10s;
  // Stands in for the daemon: starts listening once the fake vhtaskd has run.
  std::unique_ptr<test::FakeRpcServer> server;
  std::thread daemon([&] {
    if (wait_until([&] { return std::filesystem::exists(marker()); }, 9s)) {
      server = std::make_unique<test::FakeRpcServer>(socket().string(), nullptr);
    }
  });
  const auto fd = connect_or_autostart(o);
  daemon.join();
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_TRUE(fd->valid());
}

TEST_F(AutostartTest, AMissingBinaryIsASpawnError) {
  const auto spawned = spawn_detached((m_dir.path() / "no-such-vhtaskd").string(), {});
  ASSERT_FALSE(spawned);
  EXPECT_EQ(spawned.error().code, Error::Code::spawn);
  EXPECT_NE(spawned.error().message.find("No such file"), std::string::npos);
}

TEST(ConnectTimeout, ComesFromTheEnvironmentWhenValid) {
  ::setenv("VHTASK_CONNECT_TIMEOUT_MS", "250", 1);
  EXPECT_EQ(connect_timeout_from_env(), 250ms);
  ::setenv("VHTASK_CONNECT_TIMEOUT_MS", "soon", 1);
  EXPECT_EQ(connect_timeout_from_env(), 10'000ms);
  ::unsetenv("VHTASK_CONNECT_TIMEOUT_MS");
  EXPECT_EQ(connect_timeout_from_env(), 10'000ms);
}

// Sets environment variables for one test and restores them after.
class ScopedEnv {
public:
  void set(const char* name, const std::string& value) {
    const char* old = std::getenv(name);
    m_saved.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (auto it = m_saved.rbegin(); it != m_saved.rend(); ++it) {
      if (it->second) {
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        ::unsetenv(it->first.c_str());
      }
    }
  }

private:
  std::vector<std::pair<std::string, std::optional<std::string>>> m_saved;
};

int run_client(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  return app::run(static_cast<int>(argv.size()), argv.data());
}

TEST_F(AutostartTest, TheClientFindsVhtaskdInPathAndPassesItsGlobalFlags) {
  const auto binary = write_fake_daemon(m_dir, marker());
  ScopedEnv env;
  env.set("PATH", std::filesystem::path(binary).parent_path().string() + ":/usr/bin:/bin");
  env.set("VHTASK_CONNECT_TIMEOUT_MS", "200");
  ::unsetenv("VHTASK_NO_AUTOSTART");
  const auto state = (m_dir.path() / "state").string();
  ::testing::internal::CaptureStderr();
  const int status =
      run_client({"vhtask", "--socket", socket().string(), "--state-dir", state, "status"});
  const auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, k_exit_unreachable);
  EXPECT_NE(err.find("vhtask: started vhtaskd"), std::string::npos) << err;
  EXPECT_NE(err.find("hint: "), std::string::npos) << err;
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(marker()); }));
  EXPECT_EQ(read_text(marker()), "--socket " + socket().string() + " --state-dir " + state + "\n");
}

TEST_F(AutostartTest, NoAutostartFlagAndEnvExitWith3AndTheHint) {
  ScopedEnv env;
  for (const bool by_env : {false, true}) {
    std::vector<std::string> args = {"vhtask", "--socket", socket().string(), "status"};
    if (by_env) {
      env.set("VHTASK_NO_AUTOSTART", "1");
    } else {
      args.insert(args.begin() + 1, "--no-autostart");
    }
    ::testing::internal::CaptureStderr();
    const int status = run_client(args);
    const auto err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(status, k_exit_unreachable);
    EXPECT_EQ(err, "vhtask: vhtaskd is not running (socket " + socket().string() +
                       "); start it with `vhtask daemon` or "
                       "`systemctl --user start vhtaskd.socket`\n");
  }
  EXPECT_FALSE(std::filesystem::exists(marker()));
}

}  // namespace
}  // namespace vhtask::client::rpc
