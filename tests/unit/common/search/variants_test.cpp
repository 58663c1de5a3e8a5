// Spec section 3's variant styles: the seed document's examples, exact decimal steps,
// integerify, typing, and every rule error with its position.

#include "common/search/variants.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>

namespace vhtask::common {
namespace {

// A number as YAML would type it: a float only with a dot.
Number num(const std::string& text) {
  if (text.find('.') == std::string::npos) {
    return {text, Value(static_cast<std::int64_t>(std::stoll(text)))};
  }
  double d = 0;
  std::from_chars(text.data(), text.data() + text.size(), d);
  return {text, Value(d)};
}

valohai::VariantSpec linear(const std::string& start, const std::string& end,
                            const std::string& step) {
  valohai::VariantSpec v;
  v.name = "lr";
  v.style = valohai::VariantStyle::linear;
  v.start = num(start);
  v.end = num(end);
  v.step = num(step);
  v.mark = {"grid.yaml", 3, 5};
  return v;
}

valohai::VariantSpec logspace(const std::string& start, const std::string& end, std::int64_t count,
                              std::optional<std::string> base = std::nullopt) {
  valohai::VariantSpec v;
  v.name = "lr";
  v.style = valohai::VariantStyle::logspace;
  v.start = num(start);
  v.end = num(end);
  v.count = count;
  if (base) {
    v.base = num(*base);
  }
  v.mark = {"grid.yaml", 7, 5};
  return v;
}

valohai::VariantSpec random_variant(double min, double max, std::int64_t count,
                                    valohai::Distribution d = valohai::Distribution::uniform) {
  valohai::VariantSpec v;
  v.name = "lr";
  v.style = valohai::VariantStyle::random;
  v.min = Number{"", Value(min)};
  v.max = Number{"", Value(max)};
  v.count = count;
  v.distribution = d;
  return v;
}

valohai::Parameter param(valohai::ParameterType type) {
  valohai::Parameter p;
  p.name = "lr";
  p.type = type;
  return p;
}

std::vector<double> doubles(const Result<ValueList>& values) {
  std::vector<double> out;
  for (const auto& v : values.value()) {
    EXPECT_TRUE(v.is_float()) << v.to_python_str();
    out.push_back(v.to_double());
  }
  return out;
}

std::vector<std::int64_t> ints(const Result<ValueList>& values) {
  std::vector<std::int64_t> out;
  for (const auto& v : values.value()) {
    EXPECT_TRUE(v.is_int()) << v.to_python_str();
    out.push_back(v.is_int() ? v.as_int() : -999);
  }
  return out;
}

std::string error_of(const Result<ValueList>& r) {
  return r ? "<ok>" : r.error().message;
}

TEST(Linear, SeedDocumentExamples) {
  const auto a = doubles(search::variant_values(linear("0.8", "0.9", "0.01"), 0));
  ASSERT_EQ(a.size(), 11u);
  EXPECT_EQ(a[0], 0.8);
  EXPECT_EQ(a[1], 0.81);  // the double nearest 0.81, not 0.8 + 0.01
  EXPECT_EQ(a[3], 0.83);
  EXPECT_EQ(a[10], 0.9);

  EXPECT_EQ(doubles(search::variant_values(linear("0.001", "0.002", "0.0002"), 0)),
            (std::vector<double>{0.001, 0.0012, 0.0014, 0.0016, 0.0018, 0.002}));
}

TEST(Linear, EndIsIncludedOnlyWhenReached) {
  const auto v = doubles(search::variant_values(linear("0.001", "0.5", "0.05"), 0));
  ASSERT_EQ(v.size(), 10u);
  EXPECT_EQ(v.back(), 0.451);
  EXPECT_EQ(doubles(search::variant_values(linear("-1", "1", "0.5"), 0)),
            (std::vector<double>{-1.0, -0.5, 0.0, 0.5, 1.0}));
  EXPECT_EQ(doubles(search::variant_values(linear("0.5", "0.5", "0.1"), 0)),
            std::vector<double>{0.5});
}

TEST(Linear, IntegersWhenStartAndStepAreWrittenAsIntegers) {
  EXPECT_EQ(ints(search::variant_values(linear("100", "1000", "300"), 0)),
            (std::vector<std::int64_t>{100, 400, 700, 1000}));
  EXPECT_EQ(ints(search::variant_values(linear("2", "7.5", "2"), 0)),
            (std::vector<std::int64_t>{2, 4, 6}));
  EXPECT_EQ(doubles(search::variant_values(linear("0", "1", "0.25"), 0)),
            (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
  EXPECT_EQ(doubles(search::variant_values(linear("1.0", "3", "1"), 0)),
            (std::vector<double>{1.0, 2.0, 3.0}));
}

TEST(Linear, RuleErrorsCarryThePosition) {
  EXPECT_EQ(error_of(search::variant_values(linear("1.0", "0.5", "0.1"), 0)),
            "grid.yaml:3:5: parameter 'lr': End must be greater than or equal to start.");
  EXPECT_EQ(error_of(search::variant_values(linear("0", "1", "0"), 0)),
            "grid.yaml:3:5: parameter 'lr': step must be greater than 0 (it is 0).");
  EXPECT_EQ(error_of(search::variant_values(linear("0", "1", "-0.5"), 0)),
            "grid.yaml:3:5: parameter 'lr': step must be greater than 0 (it is -0.5).");
  valohai::VariantSpec missing = linear("0", "1", "1");
  missing.step.reset();
  EXPECT_EQ(error_of(search::variant_values(missing, 0)),
            "grid.yaml:3:5: parameter 'lr': linear needs `step`");
  EXPECT_NE(error_of(search::variant_values(linear("0", "1", "0.0000001"), 0))
                .find("limit per parameter"),
            std::string::npos);
}

TEST(Logspace, SeedDocumentExample) {
  EXPECT_EQ(doubles(search::variant_values(logspace("2", "8", 4, "2"), 0)),
            (std::vector<double>{4, 16, 64, 256}));
}

TEST(Logspace, ExponentsSpacedLikeNumpy) {
  EXPECT_EQ(doubles(search::variant_values(logspace("-5", "-1", 5), 0)),
            (std::vector<double>{1e-05, 0.0001, 0.001, 0.01, 0.1}));
  const auto v = doubles(search::variant_values(logspace("0", "2", 7), 0));
  ASSERT_EQ(v.size(), 7u);
  EXPECT_EQ(v[1], 2.154434690031884);
  EXPECT_EQ(v[5], 46.41588833612777);  // 10 ** (5 * (2/6)), as numpy.logspace
  EXPECT_EQ(v[6], 100.0);
}

TEST(Logspace, CountOneIsBaseToTheStart) {
  EXPECT_EQ(doubles(search::variant_values(logspace("3", "3", 1), 0)), std::vector<double>{1000.0});
  EXPECT_EQ(doubles(search::variant_values(logspace("3", "5", 1, "2"), 0)),
            std::vector<double>{8.0});
}

TEST(Logspace, Errors) {
  EXPECT_EQ(error_of(search::variant_values(logspace("1", "3", 0), 0)),
            "grid.yaml:7:5: parameter 'lr': count must be at least 1 (it is 0).");
  EXPECT_NE(
      error_of(search::variant_values(logspace("1", "400", 2), 0)).find("is not a finite number"),
      std::string::npos);
}

TEST(Integerify, FloorsAndDropsDuplicatesKeepingOrder) {
  valohai::VariantSpec v = logspace("0", "1", 5);
  v.integerify = true;
  EXPECT_EQ(ints(search::variant_values(v, 0)), (std::vector<std::int64_t>{1, 3, 5, 10}));
  v = logspace("-5", "-1", 5);
  v.integerify = true;
  EXPECT_EQ(ints(search::variant_values(v, 0)), std::vector<std::int64_t>{0});
  v = linear("-1.5", "1", "0.5");
  v.integerify = true;
  EXPECT_EQ(ints(search::variant_values(v, 0)), (std::vector<std::int64_t>{-2, -1, 0, 1}));
}

TEST(Random, SeedDocumentExample) {
  valohai::VariantSpec v = random_variant(0.001, 0.002, 10);
  v.seed = 42;
  const auto a = doubles(search::variant_values(v, 0));
  ASSERT_EQ(a.size(), 10u);
  for (double x : a) {
    EXPECT_GE(x, 0.001);
    EXPECT_LE(x, 0.002);
  }
  EXPECT_EQ(doubles(search::variant_values(v, 12345)), a);  // its own seed wins over the default
  v.seed = 43;
  EXPECT_NE(doubles(search::variant_values(v, 0)), a);
}

TEST(Random, DefaultSeedWhenTheVariantHasNone) {
  const valohai::VariantSpec v = random_variant(1, 2, 5);
  EXPECT_EQ(doubles(search::variant_values(v, 7)), doubles(search::variant_values(v, 7)));
  EXPECT_NE(doubles(search::variant_values(v, 7)), doubles(search::variant_values(v, 8)));
}

TEST(Random, RuleErrors) {
  EXPECT_EQ(error_of(search::variant_values(random_variant(2, 1, 3), 0)),
            "parameter 'lr': Max must be greater than or equal to min.");
  EXPECT_EQ(error_of(search::variant_values(
                random_variant(0, 1, 3, valohai::Distribution::loguniform), 0)),
            "parameter 'lr': loguniform needs min greater than 0 (it is 0.0).");
  EXPECT_EQ(error_of(search::variant_values(random_variant(1, 2, 0), 0)),
            "parameter 'lr': count must be at least 1 (it is 0).");
}

TEST(Typed, ConvertsToTheDeclaredType) {
  EXPECT_EQ(doubles(search::typed_variant_values(param(valohai::ParameterType::float_),
                                                 linear("100", "700", "300"), 0)),
            (std::vector<double>{100.0, 400.0, 700.0}));
  EXPECT_EQ(ints(search::typed_variant_values(param(valohai::ParameterType::integer),
                                              logspace("2", "8", 4, "2"), 0)),
            (std::vector<std::int64_t>{4, 16, 64, 256}));
  valohai::VariantSpec items;
  items.name = "lr";
  items.style = valohai::VariantStyle::multiple;
  items.items = ValueList{Value(1), Value("2"), Value(true)};
  const auto s = search::typed_variant_values(param(valohai::ParameterType::string), items, 0);
  ASSERT_TRUE(s);
  EXPECT_EQ(s.value()[2].as_string(), "True");
}

TEST(Typed, NonIntegralValueForAnIntegerIsAnErrorNamingIt) {
  EXPECT_EQ(error_of(search::typed_variant_values(param(valohai::ParameterType::integer),
                                                  linear("0", "1", "0.5"), 0)),
            "grid.yaml:3:5: parameter 'lr': 0.5 is not an integer");
  valohai::VariantSpec v = linear("0", "1", "0.5");
  v.integerify = true;
  EXPECT_EQ(ints(search::typed_variant_values(param(valohai::ParameterType::integer), v, 0)),
            (std::vector<std::int64_t>{0, 1}));
}

TEST(Typed, NumericStyleOnStringOrFlagIsAnError) {
  EXPECT_EQ(error_of(search::typed_variant_values(param(valohai::ParameterType::string),
                                                  linear("0", "1", "1"), 0)),
            "grid.yaml:3:5: parameter 'lr': style linear gives numbers, but the parameter is of "
            "type string.");
  EXPECT_NE(error_of(search::typed_variant_values(param(valohai::ParameterType::flag),
                                                  logspace("0", "1", 2), 0))
                .find("of type flag"),
            std::string::npos);
}

TEST(Typed, BadItemIsNamed) {
  valohai::VariantSpec v;
  v.name = "lr";
  v.style = valohai::VariantStyle::multiple;
  v.items = ValueList{Value(0.1), Value("abc")};
  EXPECT_EQ(error_of(search::typed_variant_values(param(valohai::ParameterType::float_), v, 0)),
            "parameter 'lr': abc is not a floating-point number");
  v.items = ValueList{};
  EXPECT_EQ(error_of(search::variant_values(v, 0)),
            "parameter 'lr': multiple needs at least one value in `items`");
}

TEST(Typed, RandomValueWithIntegerify) {
  valohai::VariantSpec v = random_variant(1, 10, 1);
  v.integerify = true;
  const search::RandomRule rule = search::random_rule(v).value();
  search::RandomEngine engine(1);
  for (int i = 0; i < 100; ++i) {
    const auto x =
        search::typed_random_value(param(valohai::ParameterType::integer), v, rule, engine);
    ASSERT_TRUE(x) << x.error().message;
    EXPECT_GE(x.value().as_int(), 1);
    EXPECT_LE(x.value().as_int(), 10);
  }
}

}  // namespace
}  // namespace vhtask::common
