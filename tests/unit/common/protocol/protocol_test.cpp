#include "common/protocol/protocol.h"

#include "common/protocol/json_rpc_framing.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace vhtask::common::protocol {
namespace {

namespace json = boost::json;

TEST(Protocol, VersionListsCapabilitiesAndChecksRequiredOnes) {
  const auto result = version_result({});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->at("protocol"), json::value(k_protocol_version));
  EXPECT_EQ(result->at("server").as_string(), "vhtaskd " VHTASK_VERSION);
  EXPECT_EQ(result->at("capabilities").as_array().size(), capabilities().size());
  EXPECT_TRUE(has_capability("cmd-version"));

  const auto params = json::parse(R"({"required":["cmd-version","time-travel","teleport"]})");
  const auto required = parse_version_params(params.as_object());
  ASSERT_TRUE(required);
  const auto missing = version_result(*required);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Error::Code::unsupported);
  EXPECT_NE(missing.error().message.find("time-travel, teleport"), std::string::npos);
  EXPECT_EQ(to_rpc_error(missing.error()).code, k_unsupported);

  EXPECT_FALSE(parse_version_params(json::parse(R"({"required":"x"})").as_object()));
  EXPECT_FALSE(parse_version_params(json::parse(R"({"required":[1]})").as_object()));
}

TEST(Protocol, ErrorsMapToDistinctApplicationCodes) {
  EXPECT_EQ(to_rpc_error(Error::not_found("no task 3")).code, k_not_found);
  EXPECT_EQ(to_rpc_error(Error::not_found("no task 3")).message, "no task 3");
  EXPECT_EQ(to_rpc_error(Error::invalid_argument("")).code, k_invalid_argument);
  EXPECT_EQ(to_rpc_error(Error::io("")).code, k_io_error);
  EXPECT_EQ(to_rpc_error(Error::db("")).code, k_db_error);
  EXPECT_EQ(to_rpc_error(Error::spawn("")).code, k_spawn_error);
  EXPECT_EQ(to_rpc_error(Error::protocol("")).code, k_protocol_error);
  EXPECT_EQ(to_rpc_error(Error::unsupported("")).code, k_unsupported);

  const auto too_large = message_too_large_response();
  EXPECT_TRUE(too_large.id.is_null());
  EXPECT_EQ(too_large.error().code, k_message_too_large);
}

// A server loop without a socket: every line gets exactly one reply and a bad line does not
// disturb the next one.
TEST(Protocol, AConnectionSurvivesEveryKindOfBadMessage) {
  protocol::LineBuffer buffer;
  std::string replies;
  const auto serve = [&](std::string_view bytes) {
    buffer.append(bytes);
    while (auto frame = buffer.next()) {
      if (frame->kind == protocol::Frame::Kind::oversize) {
        replies += protocol::serialize(message_too_large_response());
        continue;
      }
      auto parsed = protocol::parse_request(frame->text);
      if (auto* error = std::get_if<protocol::Response>(&parsed)) {
        replies += protocol::serialize(*error);
        continue;
      }
      const auto& request = std::get<protocol::Request>(parsed);
      if (request.method != k_version) {
        replies += protocol::serialize(protocol::make_error(
            request.id.value_or(nullptr), protocol::RpcError::method_not_found(request.method)));
        continue;
      }
      const auto required = parse_version_params(request.params);
      if (!required) {
        replies += protocol::serialize(protocol::make_error(
            *request.id, protocol::RpcError::invalid_params(required.error().message)));
        continue;
      }
      replies +=
          protocol::serialize(protocol::make_result(*request.id, *version_result(*required)));
    }
  };
  serve("garbage\n");
  serve(std::string(protocol::k_max_message_bytes + 5, ' ') + "\n");
  serve(R"({"jsonrpc":"2.0","id":1,"method":"nope"})"
        "\n");
  serve(R"({"jsonrpc":"2.0","id":2,"method":"version","params":{"required":3}})"
        "\n");
  serve(R"({"jsonrpc":"2.0","id":3,"method":"version"})"
        "\n");

  std::vector<json::value> lines;
  for (std::size_t start = 0, end = 0; (end = replies.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(json::parse(replies.substr(start, end - start)));
  }
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].at("error").at("code"), json::value(protocol::k_parse_error));
  EXPECT_EQ(lines[1].at("error").at("code"), json::value(k_message_too_large));
  EXPECT_EQ(lines[2].at("error").at("code"), json::value(protocol::k_method_not_found));
  EXPECT_EQ(lines[3].at("error").at("code"), json::value(protocol::k_invalid_params));
  EXPECT_EQ(lines[4].at("id"), json::value(3));
  EXPECT_EQ(lines[4].at("result").at("protocol"), json::value(1));
}

}  // namespace
}  // namespace vhtask::common::protocol
