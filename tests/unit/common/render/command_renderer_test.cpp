// CommandRenderer against the renderer it replaced (reference_render.h) on hand-picked and on
// random steps: same commands, same errors, the same JSON as the dry run used to build.

#include "common/render/command_renderer.h"

#include "common/json_text.h"
#include "common/render/render.h"
#include "tests/unit/common/render/reference_render.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

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
  s.command = std::move(command);
  s.parameters = std::move(params);
  return s;
}

std::string describe(const Result<std::string>& r) {
  return r ? "ok: " + *r : "error: " + r.error().message;
}

// Same text, or the same error code and message.
void expect_same(const Result<std::string>& actual, const Result<std::string>& expected,
                 const std::string& context) {
  ASSERT_EQ(describe(actual), describe(expected)) << context;
  if (!actual) {
    EXPECT_EQ(actual.error().code, expected.error().code) << context;
  }
}

// The "parameters" object the dry run built before: boost::json over effective_values().
std::string old_json_object(const valohai::Step& step, const valohai::ParameterValues& given) {
  boost::json::object parameters;
  for (const auto& [name, value] : valohai::effective_values(step, given)) {
    parameters[name] = to_json(value);
  }
  return dump_json(parameters);
}

TEST(CommandRenderer, RendersLikeRenderCommand) {
  auto lr = param("lr", valohai::ParameterType::float_);
  lr.default_value = Value(0.001);
  auto tags = param("tag");
  tags.multiple = valohai::MultipleMode::repeat;
  auto fast = param("fast", valohai::ParameterType::flag);
  fast.default_value = Value(true);
  const valohai::Step s = step_with(
      {"#!/bin/bash", "  python train.py {parameters}  ", "", "echo {parameter-value:lr}"},
      {lr, tags, fast});
  const render::CommandRenderer renderer(s);
  const valohai::ParameterValues given = {{"tag", Value(ValueList{Value("a b"), Value("it's")})}};
  EXPECT_EQ(renderer.render(given).value(),
            "#!/bin/bash\npython train.py --lr=0.001 '--tag=a b' '--tag=it'\"'\"'s' --fast\n"
            "echo 0.001");
  EXPECT_EQ(renderer.render({}).value(), reference::render_command(s, {}).value());
}

TEST(CommandRenderer, RenderToAppendsAndResolveBySlotMatchesByName) {
  auto a = param("a", valohai::ParameterType::integer);
  auto b = param("b");
  b.default_value = Value("x y");
  const render::CommandRenderer renderer(step_with({"run {parameters}"}, {a, b}));
  ASSERT_EQ(renderer.slot_count(), 2u);
  EXPECT_EQ(renderer.slot_name(1), "b");
  const Value seven(7);
  // EffectiveValues point into the given values: they must outlive it.
  const valohai::ParameterValues named = {{"a", seven}, {"unknown", Value(1)}};
  render::EffectiveValues by_name;
  renderer.resolve(named, by_name);
  render::EffectiveValues by_slot;
  const std::vector<const Value*> given = {&seven, nullptr};
  renderer.resolve(given, by_slot);
  std::string out = "prefix: ";
  ASSERT_TRUE(renderer.render_to(out, by_name));
  EXPECT_EQ(out, "prefix: run --a=7 '--b=x y'");
  out.clear();
  ASSERT_TRUE(renderer.render_to(out, by_slot));
  EXPECT_EQ(out, "run --a=7 '--b=x y'");
}

TEST(CommandRenderer, TemplateErrorsOnlyWhenReachedWithTheSameMessages) {
  auto a = param("a");
  a.pass_as = "--a={bogus}";
  auto b = param("b");
  b.pass_as = "--b={v:.3f}";
  const valohai::Step s = step_with({"run {parameters}"}, {a, b});
  const render::CommandRenderer renderer(s);
  // No value, no words, no error: as before.
  EXPECT_EQ(renderer.render({}).value(), "run");
  const auto unknown = renderer.render({{"a", Value("1")}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message,
            "unknown key '{bogus}' in template '--a={bogus}' (known: {name}, {value}, {v})");
  const auto spec = renderer.render({{"b", Value("x")}});
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().message,
            "template '--b={v:.3f}': cannot format a str value with spec '.3f': Unknown format "
            "code 'f' for object of type 'str'");
  EXPECT_EQ(renderer.render({{"b", Value(2.0)}}).value(), "run --b=2.000");
}

TEST(CommandRenderer, JsonObjectIsTheEffectiveValuesInNameOrder) {
  auto zz = param("zz", valohai::ParameterType::integer);
  zz.default_value = Value(1);
  auto upper = param("AA", valohai::ParameterType::float_);
  upper.default_value = Value(std::numeric_limits<double>::infinity());
  auto mm = param("mm");
  auto aa = param("aa", valohai::ParameterType::flag);
  auto xs = param("xs", valohai::ParameterType::float_);
  xs.multiple = valohai::MultipleMode::separate;
  xs.default_value = Value(0.5);
  const valohai::Step s = step_with({"go"}, {zz, upper, mm, aa, xs});
  const render::CommandRenderer renderer(s);
  const valohai::ParameterValues given = {{"mm", Value("q\"\n\x01")}, {"aa", Value(false)}};
  render::EffectiveValues effective;
  renderer.resolve(given, effective);
  std::string out;
  renderer.append_json_object(out, effective);
  EXPECT_EQ(out, R"({"AA":"inf","aa":false,"mm":"q\"\n\u0001","xs":[0.5],"zz":1})");
  EXPECT_EQ(out, old_json_object(s, given));
}

// Random steps and values, drawn to hit every rule and edge of spec 2.3.
class RandomSteps {
public:
  explicit RandomSteps(std::uint64_t seed) : m_rng(seed) {}

  template <class T>
  const T& pick(const std::vector<T>& options) {
    return options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(m_rng)];
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(m_rng); }

  Value value(bool allow_list = true) {
    switch (std::uniform_int_distribution<int>(0, allow_list ? 6 : 5)(m_rng)) {
      case 0:
        return chance(0.3) ? Value() : Value(chance(0.5));
      case 1:
        return Value(pick<std::int64_t>({0, 1, -1, 65, 255, 123456789, -42,
                                         std::numeric_limits<std::int64_t>::max(),
                                         std::numeric_limits<std::int64_t>::min()}));
      case 2:
      case 3: {
        const double inf = std::numeric_limits<double>::infinity();
        const double random = std::uniform_real_distribution<double>(-1e6, 1e6)(m_rng);
        return Value(pick<double>({0.1, 0.001, 1e16, 1e-5, 1.5e-7, -0.0, 0.0, 300.0, inf, -inf,
                                   std::nan(""), 123456.789, 0.30000000000000004, 1e300, random}));
      }
      case 4:
      case 5:
        return Value(pick<std::string>({"", "plain", "a b", "it's", "tab\there", "new\nline",
                                        "h\xc3\xa9llo", "{v}", "yes", "NO", "0", "1", "true",
                                        "$HOME", "\x01\x7f", "  ", "q\"uote\\"}));
      default: {
        ValueList items;
        const int n = std::uniform_int_distribution<int>(0, 3)(m_rng);
        for (int i = 0; i < n; ++i) {
          items.push_back(value(false));
        }
        return Value(std::move(items));
      }
    }
  }

  std::optional<std::string> maybe(double p, const std::vector<std::string>& options) {
    return chance(p) ? std::optional<std::string>(pick(options)) : std::nullopt;
  }

  valohai::Step step() {
    static const std::vector<std::string> k_templates = {"--{name}={v}",
                                                         "-{name} {v}",
                                                         "{v}",
                                                         "--{name}={v:.3f}",
                                                         "{value:>6}",
                                                         "{name}:{v:x}",
                                                         "{{{v}}}",
                                                         "--{nme}={v}",
                                                         "{v}}",
                                                         "{v",
                                                         "{v!r}",
                                                         "{{literal}}",
                                                         "  spaced   {v}  out ",
                                                         "{name:d}",
                                                         "{v:e} {v:,}",
                                                         "{v:s}",
                                                         "",
                                                         "{v}{v}",
                                                         "a'b{v}",
                                                         "{v:.2%}",
                                                         "{v:c}",
                                                         "{name:>10}={v:<5}|",
                                                         "{v:{w}}",
                                                         "{v:}",
                                                         "{}",
                                                         "x}}y{{"};
    static const std::vector<std::string> k_flag_templates = {
        "--{name}", "--no-{name}", "-t {v}", "{v:d}", "{bad}", "", "{v:>7}"};
    static const std::vector<std::string> k_fragments = {"python train.py",
                                                         " ",
                                                         "{parameters}",
                                                         "{params}",
                                                         "{parameter:a}",
                                                         "{parameter:lr}",
                                                         "{parameter:none}",
                                                         "{parameter-value:a}",
                                                         "{parameter-value:Zeta}",
                                                         "{source-path}",
                                                         "{PARAMETERS}",
                                                         "{ parameters }",
                                                         "${HOME}",
                                                         "awk '{print $1}'",
                                                         "{",
                                                         "}",
                                                         "{}",
                                                         "{}}",
                                                         "{param\neters}",
                                                         "#!",
                                                         "#!/bin/sh",
                                                         "  ",
                                                         "\t",
                                                         "\n",
                                                         "&&",
                                                         "{parameter:dup}",
                                                         "{parameter-value:dup}",
                                                         "{{parameters}}",
                                                         "{parameter:}"};
    valohai::Step s;
    s.name = "train";
    const int params = std::uniform_int_distribution<int>(0, 5)(m_rng);
    for (int i = 0; i < params; ++i) {
      valohai::Parameter p =
          param(pick<std::string>({"a", "b", "lr", "Zeta", "x_1", "dup", "dup"}),
                pick<valohai::ParameterType>(
                    {valohai::ParameterType::string, valohai::ParameterType::integer,
                     valohai::ParameterType::float_, valohai::ParameterType::flag}));
      p.pass_as = maybe(0.5, k_templates);
      if (p.type == valohai::ParameterType::flag) {
        p.pass_true_as = maybe(0.3, k_flag_templates);
        p.pass_false_as = maybe(0.3, k_flag_templates);
      }
      p.multiple = pick<valohai::MultipleMode>(
          {valohai::MultipleMode::none, valohai::MultipleMode::none, valohai::MultipleMode::repeat,
           valohai::MultipleMode::separate});
      p.multiple_separator = pick<std::string>({",", ";", " ", "", "::"});
      if (chance(0.5)) {
        p.default_value = value();
      }
      s.parameters.push_back(std::move(p));
    }
    const int items = std::uniform_int_distribution<int>(1, 3)(m_rng);
    for (int i = 0; i < items; ++i) {
      std::string item;
      const int fragments = std::uniform_int_distribution<int>(1, 4)(m_rng);
      for (int f = 0; f < fragments; ++f) {
        item += pick(k_fragments);
      }
      s.command.push_back(std::move(item));
    }
    if (chance(0.3)) {
      s.source_path = pick<std::string>({"src/train.py", "my dir/it's.py", ""});
    }
    return s;
  }

  valohai::ParameterValues given() {
    valohai::ParameterValues out;
    for (const char* name : {"a", "b", "lr", "Zeta", "x_1", "dup", "extra"}) {
      if (chance(0.5)) {
        out[name] = value();
      }
    }
    return out;
  }

private:
  std::mt19937_64 m_rng;
};

TEST(CommandRenderer, MatchesTheOldRendererOnRandomSteps) {
  RandomSteps random(20240611);
  int errors = 0;
  for (int n = 0; n < 4000; ++n) {
    const valohai::Step s = random.step();
    const render::CommandRenderer renderer(s);
    render::EffectiveValues effective;
    for (int k = 0; k < 4; ++k) {
      const valohai::ParameterValues given = random.given();
      const std::string context = "step " + std::to_string(n) + " values " + std::to_string(k);
      const auto expected = reference::render_command(s, given);
      errors += expected ? 0 : 1;
      expect_same(renderer.render(given), expected, context);
      expect_same(render::render_command(s, given), expected, context);
      renderer.resolve(given, effective);
      std::string json;
      renderer.append_json_object(json, effective);
      ASSERT_EQ(json, old_json_object(s, given)) << context;
      for (const auto& p : s.parameters) {
        const Value v = random.value();
        const auto words = render::format_cli(p, v);
        const auto old = reference::format_cli(p, v);
        ASSERT_EQ(words.has_value(), old.has_value()) << context << " " << p.name;
        if (words) {
          EXPECT_EQ(*words, *old) << context << " " << p.name;
        } else {
          EXPECT_EQ(words.error().message, old.error().message) << context << " " << p.name;
        }
      }
    }
  }
  // The draw must exercise both outcomes.
  EXPECT_GT(errors, 100);
  EXPECT_LT(errors, 12000);
}

}  // namespace
}  // namespace vhtask::common
