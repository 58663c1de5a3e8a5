// Spec 2.3, rule by rule, on steps built in code (independent of the YAML loader).

#include "common/render/render.h"

#include <gtest/gtest.h>

namespace vhtask::common {
namespace {

valohai::Parameter param(std::string name,
                         valohai::ParameterType type = valohai::ParameterType::string) {
  valohai::Parameter p;
  p.name = std::move(name);
  p.type = type;
  return p;
}

valohai::Step step_with(std::vector<std::string> command, std::vector<valohai::Parameter> params) {
  valohai::Step s;
  s.name = "train";
  s.image = "busybox";
  s.command = std::move(command);
  s.parameters = std::move(params);
  return s;
}

std::string render(const valohai::Step& s, const valohai::ParameterValues& given = {}) {
  const auto r = render::render_command(s, given);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : "<error>";
}

TEST(Render, SeedExampleUsesDefaultsAsYamlTypedThem) {
  auto steps = param("max_steps", valohai::ParameterType::float_);
  steps.default_value = Value(300);
  auto lr = param("learning_rate", valohai::ParameterType::float_);
  lr.default_value = Value(0.001);
  auto dropout = param("dropout", valohai::ParameterType::float_);
  dropout.default_value = Value(0.9);
  const valohai::Step s = step_with({"python train.py {parameters}"}, {steps, lr, dropout});
  EXPECT_EQ(render(s), "python train.py --max_steps=300 --learning_rate=0.001 --dropout=0.9");
  // A user's value is converted to the declared type: a float given 300 renders 300.0.
  EXPECT_EQ(render(s, {{"max_steps", Value(300.0)}}),
            "python train.py --max_steps=300.0 --learning_rate=0.001 --dropout=0.9");
}

TEST(Render, NumbersUsePythonRepr) {
  auto x = param("x", valohai::ParameterType::float_);
  const valohai::Step s = step_with({"run {parameters}"}, {x});
  EXPECT_EQ(render(s, {{"x", Value(1e-05)}}), "run --x=1e-05");
  EXPECT_EQ(render(s, {{"x", Value(1e16)}}), "run --x=1e+16");
  EXPECT_EQ(render(s, {{"x", Value(0.0001)}}), "run --x=0.0001");
  EXPECT_EQ(render(s, {{"x", Value(0.1 + 0.2)}}), "run --x=0.30000000000000004");
  EXPECT_EQ(render(s, {{"x", Value(-0.0)}}), "run --x=-0.0");
}

TEST(Render, BoolOnNonFlagRendersPythonStyle) {
  auto x = param("x");
  x.default_value = Value(true);
  EXPECT_EQ(render(step_with({"run {parameters}"}, {x})), "run --x=True");
}

TEST(Render, QuotesWholeWordAndSplitsTemplateFirst) {
  auto label = param("label");
  auto opt = param("opt");
  opt.pass_as = "--opt {v}";
  const valohai::Step s = step_with({"run {parameters}"}, {label, opt});
  EXPECT_EQ(render(s, {{"label", Value("a b")}, {"opt", Value("a b")}}),
            "run '--label=a b' --opt 'a b'");
  EXPECT_EQ(render(s, {{"label", Value("it's")}}), "run '--label=it'\"'\"'s'");
  EXPECT_EQ(render(s, {{"label", Value("")}}), "run --label=");
  EXPECT_EQ(render(s, {{"opt", Value("")}}), "run --opt ''");
}

TEST(Render, FormatSpecsApplyToNumbers) {
  auto x = param("x", valohai::ParameterType::float_);
  x.pass_as = "--x={v:.3f}";
  auto y = param("y", valohai::ParameterType::float_);
  y.pass_as = "-y {value:.2e}";
  const valohai::Step s = step_with({"run {parameters}"}, {x, y});
  EXPECT_EQ(render(s, {{"x", Value(3.0)}, {"y", Value(12345.0)}}), "run --x=3.000 -y 1.23e+04");
}

TEST(Render, FlagsFollowPassTrueAndFalse) {
  auto plain = param("verbose", valohai::ParameterType::flag);
  auto both = param("amp", valohai::ParameterType::flag);
  both.pass_true_as = "--amp=on";
  both.pass_false_as = "--amp=off";
  auto only_true = param("fast", valohai::ParameterType::flag);
  only_true.pass_true_as = "--fast";
  auto custom = param("debug", valohai::ParameterType::flag);
  custom.pass_as = "-d {name}";
  const valohai::Step s = step_with({"run {parameters}"}, {plain, both, only_true, custom});
  EXPECT_EQ(render(s, {{"verbose", Value(true)},
                       {"amp", Value(false)},
                       {"fast", Value(false)},
                       {"debug", Value(true)}}),
            "run --verbose --amp=off -d debug");
  EXPECT_EQ(render(s, {{"verbose", Value(false)}, {"amp", Value(true)}, {"fast", Value(true)}}),
            "run --amp=on --fast");
}

TEST(Render, FlagDefaultTrueTurnsFlagOn) {
  auto f = param("shuffle", valohai::ParameterType::flag);
  f.default_value = Value(true);
  const valohai::Step s = step_with({"run {parameters}"}, {f});
  EXPECT_EQ(render(s), "run --shuffle");
  EXPECT_EQ(render(s, {{"shuffle", Value(false)}}), "run");
}

TEST(Render, MultipleRepeatAndSeparate) {
  auto rep = param("tag");
  rep.multiple = valohai::MultipleMode::repeat;
  auto sep = param("ids", valohai::ParameterType::integer);
  sep.multiple = valohai::MultipleMode::separate;
  auto custom = param("xs", valohai::ParameterType::float_);
  custom.multiple = valohai::MultipleMode::separate;
  custom.multiple_separator = "-";
  const valohai::Step s = step_with({"run {parameters}"}, {rep, sep, custom});
  EXPECT_EQ(render(s, {{"tag", Value(ValueList{Value("a"), Value("b c")})},
                       {"ids", Value(ValueList{Value(1), Value(2)})},
                       {"xs", Value(ValueList{Value(0.5), Value(1.0)})}}),
            "run --tag=a '--tag=b c' --ids=1,2 --xs=0.5-1.0");
  EXPECT_EQ(render(s, {{"tag", Value(ValueList{})}}), "run");
}

TEST(Render, Placeholders) {
  auto a = param("a");
  a.default_value = Value("x y");
  auto b = param("b");
  valohai::Step s =
      step_with({"{params} | {parameter:a} | {parameter:b} | {parameter-value:a} | "
                 "{parameter-value:b} | {source-path} | {PARAMETERS} | { parameters} | "
                 "${HOME} | awk '{print $1}'"},
                {a, b});
  EXPECT_EQ(render(s),
            "'--a=x y' | '--a=x y' |  | 'x y' | {parameter-value:b} | {source-path} | "
            "{PARAMETERS} | { parameters} | ${HOME} | awk '{print $1}'");
  s.source_path = "src/train me.py";
  s.command = {"python {source-path}"};
  EXPECT_EQ(render(s), "python 'src/train me.py'");
}

TEST(Render, ListCommandsTrimDropEmptyAndJoin) {
  const valohai::Step s = step_with({"  cd src  ", "", "   ", "python train.py", "echo done"}, {});
  EXPECT_EQ(render(s), "cd src\npython train.py\necho done");
}

TEST(Render, ShebangStaysALineOfItsOwn) {
  const valohai::Step s = step_with({"#!/bin/bash", "set -e", "echo hi"}, {});
  EXPECT_EQ(render(s), "#!/bin/bash\nset -e\necho hi");
}

TEST(Render, UnknownTemplateKeyIsAnErrorNotACrash) {
  auto a = param("a");
  a.pass_as = "--{nme}={v}";
  const valohai::Step s = step_with({"run {parameters}"}, {a});
  const auto r = render::render_command(s, {{"a", Value("1")}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("{nme}"), std::string::npos);
}

TEST(Render, TemplateErrorsOnlyWhenTheParameterHasAValue) {
  auto a = param("a");
  a.pass_as = "--{nme}={v}";
  auto b = param("b", valohai::ParameterType::integer);
  b.pass_as = "--b={v:.2s}";
  const valohai::Step s = step_with({"run {parameters}", "echo {parameter-value:a}"}, {a, b});
  EXPECT_EQ(render(s), "run\necho {parameter-value:a}");
  const auto r = render::render_command(s, {{"b", Value(3)}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "template '--b={v:.2s}': cannot format a int value with spec '.2s': Unknown format "
            "code 's' for object of type 'int'");
}

TEST(Render, EscapedBracesInTemplates) {
  auto a = param("a");
  a.pass_as = "--{name}={{{v}}}";
  EXPECT_EQ(render(step_with({"run {parameters}"}, {a}), {{"a", Value("1")}}), "run '--a={1}'");
}

}  // namespace
}  // namespace vhtask::common
