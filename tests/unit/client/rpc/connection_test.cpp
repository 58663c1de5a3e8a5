#include "client/rpc/connection.h"

#include "client/commands/commands.h"
#include "client/rpc/session.h"
#include "common/protocol/protocol.h"
#include "tests/support/fake_rpc_server.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace vhtask::client::rpc {
namespace {

namespace protocol = common::protocol;
using test::FakeReply;
using test::FakeRpcServer;

Connection connect_to(const FakeRpcServer& server) {
  auto attempt = connect_unix(server.socket_path());
  EXPECT_TRUE(attempt.fd.valid()) << std::strerror(attempt.error);
  Connection connection(std::move(attempt.fd), server.socket_path());
  // No test may hang: a server that never answers fails the call instead.
  connection.set_timeout(std::chrono::milliseconds(5'000));
  return connection;
}

class ConnectionTest : public ::testing::Test {
protected:
  std::string socket() const { return (m_dir.path() / "d.sock").string(); }

  test::TempDir m_dir;
};

TEST_F(ConnectionTest, ConnectReportsWhyNoDaemonListens) {
  EXPECT_EQ(connect_unix(socket()).error, ENOENT);
  EXPECT_EQ(connect_unix(std::string(200, 'x')).error, ENAMETOOLONG);
}

TEST_F(ConnectionTest, CallSendsARequestAndReturnsItsResult) {
  FakeRpcServer server(socket(), [](const protocol::Request& r) -> std::optional<FakeReply> {
    if (r.method == "show") {
      return FakeReply{{FakeRpcServer::result(r, {{"execution", {{"id", 301}}}})}};
    }
    return std::nullopt;
  });
  auto connection = connect_to(server);
  const auto response = connection.call("show", {{"execution", 301}});
  ASSERT_TRUE(response) << response.error().message;
  ASSERT_FALSE(response->is_error());
  EXPECT_EQ(response->result().at("execution").at("id"), 301);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "show");
  EXPECT_EQ(requests[0].params.at("execution"), 301);
  EXPECT_TRUE(requests[0].id && requests[0].id->is_int64());
}

TEST_F(ConnectionTest, StreamHandsOverItsNotificationsThenTheFinalResult) {
  FakeRpcServer server(socket(), [](const protocol::Request& r) -> std::optional<FakeReply> {
    const auto id = r.id->as_int64();
    return FakeReply{{
        FakeRpcServer::notification("logs.output", {{"request", id}, {"text", "epoch 1\n"}}),
        FakeRpcServer::notification("logs.output", {{"request", id + 100}, {"text", "other"}}),
        FakeRpcServer::notification("something.new", {{"request", id}}),
        FakeRpcServer::notification("logs.output", {{"request", id}, {"text", "epoch 2\n"}}),
        // A response to some other request is not ours.
        R"({"jsonrpc":"2.0","id":"other","result":{}})",
        FakeRpcServer::result(r, {{"state", "complete"}, {"exit_code", 0}}),
    }};
  });
  auto connection = connect_to(server);
  std::vector<std::string> seen;
  const auto response = connection.stream(
      "logs", {{"execution", 1}, {"follow", true}}, [&](const protocol::Notification& n) {
        seen.push_back(
            n.method + ":" +
            (n.params.contains("text") ? std::string(n.params.at("text").as_string()) : ""));
      });
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->result().at("state"), "complete");
  EXPECT_EQ(seen, (std::vector<std::string>{"logs.output:epoch 1\n",
                                            "something.new:", "logs.output:epoch 2\n"}));
}

TEST_F(ConnectionTest, ErrorResponsesAreReturnedForTheCallerToMap) {
  FakeRpcServer server(socket(), [](const protocol::Request& r) -> std::optional<FakeReply> {
    return FakeReply{{FakeRpcServer::error(r, protocol::k_not_found, "task 9 does not exist")}};
  });
  auto connection = connect_to(server);
  const auto response = connection.call("status", {{"task", 9}});
  ASSERT_TRUE(response);
  ASSERT_TRUE(response->is_error());
  EXPECT_EQ(response->error().code, protocol::k_not_found);
}

TEST_F(ConnectionTest, GarbageFromTheDaemonIsAProtocolError) {
  FakeRpcServer server(socket(), [](const protocol::Request&) -> std::optional<FakeReply> {
    return FakeReply{{"this is not json"}};
  });
  auto connection = connect_to(server);
  const auto response = connection.call("status", {});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, Error::Code::protocol);
  EXPECT_EQ(transport_failure(response.error()).exit_code, k_exit_unreachable);
}

TEST_F(ConnectionTest, AnOversizedReplyIsDiscardedAndReported) {
  FakeRpcServer server(socket(), [](const protocol::Request&) -> std::optional<FakeReply> {
    return FakeReply{
        {"{\"pad\":\"" + std::string(protocol::k_max_message_bytes + 10, 'x') + "\"}"}};
  });
  auto connection = connect_to(server);
  const auto response = connection.call("status", {});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, Error::Code::protocol);
  EXPECT_NE(response.error().message.find("over 1048576 bytes"), std::string::npos)
      << response.error().message;
}

TEST_F(ConnectionTest, ARequestOverTheLimitIsRefusedBeforeSending) {
  FakeRpcServer server(socket(), {});
  auto connection = connect_to(server);
  const auto response =
      connection.call("start", {{"config_text", std::string(protocol::k_max_message_bytes, 'x')}});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, Error::Code::invalid_argument);
  EXPECT_EQ(transport_failure(response.error()).exit_code, k_exit_usage);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(ConnectionTest, AClosedConnectionIsAnIoError) {
  FakeRpcServer server(socket(), [](const protocol::Request&) -> std::optional<FakeReply> {
    return FakeReply{{}, true};
  });
  auto connection = connect_to(server);
  const auto response = connection.call("status", {});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, Error::Code::io);
  EXPECT_NE(response.error().message.find("closed the connection"), std::string::npos);
}

TEST_F(ConnectionTest, ATimeoutEndsAWaitForASilentDaemon) {
  FakeRpcServer server(socket(), [](const protocol::Request&) -> std::optional<FakeReply> {
    return FakeReply{};  // never answers
  });
  auto connection = connect_to(server);
  connection.set_timeout(std::chrono::milliseconds(20));
  const auto response = connection.call("status", {});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, Error::Code::io);
}

TEST(RpcFailure, MapsErrorCodesToExitStatusesWithAHint) {
  const auto not_found = rpc_failure({protocol::k_not_found, "task 9 does not exist", {}});
  EXPECT_EQ(not_found.exit_code, k_exit_usage);
  EXPECT_EQ(not_found.message, "task 9 does not exist");
  EXPECT_NE(not_found.hint.find("vhtask status"), std::string::npos);
  EXPECT_EQ(rpc_failure({protocol::k_invalid_argument, "bad", {}}).exit_code, k_exit_usage);
  EXPECT_EQ(rpc_failure({protocol::k_invalid_params, "bad", {}}).exit_code, k_exit_usage);
  EXPECT_EQ(rpc_failure({protocol::k_shutting_down, "bye", {}}).exit_code, k_exit_unreachable);
  EXPECT_EQ(rpc_failure({protocol::k_internal_error, "bug", {}}).exit_code, k_exit_unreachable);
  for (const int code : {protocol::k_not_found, protocol::k_invalid_argument,
                         protocol::k_invalid_params, protocol::k_shutting_down}) {
    EXPECT_FALSE(rpc_failure({code, "x", {}}).hint.empty()) << code;
  }
}

class SessionTest : public ConnectionTest {
protected:
  GlobalOptions global() const {
    GlobalOptions options;
    options.socket = socket();
    options.no_autostart = true;
    return options;
  }
};

TEST_F(SessionTest, SendsVersionFirstWithTheRequiredCapabilities) {
  FakeRpcServer server(socket(), [](const protocol::Request& r) -> std::optional<FakeReply> {
    if (r.method == "stop") {
      return FakeReply{{FakeRpcServer::result(r, {{"stopped", 2}})}};
    }
    return std::nullopt;
  });
  auto session = open_session(global(), {"cmd-stop"}, {"status-watch"});
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_TRUE(session->has("status-watch"));
  const auto result = session->call("stop", {{"task", 3}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->at("stopped"), 2);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "version");
  EXPECT_EQ(requests[0].params.at("required"), boost::json::array{"cmd-stop"});
}

TEST_F(SessionTest, ADaemonLackingACapabilityIsReportedClearly) {
  FakeRpcServer server(socket(), {});
  server.set_capabilities({"cmd-version", "cmd-status"});
  auto session = open_session(global(), {"cmd-rerun"});
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().exit_code, k_exit_unreachable);
  EXPECT_NE(session.error().message.find("cmd-rerun"), std::string::npos)
      << session.error().message;
  EXPECT_NE(session.error().hint.find("vhtask shutdown"), std::string::npos);
}

TEST_F(SessionTest, AnUnsupportedErrorToVersionIsReportedClearly) {
  FakeRpcServer server(socket(), [](const protocol::Request& r) -> std::optional<FakeReply> {
    return FakeReply{
        {FakeRpcServer::error(r, protocol::k_unsupported, "missing capabilities: cmd-logs")}};
  });
  auto session = open_session(global(), {"cmd-logs"});
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().exit_code, k_exit_unreachable);
  EXPECT_NE(session.error().message.find("cmd-logs"), std::string::npos);
}

TEST_F(SessionTest, DaemonErrorsBecomeFailures) {
  FakeRpcServer server(socket(), [](const protocol::Request& r) -> std::optional<FakeReply> {
    if (r.method == "show") {
      return FakeReply{{FakeRpcServer::error(r, protocol::k_not_found, "no execution 5")}};
    }
    return std::nullopt;
  });
  auto session = open_session(global(), {"cmd-show"});
  ASSERT_TRUE(session);
  const auto result = session->call("show", {{"execution", 5}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().exit_code, k_exit_usage);
  EXPECT_EQ(result.error().message, "no execution 5");
}

}  // namespace
}  // namespace vhtask::client::rpc
