#include "common/yaml/yaml_scalar.h"

#include "common/python_format.h"

#include <gtest/gtest.h>

#include <string>

namespace vhtask::common {
namespace {

// "type:python-repr", the way the expectations below were printed from PyYAML 6 (safe_load).
// Ints outside 64 bits are expected as strings of their decimal digits.
std::string typed(const Value& v) {
  if (v.is_null()) {
    return "null";
  }
  if (v.is_bool()) {
    return std::string("bool:") + (v.as_bool() ? "True" : "False");
  }
  if (v.is_int()) {
    return "int:" + std::to_string(v.as_int());
  }
  if (v.is_float()) {
    return "float:" + python_repr(v.as_float());
  }
  if (v.is_string()) {
    return "str:" + v.as_string();
  }
  return "list:" + v.to_python_str();
}

struct Case {
  const char* text;
  const char* expected;
};

// Every resolver rule (null, bool, int, float, and what falls through to str), with the answer
// PyYAML gives for `a: <text>`.
TEST(ResolvePlainScalar, MatchesPyYamlResolverAndConstructors) {
  const Case cases[] = {
      {"", "null"},
      {"~", "null"},
      {"null", "null"},
      {"Null", "null"},
      {"NULL", "null"},
      {"nULL", "str:nULL"},
      {"nul", "str:nul"},
      {"yes", "bool:True"},
      {"Yes", "bool:True"},
      {"YES", "bool:True"},
      {"yES", "str:yES"},
      {"no", "bool:False"},
      {"No", "bool:False"},
      {"NO", "bool:False"},
      {"true", "bool:True"},
      {"True", "bool:True"},
      {"TRUE", "bool:True"},
      {"tRUE", "str:tRUE"},
      {"false", "bool:False"},
      {"False", "bool:False"},
      {"FALSE", "bool:False"},
      {"on", "bool:True"},
      {"On", "bool:True"},
      {"ON", "bool:True"},
      {"off", "bool:False"},
      {"Off", "bool:False"},
      {"OFF", "bool:False"},
      {"y", "str:y"},
      {"n", "str:n"},
      {"Y", "str:Y"},
      {"N", "str:N"},
      {"0", "int:0"},
      {"-0", "int:0"},
      {"+0", "int:0"},
      {"7", "int:7"},
      {"-3", "int:-3"},
      {"+4", "int:4"},
      {"300", "int:300"},
      {"1_000", "int:1000"},
      {"1__0", "int:10"},
      {"1_", "int:1"},
      {"010", "int:8"},
      {"-010", "int:-8"},
      {"0_", "int:0"},
      {"00", "int:0"},
      {"08", "str:08"},
      {"0o10", "str:0o10"},
      {"0x10", "int:16"},
      {"0x1_0", "int:16"},
      {"-0x1F", "int:-31"},
      {"+0xff", "int:255"},
      {"0x", "str:0x"},
      {"0xG", "str:0xG"},
      {"0b101", "int:5"},
      {"-0b101", "int:-5"},
      {"0b1_1", "int:3"},
      {"0b2", "str:0b2"},
      {"1:30", "int:90"},
      {"-1:30", "int:-90"},
      {"190:20:30", "int:685230"},
      {"1:5:59", "int:3959"},
      {"1:60", "str:1:60"},
      {"0:30", "str:0:30"},
      {"1:3_0", "str:1:3_0"},
      {"9223372036854775807", "int:9223372036854775807"},
      {"-9223372036854775808", "int:-9223372036854775808"},
      {"9223372036854775808", "str:9223372036854775808"},
      {"-9223372036854775809", "str:-9223372036854775809"},
      {"0x8000000000000000", "str:9223372036854775808"},
      {"0xFFFFFFFFFFFFFFFFFF", "str:4722366482869645213695"},
      {"99999999999999999999", "str:99999999999999999999"},
      {"0.0", "float:0.0"},
      {"-0.0", "float:-0.0"},
      {"1.0", "float:1.0"},
      {"3.", "float:3.0"},
      {"-3.", "float:-3.0"},
      {".5", "float:0.5"},
      {"-.5", "str:-.5"},
      {"+.5", "str:+.5"},
      {"1.5", "float:1.5"},
      {"0.001", "float:0.001"},
      {"1_000.5", "float:1000.5"},
      {"0.1_2", "float:0.12"},
      {"1._", "float:1.0"},
      {"1.0e-5", "float:1e-05"},
      {"1.0E+5", "float:100000.0"},
      {"1.0e5", "str:1.0e5"},
      {"1e-5", "str:1e-5"},
      {"1e+5", "str:1e+5"},
      {"1.e+5", "float:100000.0"},
      {"12e03", "str:12e03"},
      {"1.5e3", "str:1.5e3"},
      {".5e-3", "float:0.0005"},
      {"1:30.5", "float:90.5"},
      {"0:30.5", "float:30.5"},
      {"-1:30.5", "float:-90.5"},
      {"1:30.", "float:90.0"},
      {"1.2.3", "str:1.2.3"},
      {".inf", "float:inf"},
      {".Inf", "float:inf"},
      {".INF", "float:inf"},
      {"-.inf", "float:-inf"},
      {"+.inf", "float:inf"},
      {"-.Inf", "float:-inf"},
      {".nan", "float:nan"},
      {".NaN", "float:nan"},
      {".NAN", "float:nan"},
      {"-.nan", "str:-.nan"},
      {"inf", "str:inf"},
      {"nan", "str:nan"},
      {"Infinity", "str:Infinity"},
      {"abc", "str:abc"},
      {"1e5", "str:1e5"},
      {"1-2", "str:1-2"},
      {"0.5.1", "str:0.5.1"},
      {"+", "str:+"},
      {".", "str:."},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(typed(yaml::resolve_plain_scalar(c.text)), c.expected) << "text: " << c.text;
  }
}

TEST(ResolvePlainScalar, HugeNumbersFollowPython) {
  // float('1' + 400 zeros) is inf and a decimal below the smallest double is 0.0.
  EXPECT_EQ(typed(yaml::resolve_plain_scalar("1" + std::string(400, '0') + ".0")), "float:inf");
  EXPECT_EQ(typed(yaml::resolve_plain_scalar("0." + std::string(400, '0') + "1")), "float:0.0");
  EXPECT_EQ(typed(yaml::resolve_plain_scalar("-1" + std::string(400, '0') + ".5")), "float:-inf");
  // 0b with no digits: PyYAML's int() raises; we keep the text.
  EXPECT_EQ(typed(yaml::resolve_plain_scalar("0b_")), "str:0b_");
}

Value load_value(const std::string& yaml) {
  const YAML::Node node = YAML::Load(yaml);
  auto v = yaml::yaml_to_value(node["a"], "t.yaml");
  EXPECT_TRUE(v.has_value()) << yaml << ": " << (v ? "" : v.error().message);
  return v ? *v : Value();
}

TEST(YamlToValue, QuotedAndBlockScalarsAreStrings) {
  EXPECT_EQ(typed(load_value("a: '10'")), "str:10");
  EXPECT_EQ(typed(load_value("a: \"true\"")), "str:true");
  EXPECT_EQ(typed(load_value("a: \"~\"")), "str:~");
  EXPECT_EQ(typed(load_value("a: |\n  1.5\n")), "str:1.5\n");
  EXPECT_EQ(typed(load_value("a: >-\n  yes\n")), "str:yes");
  EXPECT_EQ(typed(load_value("a: ! 12")), "str:12");
}

TEST(YamlToValue, ExplicitTagsAreHonoured) {
  EXPECT_EQ(typed(load_value("a: !!str 10")), "str:10");
  EXPECT_EQ(typed(load_value("a: !!str ~")), "str:~");
  EXPECT_EQ(typed(load_value("a: !!int \"0x1F\"")), "int:31");
  EXPECT_EQ(typed(load_value("a: !!float 1")), "float:1.0");
  EXPECT_EQ(typed(load_value("a: !!float 1e5")), "float:100000.0");
  EXPECT_EQ(typed(load_value("a: !!bool yEs")), "bool:True");
  EXPECT_EQ(typed(load_value("a: !!null foo")), "null");
  EXPECT_EQ(typed(load_value("a: ~")), "null");
  EXPECT_EQ(typed(load_value("a:")), "null");
}

TEST(YamlToValue, SequencesOfScalarsBecomeLists) {
  EXPECT_EQ(typed(load_value("a: [1, 0.5, yes, x, '2', ~]")),
            "list:[1, 0.5, True, 'x', '2', None]");
  EXPECT_EQ(typed(load_value("a: !!seq [1]")), "list:[1]");
  EXPECT_EQ(typed(load_value("a: []")), "list:[]");
}

TEST(YamlToValue, RejectsWhatAParameterValueCannotBe) {
  const struct {
    const char* yaml;
    const char* message;
  } cases[] = {
      {"a: {b: 1}", "t.yaml:1:4: a mapping is not allowed here"},
      {"a: [1, {b: 1}]", "t.yaml:1:8: a mapping is not allowed here"},
      {"a: [1, [2]]", "t.yaml:1:8: a list inside a list is not supported here"},
      {"a: !!binary aGVsbG8=", "t.yaml:1:4: unsupported tag !!binary"},
      {"a: !custom x", "t.yaml:1:4: unsupported tag !custom"},
      {"a: !!int abc", "t.yaml:1:4: 'abc' is not a valid !!int"},
      {"a: !!float x1", "t.yaml:1:4: 'x1' is not a valid !!float"},
      {"a: !!bool maybe", "t.yaml:1:4: 'maybe' is not a valid !!bool"},
      {"a: &x [1, *x]", "t.yaml:1:4: a list inside a list is not supported here"},
  };
  for (const auto& c : cases) {
    const YAML::Node node = YAML::Load(c.yaml);
    auto v = yaml::yaml_to_value(node["a"], "t.yaml");
    ASSERT_FALSE(v.has_value()) << c.yaml;
    EXPECT_EQ(v.error().message, c.message) << c.yaml;
  }
}

TEST(YamlToValue, BudgetStopsAliasExpansion) {
  const YAML::Node node = YAML::Load("a: [1, 2, 3, 4, 5]");
  std::size_t budget = 3;
  auto v = yaml::yaml_to_value(node["a"], "t.yaml", budget);
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message.find("too large"), std::string::npos);
}

TEST(MarkOf, IsOneBased) {
  const YAML::Node node = YAML::Load("x: 1\nlist:\n  - a\n  - bb\n");
  const Mark m = yaml::mark_of(node["list"][1], "f.yaml");
  EXPECT_EQ(m.file, "f.yaml");
  EXPECT_EQ(m.line, 4);
  EXPECT_EQ(m.column, 5);
  EXPECT_EQ(yaml::mark_of(YAML::Node(), "f.yaml").line, 0);
}

TEST(NumberSourceText, KeepsDecimalDigitsAsWritten) {
  const Case cases[] = {
      {"0.80", "0.80"},    {"1_000", "1000"},    {"0x10", "16"},     {"010", "8"},
      {"+4", "4"},         {"-3", "-3"},         {"3.", "3.0"},      {".5", "0.5"},
      {"1.e+5", "1.0e+5"}, {"1.0E-5", "1.0e-5"}, {"01.5", "1.5"},    {"-00.5", "-0.5"},
      {"+1.5", "1.5"},     {"1_0.0_1", "10.01"}, {"1:30.5", "90.5"}, {".inf", "inf"},
      {"-0.0", "-0.0"},    {"1:30", "90"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(yaml::number_source_text(c.text, yaml::resolve_plain_scalar(c.text)), c.expected)
        << c.text;
  }
}

}  // namespace
}  // namespace vhtask::common
