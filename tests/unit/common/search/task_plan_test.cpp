// TaskPlan: grid order and counts against an independent enumeration, random_search
// reproducibility, manual_search rows, fixed values, and the problems create() collects.

#include "common/search/task_plan.h"

#include "common/render/render.h"

// Results are read with .value() (which fails the test by throwing on an error) rather than ->
// or *: GCC's -Wnull-dereference can't see through a Result's operator-> in -O3 builds.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <set>

namespace vhtask::common {
namespace {

valohai::Parameter param(std::string name, valohai::ParameterType type) {
  valohai::Parameter p;
  p.name = std::move(name);
  p.type = type;
  p.optional = true;
  return p;
}

valohai::Step make_step(std::vector<valohai::Parameter> parameters) {
  valohai::Step s;
  s.name = "train";
  s.image = "busybox";
  s.command = {"echo {parameters}"};
  s.parameters = std::move(parameters);
  return s;
}

valohai::VariantSpec items(std::string name, ValueList values) {
  valohai::VariantSpec v;
  v.name = std::move(name);
  v.style = valohai::VariantStyle::multiple;
  v.items = std::move(values);
  return v;
}

valohai::VariantSpec random_rule_of(std::string name, double min, double max,
                                    valohai::Distribution d = valohai::Distribution::uniform) {
  valohai::VariantSpec v;
  v.name = std::move(name);
  v.style = valohai::VariantStyle::random;
  v.min = Number{"", Value(min)};
  v.max = Number{"", Value(max)};
  v.distribution = d;
  v.count = 3;
  return v;
}

valohai::TaskSpec grid(std::vector<valohai::VariantSpec> variants) {
  valohai::TaskSpec t;
  t.type = valohai::TaskType::grid_search;
  t.parameters = std::move(variants);
  return t;
}

ValueList ints(std::int64_t from, std::int64_t n) {
  ValueList out;
  for (std::int64_t i = 0; i < n; ++i) {
    out.emplace_back(from + i);
  }
  return out;
}

std::string error_of(const Result<search::TaskPlan>& r) {
  return r ? "<ok>" : r.error().message;
}

TEST(GridSearch, SixBySixIsThirtySixLastVaryingFastest) {
  const valohai::Step step = make_step(
      {param("a", valohai::ParameterType::integer), param("b", valohai::ParameterType::integer)});
  const auto plan = search::TaskPlan::create(
      step, grid({items("a", ints(0, 6)), items("b", ints(10, 6))}), {}, 1);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan.value().count(), 36u);
  EXPECT_EQ(plan.value().values_at(0).value().at("b").as_int(), 10);
  EXPECT_EQ(plan.value().values_at(1).value().at("b").as_int(), 11);
  EXPECT_EQ(plan.value().values_at(1).value().at("a").as_int(), 0);
  EXPECT_EQ(plan.value().values_at(6).value().at("a").as_int(), 1);
  EXPECT_EQ(plan.value().values_at(35).value().at("a").as_int(), 5);
  EXPECT_EQ(plan.value().values_at(35).value().at("b").as_int(), 15);
  EXPECT_FALSE(plan.value().values_at(36));
  EXPECT_EQ(plan.value().varying_parameters(), (std::vector<std::string>{"a", "b"}));
}

// Property: for random small grids, count() is the product of the sizes and values_at(i) is the
// i-th tuple of a plain nested-loop enumeration in task order.
TEST(GridSearch, MatchesNestedLoopEnumeration) {
  std::mt19937 rng(2024);
  for (int trial = 0; trial < 50; ++trial) {
    const int n_params = 1 + static_cast<int>(rng() % 4);
    std::vector<valohai::Parameter> parameters;
    std::vector<valohai::VariantSpec> variants;
    std::vector<ValueList> lists;
    for (int k = 0; k < n_params; ++k) {
      const std::string name = "p" + std::to_string(k);
      parameters.push_back(param(name, valohai::ParameterType::integer));
      lists.push_back(ints(std::int64_t{100} * k, 1 + static_cast<std::int64_t>(rng() % 4)));
      variants.push_back(items(name, lists.back()));
    }
    // The task may list its parameters in another order than the step defines them.
    std::shuffle(parameters.begin(), parameters.end(), rng);
    const auto plan = search::TaskPlan::create(make_step(parameters), grid(variants), {}, 1);
    ASSERT_TRUE(plan) << plan.error().message;

    std::vector<std::vector<std::int64_t>> expected;
    std::vector<std::int64_t> tuple(n_params);
    std::function<void(int)> loop = [&](int depth) {
      if (depth == n_params) {
        expected.push_back(tuple);
        return;
      }
      for (const auto& v : lists[depth]) {
        tuple[depth] = v.as_int();
        loop(depth + 1);
      }
    };
    loop(0);

    ASSERT_EQ(plan.value().count(), expected.size());
    for (std::uint64_t i = 0; i < plan.value().count(); ++i) {
      const auto values = plan.value().values_at(i);
      ASSERT_TRUE(values);
      ASSERT_EQ(values.value().size(), static_cast<std::size_t>(n_params));
      for (int k = 0; k < n_params; ++k) {
        EXPECT_EQ(values.value().at("p" + std::to_string(k)).as_int(), expected[i][k])
            << "index " << i;
      }
    }
  }
}

TEST(GridSearch, MillionExecutionsComputedOnDemand) {
  const valohai::Step step = make_step({param("a", valohai::ParameterType::integer),
                                        param("b", valohai::ParameterType::integer),
                                        param("c", valohai::ParameterType::integer)});
  const auto plan = search::TaskPlan::create(
      step, grid({items("a", ints(0, 100)), items("b", ints(0, 100)), items("c", ints(0, 100))}),
      {}, 1);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan.value().count(), 1'000'000u);
  const auto last = plan.value().values_at(999'999);
  ASSERT_TRUE(last);
  EXPECT_EQ(last.value().at("a").as_int(), 99);
  EXPECT_EQ(last.value().at("b").as_int(), 99);
  EXPECT_EQ(last.value().at("c").as_int(), 99);
  const auto mid = plan.value().values_at(123'456);
  EXPECT_EQ(mid.value().at("a").as_int(), 12);
  EXPECT_EQ(mid.value().at("b").as_int(), 34);
  EXPECT_EQ(mid.value().at("c").as_int(), 56);
}

TEST(GridSearch, RandomVariantContributesItsDraws) {
  const valohai::Step step = make_step({param("lr", valohai::ParameterType::float_)});
  valohai::VariantSpec v = random_rule_of("lr", 0.001, 0.002);
  v.count = 10;
  const auto a = search::TaskPlan::create(step, grid({v}), {}, 5);
  const auto b = search::TaskPlan::create(step, grid({v}), {}, 5);
  const auto c = search::TaskPlan::create(step, grid({v}), {}, 6);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a.value().count(), 10u);
  bool differs = false;
  for (std::uint64_t i = 0; i < 10; ++i) {
    const double x = a.value().values_at(i).value().at("lr").as_float();
    EXPECT_GE(x, 0.001);
    EXPECT_LE(x, 0.002);
    EXPECT_EQ(x, b.value().values_at(i).value().at("lr").as_float());
    differs |= x != c.value().values_at(i).value().at("lr").as_float();
  }
  EXPECT_TRUE(differs);
  v.seed = 77;  // its own seed: the same draws whatever the task seed
  EXPECT_EQ(search::TaskPlan::create(step, grid({v}), {}, 5)
                .value()
                .values_at(3)
                .value()
                .at("lr")
                .as_float(),
            search::TaskPlan::create(step, grid({v}), {}, 6)
                .value()
                .values_at(3)
                .value()
                .at("lr")
                .as_float());
}

TEST(GridSearch, NoParametersIsOneExecution) {
  const auto plan = search::TaskPlan::create(make_step({}), grid({}), {}, 1);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan.value().count(), 1u);
  EXPECT_TRUE(plan.value().values_at(0).value().empty());
}

TEST(TaskPlan, FixedValuesJoinEveryExecutionAndDefaultsStayOut) {
  valohai::Parameter with_default = param("epochs", valohai::ParameterType::integer);
  with_default.default_value = Value(5);
  const valohai::Step step = make_step({param("lr", valohai::ParameterType::float_), with_default,
                                        param("tag", valohai::ParameterType::string)});
  const auto plan = search::TaskPlan::create(step, grid({items("lr", {Value(0.1), Value(0.2)})}),
                                             {{"tag", Value("x")}}, 1);
  ASSERT_TRUE(plan) << plan.error().message;
  for (std::uint64_t i = 0; i < plan.value().count(); ++i) {
    const auto values = plan.value().values_at(i).value();
    EXPECT_EQ(values.at("tag").as_string(), "x");
    EXPECT_FALSE(values.contains("epochs"));
  }
  EXPECT_EQ(plan.value().varying_parameters(), std::vector<std::string>{"lr"});
  EXPECT_EQ(render::render_command(step, plan.value().values_at(1).value()).value(),
            "echo --lr=0.2 --epochs=5 --tag=x");
}

TEST(TaskPlan, FixedValueConflictingWithTheTaskIsAnError) {
  const valohai::Step step = make_step({param("lr", valohai::ParameterType::float_)});
  valohai::VariantSpec v = items("lr", {Value(0.1)});
  v.mark = {"grid.yaml", 2, 5};
  EXPECT_EQ(error_of(search::TaskPlan::create(step, grid({v}), {{"lr", Value(0.5)}}, 1)),
            "grid.yaml:2:5: parameter 'lr' is set both with --param and by the task; give it in "
            "one place only");
}

TEST(TaskPlan, UnknownNameNamesItAndTheStep) {
  const valohai::Step step = make_step({param("lr", valohai::ParameterType::float_)});
  EXPECT_EQ(error_of(search::TaskPlan::create(step, grid({items("nope", {Value(1)})}), {}, 1)),
            "step 'train' has no parameter 'nope' (it has: lr)");
}

TEST(TaskPlan, CollectsEveryProblem) {
  valohai::Parameter lr = param("lr", valohai::ParameterType::float_);
  lr.max = Value(1.0);
  valohai::Parameter opt = param("opt", valohai::ParameterType::string);
  opt.choices = ValueList{Value("adam"), Value("sgd")};
  valohai::Parameter required = param("data", valohai::ParameterType::string);
  required.optional = false;
  const valohai::Step step = make_step({lr, opt, required});
  const auto plan = search::TaskPlan::create(
      step,
      grid({items("lr", {Value(0.5), Value(2.0)}), items("opt", {Value("adam"), Value("rms")}),
            items("missing", {Value(1)})}),
      {}, 1);
  EXPECT_EQ(error_of(plan),
            "parameter 'lr': 2.0 is greater than the maximum allowed (1.0)\n"
            "parameter 'opt': rms is not among the choices allowed (adam, sgd)\n"
            "step 'train' has no parameter 'missing' (it has: lr, opt, data)\n"
            "Required parameters missing: data");
}

TEST(TaskPlan, ManyBadValuesMakeAReadableError) {
  valohai::Parameter n = param("n", valohai::ParameterType::integer);
  n.max = Value(0);
  const auto plan =
      search::TaskPlan::create(make_step({n}), grid({items("n", ints(1, 100000))}), {}, 1);
  ASSERT_FALSE(plan);
  const std::string& message = plan.error().message;
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 10);
  EXPECT_NE(message.find("parameter 'n': 10 is greater than the maximum allowed (0)"),
            std::string::npos);
  EXPECT_NE(message.find("only the first 10 are listed"), std::string::npos);
}

TEST(TaskPlan, ListedTwiceIsAnError) {
  const valohai::Step step = make_step({param("lr", valohai::ParameterType::float_)});
  EXPECT_EQ(error_of(search::TaskPlan::create(
                step, grid({items("lr", {Value(1)}), items("lr", {Value(2)})}), {}, 1)),
            "parameter 'lr' is listed more than once in the task");
}

TEST(TaskPlan, BayesianIsUnsupported) {
  valohai::TaskSpec t;
  t.type = valohai::TaskType::bayesian_tpe;
  const auto plan = search::TaskPlan::create(make_step({}), t, {}, 1);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, Error::Code::unsupported);
  EXPECT_NE(plan.error().message.find("use grid_search or random_search"), std::string::npos);
}

TEST(TaskPlan, SeedIsRecordedWhenNoneIsGiven) {
  const valohai::Step step = make_step({param("lr", valohai::ParameterType::float_)});
  const auto a =
      search::TaskPlan::create(step, grid({random_rule_of("lr", 0, 1)}), {}, std::nullopt);
  ASSERT_TRUE(a);
  const auto b =
      search::TaskPlan::create(step, grid({random_rule_of("lr", 0, 1)}), {}, a.value().seed());
  for (std::uint64_t i = 0; i < a.value().count(); ++i) {
    EXPECT_EQ(a.value().values_at(i).value().at("lr").as_float(),
              b.value().values_at(i).value().at("lr").as_float());
  }
}

valohai::TaskSpec random_search(std::vector<valohai::VariantSpec> variants, std::int64_t n) {
  valohai::TaskSpec t;
  t.type = valohai::TaskType::random_search;
  t.parameters = std::move(variants);
  t.execution_count = n;
  return t;
}

TEST(RandomSearch, RecordedSeedReproducesExactly) {
  const valohai::Step step = make_step({param("lr", valohai::ParameterType::float_),
                                        param("opt", valohai::ParameterType::string),
                                        param("layers", valohai::ParameterType::integer)});
  valohai::VariantSpec layers = random_rule_of("layers", 1, 8);
  layers.integerify = true;
  const valohai::TaskSpec task =
      random_search({random_rule_of("lr", 1e-4, 1e-1, valohai::Distribution::loguniform),
                     items("opt", {Value("adam"), Value("sgd"), Value("rms")}), layers},
                    200);
  const auto a = search::TaskPlan::create(step, task, {}, std::nullopt);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a.value().count(), 200u);
  const auto b = search::TaskPlan::create(step, task, {}, a.value().seed());
  ASSERT_TRUE(b);
  std::set<std::string> opts;
  for (std::uint64_t i = 200; i-- > 0;) {  // backwards: each index stands on its own
    const auto x = a.value().values_at(i).value();
    const auto y = b.value().values_at(i).value();
    EXPECT_EQ(x.at("lr").as_float(), y.at("lr").as_float());
    EXPECT_EQ(x.at("opt").as_string(), y.at("opt").as_string());
    EXPECT_EQ(x.at("layers").as_int(), y.at("layers").as_int());
    EXPECT_GE(x.at("lr").as_float(), 1e-4);
    EXPECT_LE(x.at("lr").as_float(), 1e-1);
    EXPECT_GE(x.at("layers").as_int(), 1);
    EXPECT_LE(x.at("layers").as_int(), 8);
    opts.insert(x.at("opt").as_string());
  }
  EXPECT_EQ(opts.size(), 3u);
  EXPECT_EQ(a.value().varying_parameters(), (std::vector<std::string>{"lr", "opt", "layers"}));
  const auto c = search::TaskPlan::create(step, task, {}, a.value().seed() + 1);
  EXPECT_NE(a.value().values_at(0).value().at("lr").as_float(),
            c.value().values_at(0).value().at("lr").as_float());
}

TEST(RandomSearch, ProblemsFoundUpFront) {
  valohai::Parameter n = param("n", valohai::ParameterType::integer);
  n.max = Value(5);
  const valohai::Step step = make_step({n});
  // Draws between 1 and 3 for an integer parameter, without integerify.
  const std::string message = error_of(
      search::TaskPlan::create(step, random_search({random_rule_of("n", 1, 3)}, 10), {}, 1));
  EXPECT_EQ(message.rfind("parameter 'n': ", 0), 0u) << message;
  EXPECT_NE(message.find(" is not an integer"), std::string::npos) << message;
  valohai::VariantSpec wide = random_rule_of("n", 1, 9);
  wide.integerify = true;
  EXPECT_EQ(error_of(search::TaskPlan::create(step, random_search({wide}, 10), {}, 1)),
            "parameter 'n': 9 is greater than the maximum allowed (5)");
  EXPECT_EQ(error_of(search::TaskPlan::create(step, random_search({wide}, 0), {}, 1)),
            "parameter 'n': 9 is greater than the maximum allowed (5)\n"
            "random_search needs `execution-count` of at least 1");
}

TEST(ManualSearch, OneExecutionPerRowTyped) {
  const valohai::Step step = make_step(
      {param("lr", valohai::ParameterType::float_), param("n", valohai::ParameterType::integer)});
  valohai::TaskSpec t;
  t.type = valohai::TaskType::manual_search;
  t.parameter_sets = {{{"lr", Value(1)}, {"n", Value("3")}}, {{"lr", Value(0.5)}, {"n", Value(3)}}};
  const auto plan = search::TaskPlan::create(step, t, {}, 1);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan.value().count(), 2u);
  EXPECT_TRUE(plan.value().values_at(0).value().at("lr").is_float());
  EXPECT_EQ(plan.value().values_at(0).value().at("n").as_int(), 3);
  EXPECT_EQ(plan.value().varying_parameters(), std::vector<std::string>{"lr"});

  t.parameter_sets.push_back({{"bogus", Value(1)}, {"n", Value(2.5)}});
  EXPECT_EQ(error_of(search::TaskPlan::create(step, t, {}, 1)),
            "parameter-sets row 3: step 'train' has no parameter 'bogus' (it has: lr, n)\n"
            "parameter-sets row 3: parameter 'n': 2.5 is not an integer");
}

}  // namespace
}  // namespace vhtask::common
