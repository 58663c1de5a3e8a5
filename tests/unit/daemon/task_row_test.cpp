// The task row <-> inputs mapping (daemon/task_row.h): what start writes, activation reads back.

#include "daemon/task_row.h"

#include <gtest/gtest.h>

#include <string>

namespace vhtask::daemon {
namespace {

constexpr const char* k_yaml =
    "- step:\n    name: s\n    image: busybox\n    command: echo {parameters}\n"
    "    parameters:\n      - name: i\n        type: integer\n"
    "      - name: x\n        type: string\n        default: a\n"
    "- task:\n    step: s\n    name: sweep\n    type: random_search\n    execution-count: 3\n"
    "    parameters:\n      - name: i\n        style: random\n"
    "        rules: {min: 0, max: 100, distribution: uniform, integerify: true}\n";

TEST(TaskRow, InputsSurviveTheRowAndRebuildTheSamePlan) {
  TaskInputs inputs;
  inputs.config_text = k_yaml;
  inputs.config_file = "valohai.yaml";
  inputs.blueprint = "sweep";  // names its step; the row records the resolved one
  inputs.fixed_params = {"x=b c", "x=\"quoted\""};
  const TaskEnvironment env{{"PATH", "/bin"}, {"BYTES", std::string("\xff\x00z", 3)}};
  auto context = build_task_context(inputs);
  ASSERT_TRUE(context) << context.error().message;

  store::NewTask row;
  to_task_row(inputs, **context, env, row);
  EXPECT_EQ(row.step, "s");
  EXPECT_EQ(row.type, "random_search");
  EXPECT_EQ(row.count, 3);
  EXPECT_EQ(row.seed, static_cast<std::int64_t>((*context)->plan->seed()));
  EXPECT_EQ(row.fixed_params_json, "[\"x=b c\",\"x=\\\"quoted\\\"\"]");

  const auto back = from_task_row(row);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->env, env);
  EXPECT_EQ(back->inputs.config_text, inputs.config_text);
  EXPECT_EQ(back->inputs.config_file, inputs.config_file);
  EXPECT_EQ(back->inputs.blueprint, inputs.blueprint);
  EXPECT_EQ(back->inputs.fixed_params, inputs.fixed_params);
  EXPECT_EQ(back->inputs.step, "s");
  EXPECT_EQ(back->inputs.seed, (*context)->plan->seed()) << "the drawn seed, recorded";

  auto rebuilt = build_task_context(back->inputs);
  ASSERT_TRUE(rebuilt) << rebuilt.error().message;
  store::NewTask again;
  to_task_row(back->inputs, **rebuilt, back->env, again);
  EXPECT_EQ(again.varying_json, row.varying_json);
  EXPECT_EQ(again.environment_json, row.environment_json);
  for (std::uint64_t i = 0; i < 3; ++i) {
    const auto a = (*context)->renderer->render(*(*context)->plan->values_at(i));
    const auto b = (*rebuilt)->renderer->render(*(*rebuilt)->plan->values_at(i));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b) << "index " << i;
  }
}

TEST(TaskRow, AMalformedColumnIsAnErrorNamingIt) {
  store::NewTask row;
  row.fixed_params_json = "{";
  const auto bad = from_task_row(row);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("tasks.fixed_params"), std::string::npos)
      << bad.error().message;
  row.fixed_params_json = "[]";
  row.environment_json = "[1]";
  const auto env = from_task_row(row);
  ASSERT_FALSE(env);
  EXPECT_NE(env.error().message.find("tasks.environment"), std::string::npos);
}

}  // namespace
}  // namespace vhtask::daemon
