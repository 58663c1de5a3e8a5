#include "common/protocol/json_rpc.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace vhtask::common::protocol {
namespace {

namespace json = boost::json;

// The error a line is answered with (fails the test if the line parsed as a request).
Response error_for(std::string_view line) {
  auto parsed = parse_request(line);
  EXPECT_TRUE(std::holds_alternative<Response>(parsed)) << line;
  if (!std::holds_alternative<Response>(parsed)) {
    return make_error(nullptr, RpcError::internal_error("parsed"));
  }
  auto response = std::get<Response>(std::move(parsed));
  EXPECT_TRUE(response.is_error());
  return response;
}

Request request_for(std::string_view line) {
  auto parsed = parse_request(line);
  EXPECT_TRUE(std::holds_alternative<Request>(parsed))
      << line << " -> " << serialize(std::get<Response>(parsed));
  return std::holds_alternative<Request>(parsed) ? std::get<Request>(std::move(parsed)) : Request{};
}

TEST(JsonRpcParse, AcceptsRequestsWithEveryKindOfId) {
  auto request = request_for(R"({"jsonrpc":"2.0","id":7,"method":"status","params":{"task":3}})");
  EXPECT_EQ(request.method, "status");
  EXPECT_EQ(*request.id, json::value(7));
  EXPECT_EQ(request.params.at("task"), json::value(3));
  EXPECT_FALSE(request.is_notification());

  EXPECT_EQ(*request_for(R"({"jsonrpc":"2.0","id":"abc","method":"m"})").id, json::value("abc"));
  EXPECT_TRUE(request_for(R"({"jsonrpc":"2.0","id":null,"method":"m"})").id->is_null());
  EXPECT_TRUE(request_for(R"({"jsonrpc":"2.0","method":"m"})").is_notification());
  // Absent params read as {}; unknown members are ignored.
  EXPECT_TRUE(request_for(R"({"jsonrpc":"2.0","id":1,"method":"m","extra":true})").params.empty());
}

TEST(JsonRpcParse, InvalidJsonIsAParseErrorWithNullId) {
  for (const auto* line : {"{", "not json", R"({"jsonrpc":"2.0",})", "\xff\xfe"}) {
    const auto response = error_for(line);
    EXPECT_EQ(response.error().code, k_parse_error) << line;
    EXPECT_TRUE(response.id.is_null());
  }
}

// Found by fuzz/json_rpc_fuzzer: 1e999 parses as infinity, which no reply could carry back.
TEST(JsonRpcParse, NumbersTooLargeForADoubleAreParseErrors) {
  for (const auto* line : {R"({"jsonrpc":"2.0","id":1e999,"method":"version"})",
                           R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"n":[-1e400]}})"}) {
    const auto response = error_for(line);
    EXPECT_EQ(response.error().code, k_parse_error) << line;
    EXPECT_TRUE(response.id.is_null());
  }
  EXPECT_FALSE(parse_server_message(R"({"jsonrpc":"2.0","id":1e999,"result":{}})"));
}

TEST(JsonRpcParse, MalformedRequestsAreInvalidRequests) {
  EXPECT_EQ(error_for("[]").error().code, k_invalid_request);  // batch
  EXPECT_EQ(error_for("42").error().code, k_invalid_request);
  EXPECT_EQ(error_for(R"({"id":1,"method":"m"})").error().code, k_invalid_request);
  EXPECT_EQ(error_for(R"({"jsonrpc":"1.0","id":1,"method":"m"})").error().code, k_invalid_request);
  EXPECT_EQ(error_for(R"({"jsonrpc":"2.0","id":{},"method":"m"})").error().code, k_invalid_request);
  EXPECT_EQ(error_for(R"({"jsonrpc":"2.0","id":1,"method":5})").error().code, k_invalid_request);
  EXPECT_EQ(error_for(R"({"jsonrpc":"2.0","id":1,"method":"m","params":3})").error().code,
            k_invalid_request);
  // Once the id is known, the error answers to it.
  EXPECT_EQ(error_for(R"({"jsonrpc":"2.0","id":9,"method":5})").id, json::value(9));
}

// Boost.JSON keeps the last of two equal keys; the protocol refuses the message instead, naming
// where the repeated key is.
TEST(JsonRpcParse, DuplicateKeysAtAnyDepthAreInvalidRequests) {
  const struct {
    const char* line;
    const char* path;
  } cases[] = {
      {R"({"jsonrpc":"2.0","id":3,"method":"stop","method":"shutdown"})", "method"},
      {R"({"jsonrpc":"2.0","id":3,"method":"stop","params":{"task":1,"task":2}})", "params.task"},
      {R"({"jsonrpc":"2.0","id":3,"method":"m","params":{"env":{"A":"1","B":"","A":"2"}}})",
       "params.env.A"},
      {R"({"jsonrpc":"2.0","id":3,"method":"m","params":{"x":[1,{"a":1},{"b":1,"b":2}]}})",
       "params.x[2].b"},
      // The same key spelled with an escape is still the same key.
      {R"({"jsonrpc":"2.0","id":3,"method":"m","params":{"ab":1,"ab":2}})", "params.ab"},
  };
  for (const auto& c : cases) {
    const auto response = error_for(c.line);
    EXPECT_EQ(response.error().code, k_invalid_request) << c.line;
    EXPECT_EQ(response.id, json::value(3)) << c.line;
    EXPECT_NE(response.error().message.find(std::string("duplicate key \"") + c.path + "\""),
              std::string::npos)
        << response.error().message;
  }
  // A repeated id leaves nothing to answer to.
  EXPECT_TRUE(error_for(R"({"jsonrpc":"2.0","id":1,"id":2,"method":"m"})").id.is_null());
  // Equal keys in different objects are fine.
  const auto request =
      request_for(R"({"jsonrpc":"2.0","id":1,"method":"m","params":{"a":{"a":1},"b":[{"a":2}]}})");
  EXPECT_EQ(request.params.at("a").at("a"), json::value(1));
  // The client refuses such a message from the server too.
  const auto server = parse_server_message(R"({"jsonrpc":"2.0","id":1,"result":{"n":1,"n":2}})");
  ASSERT_FALSE(server);
  EXPECT_NE(server.error().message.find("duplicate key \"result.n\""), std::string::npos);
}

TEST(JsonRpcParse, PositionalParamsAreInvalidParams) {
  const auto response = error_for(R"({"jsonrpc":"2.0","id":"x","method":"m","params":[1,2]})");
  EXPECT_EQ(response.error().code, k_invalid_params);
  EXPECT_EQ(response.id, json::value("x"));
}

TEST(JsonRpcSerialize, OneLineEachWithTheEnvelope) {
  const auto result = serialize(make_result(7, json::object{{"task", 3}}));
  EXPECT_EQ(result, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"task\":3}}\n");

  auto error = RpcError::method_not_found("frobnicate");
  error.data = json::object{{"hint", "line1\nline2"}};
  const auto line = serialize(make_error("a", error));
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // the newline in data is escaped
  EXPECT_EQ(json::parse(line), json::parse(R"({"jsonrpc":"2.0","id":"a","error":{"code":-32601,)"
                                           R"("message":"method not found: frobnicate",)"
                                           R"("data":{"hint":"line1\nline2"}}})"));

  EXPECT_EQ(serialize(Notification{"logs.output", {{"request", 7}}}),
            "{\"jsonrpc\":\"2.0\",\"method\":\"logs.output\",\"params\":{\"request\":7}}\n");
  // No "data" member when there is none.
  EXPECT_EQ(serialize(make_error(nullptr, RpcError::parse_error("bad"))),
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"bad\"}}\n");
}

TEST(JsonRpcRoundTrip, ClientParsesWhatTheServerSends) {
  Request request{json::value(3), "status", {{"task", 1}}};
  const auto line = serialize(request);
  auto parsed = request_for(std::string_view(line).substr(0, line.size() - 1));
  EXPECT_EQ(parsed.method, "status");
  EXPECT_EQ(*parsed.id, json::value(3));
  EXPECT_EQ(parsed.params, request.params);

  const auto ok = parse_server_message(R"({"jsonrpc":"2.0","id":3,"result":[1,2]})");
  ASSERT_TRUE(ok);
  const auto& response = std::get<Response>(*ok);
  EXPECT_FALSE(response.is_error());
  EXPECT_EQ(response.result(), json::parse("[1,2]"));

  const auto failed = parse_server_message(
      R"({"jsonrpc":"2.0","id":3,"error":{"code":-32000,"message":"no task","data":5}})");
  ASSERT_TRUE(failed);
  EXPECT_EQ(std::get<Response>(*failed).error().code, -32000);
  EXPECT_EQ(std::get<Response>(*failed).error().data, json::value(5));

  const auto event = parse_server_message(R"({"jsonrpc":"2.0","method":"logs.output"})");
  ASSERT_TRUE(event);
  EXPECT_EQ(std::get<Notification>(*event).method, "logs.output");

  EXPECT_FALSE(parse_server_message("nope"));
  EXPECT_FALSE(parse_server_message(R"({"jsonrpc":"2.0","id":3})"));
  EXPECT_FALSE(parse_server_message(R"({"jsonrpc":"2.0","id":3,"error":{"code":"x"}})"));
  EXPECT_EQ(parse_server_message("[]").error().code, Error::Code::protocol);
}

}  // namespace
}  // namespace vhtask::common::protocol
