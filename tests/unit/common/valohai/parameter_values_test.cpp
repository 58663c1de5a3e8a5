// Spec 2.1: typing user values by declared type, and every validation message.

#include "common/valohai/parameter_values.h"

#include <gtest/gtest.h>

#include <cmath>

namespace vhtask::common {
namespace {

valohai::Parameter param(std::string name, valohai::ParameterType type) {
  valohai::Parameter p;
  p.name = std::move(name);
  p.type = type;
  return p;
}

std::string error_of(const Result<Value>& r) {
  return r ? "<ok>" : r.error().message;
}

TEST(ConvertText, Integer) {
  const auto p = param("n", valohai::ParameterType::integer);
  EXPECT_EQ(valohai::convert_text(p, "42")->as_int(), 42);
  EXPECT_EQ(valohai::convert_text(p, "-3")->as_int(), -3);
  EXPECT_EQ(valohai::convert_text(p, "+4")->as_int(), 4);
  EXPECT_EQ(error_of(valohai::convert_text(p, "5.3")), "5.3 is not an integer");
  EXPECT_EQ(error_of(valohai::convert_text(p, "")), " is not an integer");
  EXPECT_EQ(error_of(valohai::convert_text(p, "0x10")), "0x10 is not an integer");
}

TEST(ConvertText, Float) {
  const auto p = param("x", valohai::ParameterType::float_);
  EXPECT_EQ(valohai::convert_text(p, "300")->as_float(), 300.0);
  EXPECT_EQ(valohai::convert_text(p, "1e-5")->as_float(), 1e-5);
  EXPECT_EQ(valohai::convert_text(p, "+.5")->as_float(), 0.5);
  EXPECT_TRUE(std::isinf(valohai::convert_text(p, "inf")->as_float()));
  EXPECT_EQ(error_of(valohai::convert_text(p, "abc")), "abc is not a floating-point number");
  EXPECT_EQ(error_of(valohai::convert_text(p, "1.0.0")), "1.0.0 is not a floating-point number");
}

TEST(ConvertText, FlagAndString) {
  const auto f = param("f", valohai::ParameterType::flag);
  for (const char* t : {"true", "TRUE", "Yes", "1"}) {
    EXPECT_TRUE(valohai::convert_text(f, t)->as_bool()) << t;
  }
  for (const char* t : {"false", "No", "0", "NO"}) {
    EXPECT_FALSE(valohai::convert_text(f, t)->as_bool()) << t;
  }
  EXPECT_FALSE(valohai::convert_text(f, "maybe"));
  EXPECT_EQ(
      valohai::convert_text(param("s", valohai::ParameterType::string), " 5.30 ")->as_string(),
      " 5.30 ");
}

TEST(ConvertValue, DeclaredTypeWins) {
  EXPECT_EQ(
      valohai::convert_value(param("x", valohai::ParameterType::float_), Value(1))->as_float(),
      1.0);
  EXPECT_EQ(
      valohai::convert_value(param("n", valohai::ParameterType::integer), Value(4.0))->as_int(), 4);
  EXPECT_EQ(
      error_of(valohai::convert_value(param("n", valohai::ParameterType::integer), Value(4.5))),
      "4.5 is not an integer");
  EXPECT_EQ(
      valohai::convert_value(param("s", valohai::ParameterType::string), Value(0.5))->as_string(),
      "0.5");
}

valohai::Step step_of(std::vector<valohai::Parameter> params) {
  valohai::Step s;
  s.name = "train";
  s.parameters = std::move(params);
  return s;
}

TEST(ParseParameterArgs, RepeatedNamesMakeListsOnlyForMultiple) {
  auto m = param("tag", valohai::ParameterType::string);
  m.multiple = valohai::MultipleMode::repeat;
  const valohai::Step s = step_of({m, param("n", valohai::ParameterType::integer)});
  const auto v = valohai::parse_parameter_args(s, {"tag=a", "n=1", "tag=b", "n=2"});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->at("tag").as_list().size(), 2u);
  EXPECT_EQ(v->at("n").as_int(), 2);
}

TEST(ParseParameterArgs, CollectsEveryProblem) {
  const valohai::Step s = step_of(
      {param("n", valohai::ParameterType::integer), param("x", valohai::ParameterType::float_)});
  const auto v = valohai::parse_parameter_args(s, {"n=5.3", "x=abc", "nope=1", "novalue"});
  ASSERT_FALSE(v);
  const std::string& m = v.error().message;
  EXPECT_NE(m.find("5.3 is not an integer"), std::string::npos);
  EXPECT_NE(m.find("abc is not a floating-point number"), std::string::npos);
  EXPECT_NE(m.find("no parameter 'nope'"), std::string::npos);
  EXPECT_NE(m.find("'novalue' is not of the form NAME=VALUE"), std::string::npos);
}

TEST(ValidateValues, EveryMessage) {
  auto lo = param("lo", valohai::ParameterType::integer);
  lo.min = Value(1);
  auto hi = param("hi", valohai::ParameterType::float_);
  hi.max = Value(0.5);
  auto choice = param("opt", valohai::ParameterType::string);
  choice.choices = ValueList{Value("adam"), Value("sgd")};
  auto single = param("single", valohai::ParameterType::string);
  auto required = param("req", valohai::ParameterType::string);
  auto required2 = param("req2", valohai::ParameterType::integer);
  auto optional = param("opt2", valohai::ParameterType::integer);
  optional.optional = true;
  const valohai::Step s = step_of({lo, hi, choice, single, required, required2, optional,
                                   param("flag", valohai::ParameterType::flag)});
  const valohai::ParameterValues values{{"lo", Value(0)},
                                        {"hi", Value(0.75)},
                                        {"opt", Value("rmsprop")},
                                        {"single", Value(ValueList{Value("a"), Value("b")})}};
  const auto problems = valohai::validate_values(s, values);
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_EQ(problems[0], "parameter 'lo': 0 is less than the minimum allowed (1)");
  EXPECT_EQ(problems[1], "parameter 'hi': 0.75 is greater than the maximum allowed (0.5)");
  EXPECT_EQ(problems[2], "parameter 'opt': rmsprop is not among the choices allowed (adam, sgd)");
  EXPECT_EQ(problems[3], "parameter 'single': Only a single value is allowed");
  EXPECT_EQ(problems[4], "Required parameters missing: req, req2");
  EXPECT_TRUE(valohai::validate_values(s, values, false).size() == 4u);
}

TEST(EffectiveValues, DefaultsThenGiven) {
  auto a = param("a", valohai::ParameterType::float_);
  a.default_value = Value(300);
  auto m = param("m", valohai::ParameterType::integer);
  m.multiple = valohai::MultipleMode::separate;
  m.default_value = Value(3);
  const auto v = valohai::effective_values(
      step_of({a, m, param("b", valohai::ParameterType::string)}), {{"b", Value("x")}});
  EXPECT_TRUE(v.at("a").is_int());
  EXPECT_EQ(v.at("m").as_list().size(), 1u);
  EXPECT_EQ(v.at("b").as_string(), "x");
}

}  // namespace
}  // namespace vhtask::common
