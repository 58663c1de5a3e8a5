#include "common/duration.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vhtask::common {
namespace {

TEST(Duration, BareNumberIsSeconds) {
  EXPECT_EQ(parse_duration("100").value(), 100);
  EXPECT_EQ(parse_duration("0").value(), 0);
  EXPECT_EQ(parse_duration("  42  ").value(), 42);
  EXPECT_EQ(parse_duration("2.9").value(), 2);  // whole seconds, rounded down
}

TEST(Duration, EachUnit) {
  EXPECT_EQ(parse_duration("90s").value(), 90);
  EXPECT_EQ(parse_duration("5m").value(), 5 * 60);
  EXPECT_EQ(parse_duration("2h").value(), 2 * 3600);
  EXPECT_EQ(parse_duration("2d").value(), 2 * 86400);
  EXPECT_EQ(parse_duration("1w").value(), 7 * 86400);
}

TEST(Duration, PairsAddUp) {
  EXPECT_EQ(parse_duration("1h 30m 5s").value(), 3600 + 30 * 60 + 5);
  EXPECT_EQ(parse_duration("1h30m").value(), 3600 + 30 * 60);
  EXPECT_EQ(parse_duration("1d 1s").value(), 86400 + 1);
  EXPECT_EQ(parse_duration(" 10 s ").value(), 10);
  EXPECT_EQ(parse_duration("1h\t30m").value(), 3600 + 30 * 60);
  EXPECT_EQ(parse_duration("1m 1m").value(), 120);  // repeats add, like the reference parser
}

// Only the unit's first letter counts, in any case: `30min` is minutes, `2 hours` is hours.
TEST(Duration, OnlyTheFirstLetterOfTheUnitCounts) {
  EXPECT_EQ(parse_duration("30min").value(), 30 * 60);
  EXPECT_EQ(parse_duration("2 hours").value(), 2 * 3600);
  EXPECT_EQ(parse_duration("1 Hour 2 Minutes").value(), 3600 + 120);
  EXPECT_EQ(parse_duration("1H30M").value(), 3600 + 30 * 60);
  EXPECT_EQ(parse_duration("3 secs").value(), 3);
  EXPECT_EQ(parse_duration("1 Week").value(), 7 * 86400);
}

TEST(Duration, DecimalNumbers) {
  EXPECT_EQ(parse_duration("1.5h").value(), 5400);
  EXPECT_EQ(parse_duration(".5h").value(), 1800);
  EXPECT_EQ(parse_duration("1.h").value(), 3600);
  EXPECT_EQ(parse_duration("0.9s").value(), 0);
  EXPECT_EQ(parse_duration("1.25m 0.5s").value(), 75);
}

TEST(Duration, LargestValues) {
  EXPECT_EQ(parse_duration("1000000w").value(), std::int64_t{1000000} * 7 * 86400);
  EXPECT_FALSE(parse_duration("99999999999999999999"));
  EXPECT_FALSE(parse_duration("9999999999999999999w"));
}

// Each bad text is an invalid_argument error whose message quotes the text and says why.
TEST(Duration, Errors) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"", "expected a number"},
      {"   ", "expected a number"},
      {"abc", "expected a number at 'abc'"},
      {"5x", "unknown unit 'x'"},
      {"5 xyz", "unknown unit 'xyz'"},
      {"-3s", "cannot be negative"},
      {"1h -3s", "cannot be negative"},
      {"1h junk", "expected a number at 'junk'"},
      {"1h 30", "a number without a unit is only allowed on its own"},
      {"10 20", "a number without a unit is only allowed on its own"},
      {"1e3s", "unknown unit 'e'"},
      {"1.2.3s", "expected a number at '1.2.3s'"},
      {".", "expected a number at '.'"},
      {"+5s", "expected a number at '+5s'"},
      {"1h,30m", "expected a number at ',30m'"},
      {"99999999999999999999", "too long"},
  };
  for (const auto& [text, why] : cases) {
    const auto result = parse_duration(text);
    ASSERT_FALSE(result) << "[" << text << "] parsed as " << result.value();
    EXPECT_EQ(result.error().code, Error::Code::invalid_argument);
    const std::string& message = result.error().message;
    EXPECT_NE(message.find("'" + std::string(text) + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(why), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace vhtask::common
