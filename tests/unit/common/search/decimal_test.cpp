// Decimal: exact parsing, alignment, comparison and conversion of numbers as YAML writes them.

#include "common/search/decimal.h"

#include <gtest/gtest.h>

#include <cmath>

namespace vhtask::common {
namespace {

std::string text_of(std::string_view s) {
  const auto d = search::Decimal::parse(s);
  return d ? d->to_string() : "error: " + d.error().message;
}

TEST(Decimal, ParsesYamlNumberForms) {
  EXPECT_EQ(text_of("0.001"), "0.001");
  EXPECT_EQ(text_of("-3"), "-3");
  EXPECT_EQ(text_of("+4"), "4");
  EXPECT_EQ(text_of("1_000"), "1000");
  EXPECT_EQ(text_of("1.0e-5"), "0.00001");
  EXPECT_EQ(text_of("1.5E+3"), "1500");
  EXPECT_EQ(text_of(".5"), "0.5");
  EXPECT_EQ(text_of("3."), "3");
  EXPECT_EQ(text_of("0.0200"), "0.02");
  EXPECT_EQ(text_of("-0.0"), "0");
}

TEST(Decimal, RejectsWhatIsNotADecimal) {
  EXPECT_EQ(text_of("abc"), "error: abc is not a decimal number");
  EXPECT_EQ(text_of(".inf"), "error: .inf is not a decimal number");
  EXPECT_EQ(text_of("1e"), "error: 1e is not a decimal number");
  EXPECT_EQ(text_of(""), "error:  is not a decimal number");
  EXPECT_NE(text_of("1e-40").find("too many decimal places"), std::string::npos);
  EXPECT_NE(text_of("1e50").find("too large"), std::string::npos);
}

TEST(Decimal, OfNumberUsesTheTextOrTheValue) {
  EXPECT_EQ(search::Decimal::of_number({"0.81", Value(0.81)})->to_string(), "0.81");
  EXPECT_EQ(search::Decimal::of_number({"0x10", Value(16)})->to_string(), "16");
  // Sexagesimal floats are not plain decimal text: the double's repr is used.
  EXPECT_EQ(search::Decimal::of_number({"1:30.5", Value(90.5)})->to_string(), "90.5");
  EXPECT_FALSE(search::Decimal::of_number({".inf", Value(HUGE_VAL)}));
  EXPECT_FALSE(search::Decimal::of_number({"abc", Value("abc")}));
}

TEST(Decimal, ConvertsToTheNearestDouble) {
  EXPECT_EQ(search::Decimal::parse("0.81")->to_double(), 0.81);
  EXPECT_EQ(search::Decimal(81, 2).to_double(), 0.81);
  EXPECT_EQ(search::Decimal(-12, 4).to_double(), -0.0012);
  EXPECT_EQ(search::Decimal(5, 0).to_double(), 5.0);
}

TEST(Decimal, Rescales) {
  EXPECT_EQ(search::Decimal(15, 1).rescaled(3)->units(), 1500);
  EXPECT_EQ(search::Decimal(1500, 3).rescaled(1)->units(), 15);
  EXPECT_FALSE(search::Decimal(1501, 3).rescaled(1));
  EXPECT_FALSE(search::Decimal::parse("12345678901234567890")->rescaled(30));
}

TEST(Decimal, ComparesExactly) {
  EXPECT_EQ(search::Decimal(8, 1), search::Decimal(80, 2));
  EXPECT_LT(search::Decimal(-5, 1), search::Decimal(5, 1));
  EXPECT_LT(search::Decimal(-6, 1), search::Decimal(-5, 1));
  EXPECT_LT(search::Decimal(9, 1), search::Decimal(95, 2));
  EXPECT_GT(search::Decimal(2, 0), search::Decimal(1999, 3));
  EXPECT_LT(search::Decimal(0, 0), search::Decimal(1, 30));
}

TEST(Decimal, IntegralityAndInt64) {
  EXPECT_TRUE(search::Decimal(300, 2).is_integral());
  EXPECT_EQ(search::Decimal(300, 2).to_int64(), 3);
  EXPECT_FALSE(search::Decimal(301, 2).to_int64());
  EXPECT_FALSE(search::Decimal::parse("99999999999999999999")->to_int64());
}

}  // namespace
}  // namespace vhtask::common
