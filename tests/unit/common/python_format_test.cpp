#include "common/python_format.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

// Every expected string below is what CPython 3.11 prints for format(value, spec) / repr(value).

namespace vhtask::common {
namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();
constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_max = std::numeric_limits<double>::max();
constexpr std::int64_t k_i64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t k_i64_min = std::numeric_limits<std::int64_t>::min();

struct Case {
  Value value;
  std::string_view spec;
  std::string_view want;
};

// format() through the public API; an error shows up as "error: <message>" so that a mismatch
// prints something useful.
std::string formatted(const Value& value, std::string_view spec) {
  auto result = python_format(value, spec);
  return result ? result.value() : "error: " + result.error().message;
}

void expect_all(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    EXPECT_EQ(formatted(c.value, c.spec), c.want)
        << "format(" << c.value.to_python_str() << ", '" << c.spec << "')";
  }
}

TEST(PythonRepr, MatchesPythonForTheSpecExamples) {
  EXPECT_EQ(python_repr(300.0), "300.0");
  EXPECT_EQ(python_repr(0.0001), "0.0001");
  EXPECT_EQ(python_repr(1e-05), "1e-05");
  EXPECT_EQ(python_repr(1.2e-05), "1.2e-05");
  EXPECT_EQ(python_repr(1e16), "1e+16");
  EXPECT_EQ(python_repr(1000000000000000.0), "1000000000000000.0");
  EXPECT_EQ(python_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(python_repr(-0.0), "-0.0");
  EXPECT_EQ(python_repr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(python_repr(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(python_repr(std::numeric_limits<double>::quiet_NaN()), "nan");
}

TEST(PythonRepr, MatchesPythonAtTheEdges) {
  EXPECT_EQ(python_repr(1e22), "1e+22");
  EXPECT_EQ(python_repr(1.5e-7), "1.5e-07");
  EXPECT_EQ(python_repr(123456.789), "123456.789");
  EXPECT_EQ(python_repr(5e-324), "5e-324");
  EXPECT_EQ(python_repr(k_max), "1.7976931348623157e+308");
  EXPECT_EQ(python_repr(1e-07), "1e-07");
  EXPECT_EQ(python_repr(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(python_repr(2.5e-05), "2.5e-05");
  EXPECT_EQ(python_repr(-1.5), "-1.5");
  EXPECT_EQ(python_repr(0.1), "0.1");
}

TEST(PythonFormat, EmptySpecIsStr) {
  EXPECT_EQ(formatted(Value(0.5), ""), "0.5");
  EXPECT_EQ(formatted(Value(1e+16), ""), "1e+16");
  EXPECT_EQ(formatted(Value(300.0), ""), "300.0");
  EXPECT_EQ(formatted(Value(true), ""), "True");
  EXPECT_EQ(formatted(Value(false), ""), "False");
  EXPECT_EQ(formatted(Value(42), ""), "42");
  EXPECT_EQ(formatted(Value("abc"), ""), "abc");
  EXPECT_EQ(formatted(Value(Null{}), ""), "None");
  EXPECT_EQ(formatted(Value(ValueList{Value(1), Value("a b"), Value(2.0), Value(true)}), ""),
            "[1, 'a b', 2.0, True]");
}

// The spec's numbers under the float specs (one row per number, one column per spec).
TEST(PythonFormat, FloatSpecMatrix) {
  struct Row {
    double value;
    std::array<std::string_view, 16> want;
  };
  const std::array<std::string_view, 16> specs = {".3f",    ".2e",  ".2E", ">8", "<8",    "^9",
                                                  "*^9.2f", "+.1f", ",",   "_",  "08.3f", ".0f",
                                                  ".3g",    "%",    ".3",  "n"};
  const Row rows[] = {
      {1e-05,
       {"0.000", "1.00e-05", "1.00E-05", "   1e-05", "1e-05   ", "  1e-05  ", "**0.00***", "+0.0",
        "1e-05", "1e-05", "0000.000", "0", "1e-05", "0.001000%", "1e-05", "1e-05"}},
      {1e16,
       {"10000000000000000.000", "1.00e+16", "1.00E+16", "   1e+16", "1e+16   ", "  1e+16  ",
        "10000000000000000.00", "+10000000000000000.0", "1e+16", "1e+16", "10000000000000000.000",
        "10000000000000000", "1e+16", "1000000000000000000.000000%", "1e+16", "1e+16"}},
      {0.0001,
       {"0.000", "1.00e-04", "1.00E-04", "  0.0001", "0.0001  ", " 0.0001  ", "**0.00***", "+0.0",
        "0.0001", "0.0001", "0000.000", "0", "0.0001", "0.010000%", "0.0001", "0.0001"}},
      {300.0,
       {"300.000", "3.00e+02", "3.00E+02", "   300.0", "300.0   ", "  300.0  ", "*300.00**",
        "+300.0", "300.0", "300.0", "0300.000", "300", "300", "30000.000000%", "3e+02", "300"}},
      {0.1 + 0.2,
       {"0.300", "3.00e-01", "3.00E-01", "0.30000000000000004", "0.30000000000000004",
        "0.30000000000000004", "**0.30***", "+0.3", "0.30000000000000004", "0.30000000000000004",
        "0000.300", "0", "0.3", "30.000000%", "0.3", "0.3"}},
      {-0.0,
       {"-0.000", "-0.00e+00", "-0.00E+00", "    -0.0", "-0.0    ", "  -0.0   ", "**-0.00**",
        "-0.0", "-0.0", "-0.0", "-000.000", "-0", "-0", "-0.000000%", "-0.0", "-0"}},
      {k_inf,
       {"inf", "inf", "INF", "     inf", "inf     ", "   inf   ", "***inf***", "+inf", "inf", "inf",
        "00000inf", "inf", "inf", "inf%", "inf", "inf"}},
      {k_nan,
       {"nan", "nan", "NAN", "     nan", "nan     ", "   nan   ", "***nan***", "+nan", "nan", "nan",
        "00000nan", "nan", "nan", "nan%", "nan", "nan"}},
      {1e22,
       {"10000000000000000000000.000", "1.00e+22", "1.00E+22", "   1e+22", "1e+22   ", "  1e+22  ",
        "10000000000000000000000.00", "+10000000000000000000000.0", "1e+22", "1e+22",
        "10000000000000000000000.000", "10000000000000000000000", "1e+22",
        "999999999999999983222784.000000%", "1e+22", "1e+22"}},
      {1.5e-7,
       {"0.000", "1.50e-07", "1.50E-07", " 1.5e-07", "1.5e-07 ", " 1.5e-07 ", "**0.00***", "+0.0",
        "1.5e-07", "1.5e-07", "0000.000", "0", "1.5e-07", "0.000015%", "1.5e-07", "1.5e-07"}},
      {123456.789,
       {"123456.789", "1.23e+05", "1.23E+05", "123456.789", "123456.789", "123456.789", "123456.79",
        "+123456.8", "123,456.789", "123_456.789", "123456.789", "123457", "1.23e+05",
        "12345678.900000%", "1.23e+05", "123457"}},
      {5e-324,
       {"0.000", "4.94e-324", "4.94E-324", "  5e-324", "5e-324  ", " 5e-324  ", "**0.00***", "+0.0",
        "5e-324", "5e-324", "0000.000", "0", "4.94e-324", "0.000000%", "4.94e-324",
        "4.94066e-324"}},
  };
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < specs.size(); ++i) {
      EXPECT_EQ(formatted(row.value, specs[i]), row.want[i])
          << "format(" << python_repr(row.value) << ", '" << specs[i] << "')";
    }
  }
}

TEST(PythonFormat, MaxDouble) {
  // The exact decimal value of the largest double: 309 digits.
  const std::string digits =
      "17976931348623157081452742373170435679807056752584499659891747680315726078002853"
      "87605895586327668781715404589535143824642343213268894641827684675467035375169860"
      "49910576551282076245490090389328944075868508455133942304583236903222948165808559"
      "332123348274797826204144723168738177180919299881250404026184124858368";
  EXPECT_EQ(formatted(k_max, ".0f"), digits);
  EXPECT_EQ(formatted(k_max, ".3f"), digits + ".000");
  EXPECT_EQ(formatted(k_max, "f"), digits + ".000000");
  EXPECT_EQ(formatted(k_max, ""), "1.7976931348623157e+308");
  EXPECT_EQ(formatted(k_max, ".2e"), "1.80e+308");
  EXPECT_EQ(formatted(k_max, ".2E"), "1.80E+308");
  EXPECT_EQ(formatted(k_max, ".3g"), "1.8e+308");
  EXPECT_EQ(formatted(k_max, ".3"), "1.8e+308");
  EXPECT_EQ(formatted(k_max, "n"), "1.79769e+308");
  EXPECT_EQ(formatted(k_max, "%"), "inf%");
  EXPECT_EQ(formatted(k_max, ">30"), "       1.7976931348623157e+308");
  EXPECT_EQ(formatted(k_max, "+.1e"), "+1.8e+308");
}

// Integers under the int specs, and under float specs (converted to float first, like Python).
TEST(PythonFormat, IntSpecMatrix) {
  struct Row {
    std::int64_t value;
    std::array<std::string_view, 26> want;
  };
  const std::array<std::string_view, 26> specs = {
      "d",  "x",  "#x", "X",  "#X", "b",   "#b",  "o",    "#o",  ",", "_",   "#_x", "08",
      "+d", " d", ">8", "<8", "^9", "*^9", "=+8", "010,", ".2f", "%", ".3g", "e",   "n"};
  const Row rows[] = {
      {0, {"0",          "0",        "0x0",       "0",         "0X0",
           "0",          "0b0",      "0",         "0o0",       "0",
           "0",          "0x0",      "00000000",  "+0",        " 0",
           "       0",   "0       ", "    0    ", "****0****", "+      0",
           "00,000,000", "0.00",     "0.000000%", "0",         "0.000000e+00",
           "0"}},
      {255, {"255",          "ff",       "0xff",       "FF",       "0XFF",          "11111111",
             "0b11111111",   "377",      "0o377",      "255",      "255",           "0xff",
             "00000255",     "+255",     " 255",       "     255", "255     ",      "   255   ",
             "***255***",    "+    255", "00,000,255", "255.00",   "25500.000000%", "255",
             "2.550000e+02", "255"}},
      {-255, {"-255",          "-ff",      "-0xff",      "-FF",      "-0XFF",          "-11111111",
              "-0b11111111",   "-377",     "-0o377",     "-255",     "-255",           "-0xff",
              "-0000255",      "-255",     "-255",       "    -255", "-255    ",       "  -255   ",
              "**-255***",     "-    255", "-0,000,255", "-255.00",  "-25500.000000%", "-255",
              "-2.550000e+02", "-255"}},
      {1234567,
       {"1234567",
        "12d687",
        "0x12d687",
        "12D687",
        "0X12D687",
        "100101101011010000111",
        "0b100101101011010000111",
        "4553207",
        "0o4553207",
        "1,234,567",
        "1_234_567",
        "0x12_d687",
        "01234567",
        "+1234567",
        " 1234567",
        " 1234567",
        "1234567 ",
        " 1234567 ",
        "*1234567*",
        "+1234567",
        "01,234,567",
        "1234567.00",
        "123456700.000000%",
        "1.23e+06",
        "1.234567e+06",
        "1234567"}},
      {k_i64_max,
       {"9223372036854775807",
        "7fffffffffffffff",
        "0x7fffffffffffffff",
        "7FFFFFFFFFFFFFFF",
        "0X7FFFFFFFFFFFFFFF",
        "111111111111111111111111111111111111111111111111111111111111111",
        "0b111111111111111111111111111111111111111111111111111111111111111",
        "777777777777777777777",
        "0o777777777777777777777",
        "9,223,372,036,854,775,807",
        "9_223_372_036_854_775_807",
        "0x7fff_ffff_ffff_ffff",
        "9223372036854775807",
        "+9223372036854775807",
        " 9223372036854775807",
        "9223372036854775807",
        "9223372036854775807",
        "9223372036854775807",
        "9223372036854775807",
        "+9223372036854775807",
        "9,223,372,036,854,775,807",
        "9223372036854775808.00",
        "922337203685477580800.000000%",
        "9.22e+18",
        "9.223372e+18",
        "9223372036854775807"}},
      {k_i64_min,
       {"-9223372036854775808",
        "-8000000000000000",
        "-0x8000000000000000",
        "-8000000000000000",
        "-0X8000000000000000",
        "-1000000000000000000000000000000000000000000000000000000000000000",
        "-0b1000000000000000000000000000000000000000000000000000000000000000",
        "-1000000000000000000000",
        "-0o1000000000000000000000",
        "-9,223,372,036,854,775,808",
        "-9_223_372_036_854_775_808",
        "-0x8000_0000_0000_0000",
        "-9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775808",
        "-9,223,372,036,854,775,808",
        "-9223372036854775808.00",
        "-922337203685477580800.000000%",
        "-9.22e+18",
        "-9.223372e+18",
        "-9223372036854775808"}},
  };
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < specs.size(); ++i) {
      EXPECT_EQ(formatted(Value(row.value), specs[i]), row.want[i])
          << "format(" << row.value << ", '" << specs[i] << "')";
    }
  }
}

// bool is an int subclass: only the empty spec prints True/False.
TEST(PythonFormat, BoolsFormatAsIntsOnceThereIsASpec) {
  const std::vector<Case> cases = {
      {Value(true), "", "True"},
      {Value(false), "", "False"},
      {Value(true), "d", "1"},
      {Value(true), ".2f", "1.00"},
      {Value(false), ".2f", "0.00"},
      {Value(true), ">5", "    1"},
      {Value(true), "<5", "1    "},
      {Value(true), "^5", "  1  "},
      {Value(false), "x", "0"},
      {Value(true), "#b", "0b1"},
      {Value(true), "%", "100.000000%"},
      {Value(true), "*^9.2f", "**1.00***"},
      {Value(true), "+", "+1"},
      {Value(true), ",", "1"},
      {Value(false), "e", "0.000000e+00"},
  };
  expect_all(cases);
}

// Strings take fill, align, width and precision; widths count code points, not bytes.
TEST(PythonFormat, Strings) {
  const std::vector<Case> cases = {
      {Value("abc"), "", "abc"},          {Value("abc"), "s", "abc"},
      {Value("abc"), ">8", "     abc"},   {Value("abc"), "<8", "abc     "},
      {Value("abc"), "^9", "   abc   "},  {Value("abc"), "*^9", "***abc***"},
      {Value("abc"), "8", "abc     "},    {Value("abc"), ".2", "ab"},
      {Value("abc"), "8.1s", "a       "}, {Value("abc"), "05", "abc00"},
      {Value("abc"), "^8.2", "   ab   "}, {Value("abcdef"), ">3", "abcdef"},
      {Value(""), "*^4", "****"},         {Value(""), "", ""},
      {Value("héllo"), ">7", "  héllo"},  {Value("héllo"), "é^9", "ééhélloéé"},
      {Value("héllo"), ".2", "hé"},       {Value("x"), "ü<3", "xüü"},
      {Value("日本"), "^6", "  日本  "},  {Value("a b"), ">5", "  a b"},
  };
  expect_all(cases);
}

// No type: repr without a precision; with one, 'g' that switches to exponent one digit earlier
// and keeps a ".0" on whole numbers.
TEST(PythonFormat, NoTypeWithAPrecisionIsGThatKeepsADot) {
  const std::vector<Case> cases = {
      {Value(1.0), ".3", "1.0"},         {Value(1.0), ".3g", "1"},
      {Value(100.0), ".3", "1e+02"},     {Value(100.0), ".3g", "100"},
      {Value(1234.5), ".3", "1.23e+03"}, {Value(1.0), ".0", "1e+00"},
      {Value(1.0), ".1", "1e+00"},       {Value(12.0), ".0", "1e+01"},
      {Value(9.99), ".2", "1e+01"},      {Value(9.99), ".2g", "10"},
      {Value(0.0), ".3", "0.0"},         {Value(0.0001), ".3", "0.0001"},
      {Value(1e-05), ".3", "1e-05"},     {Value(0.5), "", "0.5"},
      {Value(0.5), ">6", "   0.5"},      {Value(1e+16), ">10", "     1e+16"},
      {Value(1e+16), "", "1e+16"},       {Value(1234567.0), ",", "1,234,567.0"},
      {Value(1e+20), ",", "1e+20"},      {Value(123456.789), ".10", "123456.789"},
  };
  expect_all(cases);
}

// '#': keep the point (and trailing zeros for 'g'), and 0b/0o/0x prefixes for ints.
TEST(PythonFormat, AlternateForm) {
  const std::vector<Case> cases = {
      {Value(1.0), "#", "1.0"},       {Value(1e+20), "#", "1.e+20"},
      {Value(1.0), "#.1", "1.e+00"},  {Value(1.0), "#.3", "1.00"},
      {Value(1.0), "#.0e", "1.e+00"}, {Value(1.0), "#.0f", "1."},
      {Value(1.0), "#g", "1.00000"},  {Value(0.0001), "#.3g", "0.000100"},
      {Value(1.5), "#.0%", "150.%"},  {Value(255), "#x", "0xff"},
      {Value(255), "#X", "0XFF"},     {Value(-255), "#010x", "-0x00000ff"},
      {Value(5), "#o", "0o5"},        {Value(5), "#b", "0b101"},
  };
  expect_all(cases);
}

// A '0' before the width means fill '0' with '=' alignment (after the sign), and the zeros are
// grouped along with the digits; an explicit alignment keeps its own side.
TEST(PythonFormat, ZeroPaddingAndGrouping) {
  const std::vector<Case> cases = {
      {Value(1234), "08,", "0,001,234"},
      {Value(1234), "09,", "0,001,234"},
      {Value(1234), "0=10_", "00_001_234"},
      {Value(1234.5678), "015,.2f", "0,000,001,234.57"},
      {Value(-1234.5678), "=+15,.2f", "-      1,234.57"},
      {Value(-1234.5678), "0=+15_.2f", "-000_001_234.57"},
      {Value(5), "<05", "50000"},
      {Value(5), "^05", "00500"},
      {Value(5), "*<05", "5****"},
      {Value(-5), "=5", "-   5"},
      {Value(-5), "05", "-0005"},
      {Value(74565), "_x", "1_2345"},
      {Value(74565), "#_b", "0b1_0010_0011_0100_0101"},
      {Value(74565), "012_x", "00_0001_2345"},
      {Value(0.5), "010,.0%", "0,000,050%"},
      {Value(123456.789), "_.1f", "123_456.8"},
      {Value(1e+22), ",.0f", "10,000,000,000,000,000,000,000"},
      {Value(-0.0), "08.2f", "-0000.00"},
  };
  expect_all(cases);
}

// NaN never shows a sign; 'z' drops the sign of a result that rounds to zero; inf is padded like
// any number, zeros included.
TEST(PythonFormat, InfNanAndNegativeZero) {
  const std::vector<Case> cases = {
      {Value(k_nan), "+", "+nan"},
      {Value(-k_nan), "f", "nan"},
      {Value(-k_nan), "", "nan"},
      {Value(k_inf), "F", "INF"},
      {Value(-k_inf), "E", "-INF"},
      {Value(k_nan), "G", "NAN"},
      {Value(k_inf), "%", "inf%"},
      {Value(-k_inf), "08.3f", "-0000inf"},
      {Value(k_inf), "010,", "0000000inf"},
      {Value(-k_inf), "z.1f", "-inf"},
      {Value(k_inf), "+", "+inf"},
      {Value(-0.0), "z.1f", "0.0"},
      {Value(-0.0001), "z.2f", "0.00"},
      {Value(-0.0001), "z.2e", "-1.00e-04"},
      {Value(-0.0), "z", "0.0"},
      {Value(-0.0), "%", "-0.000000%"},
      {Value(-0.0), "z%", "0.000000%"},
      {Value(-0.0), "g", "-0"},
      {Value(-0.004), "z.2%", "-0.40%"},
      {Value(-0.0), " .1f", "-0.0"},
  };
  expect_all(cases);
}

// Correct rounding of the exact binary value, as Python does (no round-half-up surprises).
TEST(PythonFormat, Rounding) {
  const std::vector<Case> cases = {
      {Value(0.125), ".2f", "0.12"},      {Value(0.375), ".2f", "0.38"},
      {Value(2.675), ".2f", "2.67"},      {Value(1.005), ".2f", "1.00"},
      {Value(0.5), ".0f", "0"},           {Value(1.5), ".0f", "2"},
      {Value(2.5), ".0f", "2"},           {Value(9.5), ".0e", "1e+01"},
      {Value(99999.5), ",", "99,999.5"},  {Value(0.5), ".0%", "50%"},
      {Value(1e+100), ".1e", "1.0e+100"}, {Value(1234.5), "e", "1.234500e+03"},
  };
  expect_all(cases);
}

// 'c' turns an int into that code point (written as UTF-8).
TEST(PythonFormat, CharType) {
  const std::vector<Case> cases = {
      {Value(65), "c", "A"},       {Value(233), "c", "é"},      {Value(128512), "c", "😀"},
      {Value(65), "05c", "0000A"}, {Value(65), "^5c", "  A  "}, {Value(65), "*>3c", "**A"},
      {Value(true), "c", "\x01"},
  };
  expect_all(cases);
}

// Specs Python rejects: the error names the spec and the type, then gives Python's own message.
TEST(PythonFormat, ErrorsNameTheSpecAndTheType) {
  const std::vector<Case> cases = {
      {Value("abc"), ".3f", "Unknown format code 'f' for object of type 'str'"},
      {Value("abc"), "d", "Unknown format code 'd' for object of type 'str'"},
      {Value("abc"), ",", "Cannot specify ',' with 's'."},
      {Value("abc"), "_", "Cannot specify '_' with 's'."},
      {Value("abc"), "+", "Sign not allowed in string format specifier"},
      {Value("abc"), " ", "Space not allowed in string format specifier"},
      {Value("abc"), "z", "Negative zero coercion (z) not allowed in string format specifier"},
      {Value("abc"), "#", "Alternate form (#) not allowed in string format specifier"},
      {Value("abc"), "=8", "'=' alignment not allowed in string format specifier"},
      {Value(1), ".3", "Precision not allowed in integer format specifier"},
      {Value(1), "z", "Negative zero coercion (z) not allowed in integer format specifier"},
      {Value(1), "s", "Unknown format code 's' for object of type 'int'"},
      {Value(1), "+c", "Sign not allowed with integer format specifier 'c'"},
      {Value(1), "#c", "Alternate form (#) not allowed with integer format specifier 'c'"},
      {Value(1), ",c", "Cannot specify ',' with 'c'."},
      {Value(1), ",n", "Cannot specify ',' with 'n'."},
      {Value(1), "_n", "Cannot specify '_' with 'n'."},
      {Value(1), ",_", "Cannot specify both ',' and '_'."},
      {Value(1), "_,", "Cannot specify both ',' and '_'."},
      {Value(1), ",,", "Cannot specify ',' with ','."},
      {Value(1), "abc", "Invalid format specifier 'abc' for object of type 'int'"},
      {Value(1), ".", "Format specifier missing precision"},
      {Value(1), "é", "Unknown format code '\\xe9' for object of type 'int'"},
      {Value(1), "\x01", "Unknown format code '\\x1' for object of type 'int'"},
      {Value(-1), "c", "%c arg not in range(0x110000)"},
      {Value(1114112), "c", "%c arg not in range(0x110000)"},
      {Value(1.0), "d", "Unknown format code 'd' for object of type 'float'"},
      {Value(1.0), "x", "Unknown format code 'x' for object of type 'float'"},
      {Value(1.0), "c", "Unknown format code 'c' for object of type 'float'"},
      {Value(1.0), ",x", "Cannot specify ',' with 'x'."},
      {Value(1.0), "_n", "Cannot specify '_' with 'n'."},
      {Value(1.0), "s", "Unknown format code 's' for object of type 'float'"},
      {Value(true), "s", "Unknown format code 's' for object of type 'bool'"},
      {Value(true), ".3", "Precision not allowed in integer format specifier"},
      {Value(Null{}), ">5", "unsupported format string passed to NoneType.__format__"},
      {Value(ValueList{Value(1)}), ">5", "unsupported format string passed to list.__format__"},
  };
  for (const auto& c : cases) {
    const auto result = python_format(c.value, c.spec);
    ASSERT_FALSE(result) << "format(" << c.value.to_python_str() << ", '" << c.spec << "')";
    EXPECT_EQ(result.error().code, Error::Code::invalid_argument);
    const std::string& message = result.error().message;
    EXPECT_NE(message.find("'" + std::string(c.spec) + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(c.want), std::string::npos) << message;
  }
}

TEST(PythonFormat, ErrorMessageIsReadable) {
  EXPECT_EQ(
      formatted("abc", ".3f"),
      "error: cannot format a str value with spec '.3f': Unknown format code 'f' for object of "
      "type 'str'");
}

// Two limits Python does not have: huge widths would allocate, and a surrogate has no UTF-8 form.
TEST(PythonFormat, RefusesHugeFieldsAndSurrogates) {
  EXPECT_EQ(formatted(1.0, "10000.1f").size(), 10000U);
  EXPECT_FALSE(python_format(1.0, "10001.1f"));
  EXPECT_FALSE(python_format(1.0, ".10001f"));
  EXPECT_FALSE(python_format("abc", "99999"));
  EXPECT_FALSE(python_format(0xD800, "c"));
}

}  // namespace
}  // namespace vhtask::common
