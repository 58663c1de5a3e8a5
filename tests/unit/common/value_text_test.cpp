// The appending text forms (value_text.h) and in-place quoting (shell_quote.h) against the
// allocating forms they must equal byte for byte.

#include "common/value_text.h"

#include "common/json_text.h"
#include "common/python_format.h"
#include "common/render/shell_quote.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace vhtask::common {
namespace {

std::string repr_appended(double d) {
  std::string out = "x";
  append_python_repr(out, d);
  return out.substr(1);
}

TEST(ValueText, PythonReprMatchesOnEdgesAndRandomBits) {
  const double inf = std::numeric_limits<double>::infinity();
  for (const double d : {0.0,
                         -0.0,
                         0.1,
                         1e16,
                         1e15,
                         9999999999999998.0,
                         1e-4,
                         1e-5,
                         0.00012,
                         1.2e-5,
                         300.0,
                         1e22,
                         1.5e300,
                         5e-324,
                         -5e-324,
                         1.7976931348623157e308,
                         2.2250738585072014e-308,
                         123456.789,
                         -1e-7,
                         inf,
                         -inf,
                         std::nan(""),
                         -std::nan("")}) {
    EXPECT_EQ(repr_appended(d), python_repr(d)) << d;
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const double bits = std::bit_cast<double>(rng());
    ASSERT_EQ(repr_appended(bits), python_repr(bits));
    const auto mantissa = static_cast<std::int64_t>(rng() % 2000001) - 1000000;
    const double decimal =
        static_cast<double>(mantissa) / std::pow(10.0, static_cast<double>(rng() % 24));
    ASSERT_EQ(repr_appended(decimal), python_repr(decimal));
  }
}

TEST(ValueText, PythonStrMatchesToPythonStr) {
  const std::vector<Value> values = {
      Value(),
      Value(true),
      Value(false),
      Value(0),
      Value(-42),
      Value(std::numeric_limits<std::int64_t>::min()),
      Value(0.5),
      Value(1e-5),
      Value("a b"),
      Value(ValueList{Value("it's"), Value(1), Value(2.0), Value(), Value(ValueList{})})};
  for (const auto& v : values) {
    std::string out = "prefix";
    append_python_str(out, v);
    EXPECT_EQ(out, "prefix" + v.to_python_str());
  }
}

TEST(ValueText, JsonStringEscapesLikeBoost) {
  for (int c = 0; c < 256; ++c) {
    const std::string text = "a" + std::string(1, static_cast<char>(c)) + "b";
    std::string out;
    append_json_string(out, text);
    EXPECT_EQ(out, boost::json::serialize(boost::json::string_view(text))) << c;
  }
  std::string out;
  append_json_string(out, "");
  EXPECT_EQ(out, "\"\"");
}

TEST(ValueText, JsonValueMatchesDumpJsonOfToJson) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Value> values = {
      Value(),
      Value(true),
      Value(false),
      Value(0),
      Value(-7),
      Value(0.0),
      Value(-0.0),
      Value(1e16),
      Value(1e-5),
      Value(inf),
      Value(-inf),
      Value(std::nan("")),
      Value("\"q\""),
      Value("tab\t\x1f"),
      Value("h\xc3\xa9"),
      Value(ValueList{}),
      Value(ValueList{Value(1), Value(inf), Value("x"), Value(), Value(false), Value(0.25)})};
  for (const auto& v : values) {
    std::string out;
    append_json_value(out, v);
    EXPECT_EQ(out, dump_json(to_json(v))) << v.to_python_str();
  }
}

TEST(FromJson, AnIntegerAboveInt64IsRefusedOrTakenAsADoubleOnRequest) {
  const boost::json::value big = boost::json::parse("[1, 18446744073709551615]");
  EXPECT_FALSE(from_json(big));
  const auto lenient = from_json(big, BigIntegers::as_double);
  ASSERT_TRUE(lenient);
  const auto& items = std::get<ValueList>(lenient->v);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(std::get<std::int64_t>(items[0].v), 1);
  EXPECT_EQ(std::get<double>(items[1].v), 18446744073709551615.0);
  EXPECT_FALSE(from_json(boost::json::parse(R"({"a": 1})"), BigIntegers::as_double));
}

TEST(ShellQuoteInPlace, MatchesShellQuote) {
  const std::vector<std::string> words = {"",          "plain", "a b",   "it's",
                                          "''",        "'",     "x'y'z", "--a=1.5",
                                          "h\xc3\xa9", "$HOME", "a\nb",  "@%+=:,./-_"};
  for (const auto& w : words) {
    std::string tail = "pre ";
    tail += w;
    render::shell_quote_tail(tail, 4);
    EXPECT_EQ(tail, "pre " + render::shell_quote(w)) << w;
    std::string appended = "pre ";
    render::append_shell_quoted(appended, w);
    EXPECT_EQ(appended, "pre " + render::shell_quote(w)) << w;
  }
}

}  // namespace
}  // namespace vhtask::common
