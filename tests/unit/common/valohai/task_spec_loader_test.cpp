#include "common/valohai/task_spec_loader.h"

#include "common/valohai/config_loader.h"

#include <gtest/gtest.h>

#include <string>

namespace vhtask::common {
namespace {

TEST(TaskSpecLoader, LoadsBlueprintsFromValohaiYaml) {
  const valohai::LoadedConfig loaded =
      valohai::load_config(R"(- step: {name: train, image: x, command: y}
- task:
    name: sweep
    step: train
    type: grid-search
    description: The sweep
    execution-count: 4
    maximum-queued-executions: 2
    execution-batch-size: 3
    on-child-error: stop_all_and_error
    stop-condition: metadata.loss < 0.1
    reuse-children: true
    parameters:
      - name: lr
        style: linear
        rules: {start: 0.80, end: 0.9, step: 0.01}
- task:
    name: manual
    step: train
    type: Manual_Search
    parameter_sets:
      - {lr: 0.1, tags: [a, b]}
      - {}
      - {lr: 1e-5}
- task:
    name: tpe
    step: train
    type: bayesian_tpe
    engine: optuna
    optimization-target-metric: loss
    optimization-target-value: 0.05
    parameters: []
)",
                           "t.yaml");
  EXPECT_TRUE(loaded.diagnostics.empty()) << loaded.diagnostics.to_string();
  ASSERT_EQ(loaded.config.tasks.size(), 3u);
  const valohai::TaskSpec& sweep = loaded.config.tasks[0];
  EXPECT_EQ(sweep.name, "sweep");
  EXPECT_EQ(sweep.step, "train");
  EXPECT_EQ(sweep.type, valohai::TaskType::grid_search);
  EXPECT_EQ(sweep.description, "The sweep");
  EXPECT_EQ(sweep.execution_count, 4);
  EXPECT_EQ(sweep.maximum_queued_executions, 2);
  EXPECT_EQ(sweep.execution_batch_size, 3);
  EXPECT_EQ(sweep.on_child_error, valohai::OnChildError::stop_all_and_error);
  EXPECT_EQ(sweep.stop_condition, "metadata.loss < 0.1");
  EXPECT_EQ(sweep.reuse_children, true);
  EXPECT_EQ(sweep.mark.line, 3);
  ASSERT_EQ(sweep.parameters.size(), 1u);
  EXPECT_EQ(sweep.parameters[0].start->text, "0.80");
  EXPECT_EQ(loaded.config.find_task("sweep"), &sweep);

  const valohai::TaskSpec& manual = loaded.config.tasks[1];
  EXPECT_EQ(manual.type, valohai::TaskType::manual_search);
  ASSERT_EQ(manual.parameter_sets.size(), 2u);  // the empty set is dropped, as the reference does
  EXPECT_EQ(manual.parameter_sets[0][0].first, "lr");
  EXPECT_EQ(manual.parameter_sets[0][1].second.to_python_str(), "['a', 'b']");
  EXPECT_EQ(manual.parameter_sets[1][0].second.as_string(), "1e-5");

  const valohai::TaskSpec& tpe = loaded.config.tasks[2];
  EXPECT_EQ(tpe.type, valohai::TaskType::bayesian_tpe);
  EXPECT_EQ(tpe.engine, "optuna");
  EXPECT_EQ(tpe.optimization_target_metric, "loss");
  EXPECT_EQ(tpe.optimization_target_value->as_float(), 0.05);
}

TEST(TaskSpecLoader, ReadsEveryStyleAndItsRules) {
  const valohai::LoadedTaskSpec grid = valohai::load_task_spec(R"(parameters:
  - name: a
    style: single
    rules: {value: 0.5}
  - name: b
    style: Multiple
    rules: {items: [1, x, true], integerify: false}
  - name: c
    style: linear
    rules: {start: 1_000, end: 0x800, step: 3., integerify: true}
  - name: d
    style: logspace
    rules: {min: -5, max: -1, count: 5}
  - name: e
    style: random
    rules: {min: 0.001, max: 1, count: 8, distribution: LogUniform, seed: 42}
)",
                                                               "g.yaml");
  EXPECT_TRUE(grid.diagnostics.empty()) << grid.diagnostics.to_string();
  const valohai::TaskSpec& spec = grid.spec;
  EXPECT_EQ(spec.name, "");
  EXPECT_EQ(spec.step, "");
  EXPECT_EQ(spec.type, valohai::TaskType::grid_search);
  ASSERT_EQ(spec.parameters.size(), 5u);
  const auto& p = spec.parameters;
  EXPECT_EQ(p[0].style, valohai::VariantStyle::single);
  EXPECT_EQ(p[0].value->as_float(), 0.5);
  EXPECT_EQ(p[0].mark.line, 2);
  EXPECT_EQ(p[0].mark.column, 5);
  EXPECT_EQ(p[1].style, valohai::VariantStyle::multiple);
  EXPECT_EQ(p[1].items->size(), 3u);
  EXPECT_EQ(p[2].style, valohai::VariantStyle::linear);
  EXPECT_EQ(p[2].start->text, "1000");
  EXPECT_EQ(p[2].end->text, "2048");
  EXPECT_EQ(p[2].step->text, "3.0");
  EXPECT_TRUE(p[2].step->value.is_float());
  EXPECT_TRUE(p[2].integerify);
  EXPECT_EQ(p[3].style, valohai::VariantStyle::logspace);
  EXPECT_EQ(p[3].start->text, "-5");  // min/max are aliases of start/end
  EXPECT_EQ(p[3].end->text, "-1");
  EXPECT_EQ(p[3].count, 5);
  EXPECT_FALSE(p[3].base.has_value());  // 10, the default, is the expander's to apply
  EXPECT_EQ(p[4].style, valohai::VariantStyle::random);
  EXPECT_EQ(p[4].min->text, "0.001");
  EXPECT_EQ(p[4].max->text, "1");
  EXPECT_EQ(p[4].distribution, valohai::Distribution::loguniform);
  EXPECT_EQ(p[4].seed, 42u);
}

TEST(TaskSpecLoader, GridFilesTakeEveryTaskFieldOptionallyAndSnakeCase) {
  const valohai::LoadedTaskSpec grid =
      valohai::load_task_spec(R"({"step": "train", "type": "random_search",
  "execution_count": 10, "on-child-error": "continue-and-error", "parameters": []}
)",
                              "g.json");
  EXPECT_TRUE(grid.diagnostics.empty()) << grid.diagnostics.to_string();
  EXPECT_EQ(grid.spec.step, "train");
  EXPECT_EQ(grid.spec.type, valohai::TaskType::random_search);
  EXPECT_EQ(grid.spec.execution_count, 10);
  EXPECT_EQ(grid.spec.on_child_error, valohai::OnChildError::continue_and_error);

  const valohai::LoadedTaskSpec empty_mapping = valohai::load_task_spec("{}\n", "g.yaml");
  EXPECT_TRUE(empty_mapping.diagnostics.empty());
}

struct Case {
  const char* name;
  const char* yaml;
  const char* diagnostics;  // Diagnostics::to_string(), file "g.yaml"
};

TEST(TaskSpecLoader, ReportsEachProblemWithItsPosition) {
  const Case cases[] = {
      {"bad_type", R"(type: exhaustive
)",
       R"(g.yaml:1:7: error: unknown task type 'exhaustive' (expected grid_search, random_search, manual_search, bayesian_tpe or distributed)
)"},
      {"distributed", R"(type: distributed
)",
       R"(g.yaml:1:7: error: task type 'distributed' is not run by vhtask
)"},
      {"type_int", R"(type: 3
)",
       R"(g.yaml:1:7: error: `type` must be a string, not the integer 3
)"},
      {"on_child_error_bad", R"(on-child-error: explode
)",
       R"(g.yaml:1:17: error: unknown `on-child-error` 'explode' (expected continue-and-complete, continue-and-error or stop-all-and-error)
)"},
      {"counts", R"(execution-count: 0
maximum-queued-executions: -1
execution-batch-size: two
)",
       R"(g.yaml:1:18: error: `execution-count` must be at least 1
g.yaml:2:28: error: `maximum-queued-executions` must be at least 1
g.yaml:3:23: error: `execution-batch-size` must be an integer, not the string 'two'
)"},
      {"unknown_field", R"(retries: 3
parameters: []
)",
       R"(g.yaml:1:1: error: unknown field `retries` in a grid file
)"},
      {"parameters_map", R"(parameters: {lr: 1}
)",
       R"(g.yaml:1:13: error: `parameters` must be a list, not a mapping
)"},
      {"variant_not_map", R"(parameters:
  - lr
)",
       R"(g.yaml:2:5: error: a task parameter must be a mapping of name, style and rules, not the string 'lr'
)"},
      {"variant_no_name", R"(parameters:
  - style: single
    rules: {value: 1}
)",
       R"(g.yaml:2:5: error: task parameter is missing `name`
)"},
      {"variant_no_style", R"(parameters:
  - name: lr
    rules: {value: 1}
)",
       R"(g.yaml:2:5: error: parameter 'lr': missing `style`
)"},
      {"variant_unknown_field", R"(parameters:
  - name: lr
    style: single
    rules: {value: 1}
    values: [1]
)",
       R"(g.yaml:5:5: error: unknown field `values` in a task parameter
)"},
      {"rules_not_map", R"(parameters:
  - name: lr
    style: single
    rules: [1]
)",
       R"(g.yaml:4:12: error: `rules` must be a mapping, not a list
)"},
      {"single_no_value", R"(parameters:
  - name: lr
    style: single
    rules: {}
)",
       R"(g.yaml:4:12: error: parameter 'lr': single needs `value`
)"},
      {"multiple_empty", R"(parameters:
  - name: lr
    style: multiple
    rules: {items: []}
)",
       R"(g.yaml:4:20: error: parameter 'lr': `items` must not be empty
)"},
      {"multiple_bad_items", R"(parameters:
  - name: lr
    style: multiple
    rules: {items: [1, [2], {a: 1}, ~]}
)",
       R"(g.yaml:4:24: error: parameter 'lr': `items` may hold numbers, strings and booleans, not a list
g.yaml:4:29: error: parameter 'lr': `items` may hold numbers, strings and booleans, not a mapping
g.yaml:4:37: error: parameter 'lr': `items` may hold numbers, strings and booleans, not null
)"},
      {"linear_missing", R"(parameters:
  - name: lr
    style: linear
    rules: {start: 0}
)",
       R"(g.yaml:4:12: error: parameter 'lr': linear needs `end`
g.yaml:4:12: error: parameter 'lr': linear needs `step`
)"},
      {"linear_bad", R"(parameters:
  - name: lr
    style: linear
    rules:
      start: 1.0
      end: 0.5
      step: -0.1
)",
       R"(g.yaml:6:12: error: parameter 'lr': End must be greater than or equal to start.
g.yaml:7:13: error: parameter 'lr': step must be greater than 0.
)"},
      {"linear_string", R"(parameters:
  - name: lr
    style: linear
    rules: {start: '0', end: 1e-5, step: 0.1}
)",
       R"(g.yaml:4:20: error: `start` must be a number, not the string '0'
g.yaml:4:30: error: `end` must be a number, not the string '1e-5'
)"},
      {"logspace_bad", R"(parameters:
  - name: lr
    style: logspace
    rules: {start: 1, min: 2, end: 3, count: 0, base: 0}
)",
       R"(g.yaml:4:23: error: parameter 'lr': give `start` or its alias `min`, not both
g.yaml:4:46: error: parameter 'lr': count must be at least 1 (it is 0).
g.yaml:4:55: error: parameter 'lr': base must be greater than 0.
)"},
      {"logspace_count_float", R"(parameters:
  - name: lr
    style: logspace
    rules: {start: 1, end: 3, count: 2.0}
)",
       R"(g.yaml:4:38: error: `count` must be an integer, not the float 2.0
)"},
      {"random_bad", R"(parameters:
  - name: lr
    style: random
    rules: {min: 0, max: 1, count: 0, distribution: loguniform, seed: -1}
)",
       R"(g.yaml:4:71: error: parameter 'lr': `seed` must not be negative
g.yaml:4:18: error: parameter 'lr': a log distribution needs min greater than 0.
g.yaml:4:36: error: parameter 'lr': count must be at least 1 (it is 0).
)"},
      {"random_dist", R"(parameters:
  - name: lr
    style: random
    rules: {min: 1, max: 2, distribution: gaussian}
)",
       R"(g.yaml:4:43: error: parameter 'lr': unknown distribution 'gaussian' (expected uniform, loguniform, normal or lognormal)
)"},
      {"random_missing", R"(parameters:
  - name: lr
    style: random
    rules: {count: 3}
)",
       R"(g.yaml:4:12: error: parameter 'lr': random needs `min`
g.yaml:4:12: error: parameter 'lr': random needs `max`
)"},
      {"integerify_bad", R"(parameters:
  - name: lr
    style: linear
    rules: {start: 0, end: 1, step: 1, integerify: sure}
)",
       R"(g.yaml:4:52: error: `integerify` must be true or false, not the string 'sure'
)"},
      {"dup_variant", R"(parameters:
  - name: lr
    style: single
    rules: {value: 1}
  - name: lr
    style: single
    rules: {value: 2}
)",
       R"(g.yaml:5:5: error: parameter 'lr' is listed twice in the task
)"},
      {"parameter_sets_bad", R"(type: manual_search
parameter-sets:
  - {lr: 1}
  - 5
  - {lr: {a: 1}}
)",
       R"(g.yaml:4:5: error: `parameter-sets` items must be mappings of parameter values, not the integer 5
g.yaml:5:10: error: a mapping is not allowed here
)"},
      {"warnings", R"(parameter-sets: [{lr: 1}]
engine: optuna
optimization-target-metric: loss
optimization-target-value: 0.1
)",
       R"(g.yaml:1:1: warning: `parameter-sets` only make sense with manual_search tasks
g.yaml:2:1: warning: `engine` only makes sense for bayesian_tpe tasks
g.yaml:3:1: warning: `optimization-target-metric` only makes sense for bayesian_tpe tasks
g.yaml:4:1: warning: `optimization-target-value` only makes sense for bayesian_tpe tasks
)"},
      {"top_list", R"(- parameters: []
)",
       R"(g.yaml:1:1: error: a grid file must be a mapping of task fields (parameters, type, ...), not a list
)"},
      {"empty", R"()",
       R"(g.yaml:1:1: error: file is empty (a grid file is a mapping of task fields such as `parameters`)
)"},
      {"comment_only", R"(# nothing
)",
       R"(g.yaml:1:1: error: file is empty (a grid file is a mapping of task fields such as `parameters`)
)"},
  };
  for (const auto& c : cases) {
    const valohai::LoadedTaskSpec loaded = valohai::load_task_spec(c.yaml, "g.yaml");
    EXPECT_EQ(loaded.diagnostics.to_string(), c.diagnostics) << "case " << c.name;
  }
}

}  // namespace
}  // namespace vhtask::common
