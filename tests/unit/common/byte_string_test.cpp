#include "common/byte_string.h"

#include "common/utf8.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace vhtask::common {
namespace {

TEST(ByteString, Base64FollowsRfc4648) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
  EXPECT_FALSE(base64_decode("Zm9"));
  EXPECT_FALSE(base64_decode("Zm=v"));
  EXPECT_FALSE(base64_decode("Zm9v!A=="));
}

TEST(ByteString, EveryByteSurvivesTheRoundTrip) {
  std::string all;
  for (int b = 0; b < 256; ++b) {
    all += static_cast<char>(b);
  }
  const auto value = encode_byte_string(all);
  ASSERT_TRUE(value.is_object());
  // What is sent is valid JSON that a strict parser reads back.
  const auto parsed = boost::json::parse(boost::json::serialize(value));
  EXPECT_EQ(decode_byte_string(parsed, "env.X").value(), all);
}

TEST(ByteString, Utf8StaysAPlainString) {
  const auto value = encode_byte_string("café ✓");
  ASSERT_TRUE(value.is_string());
  EXPECT_EQ(decode_byte_string(value, "cwd").value(), "café ✓");
}

TEST(ByteString, AnythingElseIsAnErrorNamingTheField) {
  EXPECT_EQ(decode_byte_string(boost::json::value(3), "params.env.HOME").error().message,
            "params.env.HOME must be a string or {\"base64\": string}");
  EXPECT_EQ(decode_byte_string(boost::json::object{{"base64", "@@"}}, "params.cwd").error().message,
            "params.cwd.base64 is not valid base64");
}

TEST(Utf8, FirstInvalidByte) {
  EXPECT_FALSE(first_invalid_utf8("plain é"));
  EXPECT_EQ(first_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(first_invalid_utf8("ab\xe2\x82"), 2u);  // cut off at the end
}

}  // namespace
}  // namespace vhtask::common
