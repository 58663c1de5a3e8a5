// Every error and warning the valohai.yaml loader gives for steps and parameters, with its exact
// message and line:column. (Task fields: task_spec_loader_test.cpp; unreadable files:
// malformed_corpus_test.cpp and config_robustness_test.cpp.)

#include "common/valohai/config_loader.h"

#include <gtest/gtest.h>

#include <string>

namespace vhtask::common {
namespace {

const std::string k_step = R"(- step:
    name: train
    image: python:3.12
    command: python train.py
)";

struct Case {
  const char* name;
  std::string yaml;
  const char* diagnostics;  // Diagnostics::to_string(), file "t.yaml"
};

TEST(ConfigLoaderDiagnostics, ReportsEachProblemWithItsPosition) {
  const Case cases[] = {
      {"dup_step", k_step + R"(- step:
    name: train
    image: python:3.13
    command: python train.py
)",
       R"(t.yaml:6:5: warning: duplicate step name 'train'; this one replaces the one at line 2 (the later one wins)
)"},
      {"pipeline_endpoint", k_step + R"(- pipeline:
    name: p
- endpoint:
    name: server
    image: python:3.12
    server-command: python serve.py
)",
       ""},
      {"pass_true_non_flag", k_step + R"(    parameters:
      - name: p
        pass-true-as: --yes
        pass-false-as: --no
)",
       R"(t.yaml:7:9: warning: `pass-true-as` has no effect on non-flag parameters
t.yaml:8:9: warning: `pass-false-as` has no effect on non-flag parameters
)"},
      {"flag_optional_passas", k_step + R"(    parameters:
      - name: p
        type: flag
        optional: true
        pass-as: --p
        pass-true-as: --p=1
)",
       R"(t.yaml:9:9: warning: `pass-as` has no effect with `pass-true-as`/`pass-false-as`
t.yaml:8:9: warning: `optional` has no effect on flag parameters (they always are)
)"},
      {"string_default_number", k_step + R"(    parameters:
      - name: p
        default: 0.10
)",
       R"(t.yaml:7:18: warning: default 0.1 is not a string (quote it to keep it exactly as written)
)"},
      {"min_on_string", k_step + R"(    parameters:
      - name: p
        min: 1
)",
       R"(t.yaml:7:9: note: `min` applies only to integer and float parameters
)"},
      {"duplicate_key", k_step + R"(    image: python:3.13
)",
       R"(t.yaml:5:5: note: duplicate key `image`; the later value is used
)"},
      {"unknown_fields", k_step + R"(    timeout: 1
    parameters:
      - name: p
        pass_as: x
        kind: y
)",
       R"(t.yaml:5:5: error: unknown field `timeout` in a step
t.yaml:8:9: error: unknown field `pass_as` in a parameter (did you mean `pass-as`?)
t.yaml:9:9: error: unknown field `kind` in a parameter
)"},
      {"param_not_mapping", k_step + R"(    parameters:
      - lr
)",
       R"(t.yaml:6:9: error: a parameter must be a mapping with a `name`, not the string 'lr'
)"},
      {"param_missing_name", k_step + R"(    parameters:
      - type: float
)",
       R"(t.yaml:6:9: error: parameter is missing `name`
)"},
      {"param_empty_name", k_step + R"(    parameters:
      - name: ''
)",
       R"(t.yaml:6:15: error: parameter `name` must not be empty
)"},
      {"type_not_string", k_step + R"(    parameters:
      - name: p
        type: [float]
)",
       R"(t.yaml:7:15: error: `type` must be a string, not a list
)"},
      {"multiple_true", k_step + R"(    parameters:
      - name: p
        multiple: true
)",
       R"(t.yaml:7:19: error: `multiple` must be none, repeat or separate, not the boolean true
)"},
      {"separator_int", k_step + R"(    parameters:
      - name: p
        multiple: separate
        multiple-separator: 1
)",
       R"(t.yaml:8:29: error: `multiple-separator` must be a string, not the integer 1
)"},
      {"min_not_number", k_step + R"(    parameters:
      - name: p
        type: integer
        min: one
        max: true
)",
       R"(t.yaml:8:14: error: `min` must be a number, not the string 'one'
t.yaml:9:14: error: `max` must be a number, not the boolean true
)"},
      {"choices_not_list", k_step + R"(    parameters:
      - name: p
        choices: a
)",
       R"(t.yaml:7:18: error: `choices` must be a list, not the string 'a'
)"},
      {"choices_nested", k_step + R"(    parameters:
      - name: p
        choices: [a, [b], {c: 1}]
)",
       R"(t.yaml:7:22: error: `choices` items must be single values, not a list
t.yaml:7:27: error: a mapping is not allowed here
)"},
      {"default_above_max", k_step + R"(    parameters:
      - name: p
        type: float
        max: 1
        default: 1.5
)",
       R"(t.yaml:9:18: warning: default 1.5 is greater than the maximum allowed (1)
)"},
      {"default_multiple_items", k_step + R"(    parameters:
      - name: p
        type: integer
        multiple: repeat
        min: 0
        choices: [1, 2, 3]
        default: [1, 5, -1, x]
)",
       R"(t.yaml:11:18: warning: default 5 is not among the choices allowed ([1, 2, 3])
t.yaml:11:18: warning: default -1 is less than the minimum allowed (0)
t.yaml:11:18: warning: default -1 is not among the choices allowed ([1, 2, 3])
t.yaml:11:18: warning: default x is not an integer
)"},
      {"float_default_bad", k_step + R"(    parameters:
      - name: p
        type: float
        default: abc
)",
       R"(t.yaml:8:18: warning: default abc is not a floating-point number
)"},
      {"float_default_bool", k_step + R"(    parameters:
      - name: p
        type: float
        default: yes
)",
       R"(t.yaml:8:18: warning: default True is not a floating-point number
)"},
      {"flag_default_string", k_step + R"(    parameters:
      - name: p
        type: flag
        default: 'true'
)",
       R"(t.yaml:8:18: warning: default true is not among the choices allowed ([True, False])
)"},
      {"templates", k_step + R"(    parameters:
      - name: a
        pass-as: '--a={}'
      - name: b
        pass-as: '--b={v!r}'
      - name: c
        pass-as: '--c=}'
      - name: d
        pass-as: '--d={{v}} {v:{name}}'
      - name: e
        pass-as: '--e={v: >10}'
      - name: f
        pass-as: '--f={value:.3f} {name}'
      - name: g
        type: flag
        pass-true-as: '--g={x}'
)",
       R"(t.yaml:7:18: error: `pass-as` template '--a={}': positional field `{}` is not supported; use `{v}`
t.yaml:9:18: error: `pass-as` template '--b={v!r}': conversion `!r` is not supported
t.yaml:11:18: error: `pass-as` template '--c=}': single `}` (write `}}` for a literal brace)
t.yaml:13:18: error: `pass-as` template '--d={{v}} {v:{name}}': nested fields in a format spec are not supported
t.yaml:15:18: error: `pass-as` template '--e={v: >10}': unclosed `{` (write `{{` for a literal brace)
t.yaml:20:23: error: `pass-true-as` template '--g={x}': unknown key `{x}`; only {name}, {value} and {v} are allowed
)"},
      {"command_empty", R"(- step:
    name: train
    image: python:3.12
    command:
)",
       R"(t.yaml:2:5: error: step 'train' is missing `command`
)"},
      {"command_int", R"(- step:
    name: train
    image: python:3.12
    command: 42
)",
       R"(t.yaml:4:14: error: `command` must be a string, not the integer 42
)"},
      {"image_list", R"(- step:
    name: train
    image: [python]
    command: x
)",
       R"(t.yaml:3:12: error: `image` must be a string, not a list
)"},
      {"name_empty", R"(- step:
    name: ''
    image: python
    command: x
)",
       R"(t.yaml:2:11: error: step `name` must not be empty
)"},
      {"durations", k_step + R"(    time-limit: -5
    no-output-timeout: 1.5
)",
       R"(t.yaml:5:17: error: `time-limit` must not be negative
t.yaml:6:24: error: `no-output-timeout` must be an integer of seconds or a duration such as '1h 30m', not the float 1.5
)"},
      {"env_vars", k_step + R"(    environment-variables:
      - name: A
        default: 1
      - name: A
      - name: B
        optional: maybe
        default: [x]
        secret: true
      - just-a-string
)",
       R"(t.yaml:8:9: error: duplicate environment variable 'A'
t.yaml:12:9: error: unknown field `secret` in an environment variable
t.yaml:10:19: error: `optional` must be true or false, not the string 'maybe'
t.yaml:11:18: error: `default` must be a string, not a list
t.yaml:13:9: error: an environment variable must be a mapping with a `name`, not the string 'just-a-string'
)"},
      {"informational", k_step + R"(    environment: 5
    icon: x
    category: [a]
    cache-volumes: [a, 1]
    environment-variable-groups: x
    resources: []
    inputs: [x]
    outputs: [x, {name: y}]
    mounts: [/a:/b, {source: x}]
    runtime-config-preset: p
    upload-store: s
    stop-condition: 'metadata.loss < 0.1'
    source-path: train.py
    description: [x]
)",
       R"(t.yaml:5:18: error: `environment` must be a string, not the integer 5
t.yaml:7:15: error: `category` must be a string, not a list
t.yaml:8:24: error: `cache-volumes` items must be strings, not the integer 1
t.yaml:9:34: error: `environment-variable-groups` must be a list, not the string 'x'
t.yaml:10:16: error: `resources` must be a mapping, not a list
t.yaml:11:14: error: `inputs` items must be mappings, not the string 'x'
t.yaml:18:18: error: `description` must be a string, not a list
)"},
      {"item_two_keys", R"(- step:
    name: a
    image: b
    command: c
  foo: 1
)",
       ""},
      {"item_null", R"(-
- step:
    name: a
    image: b
    command: c
)",
       R"(t.yaml:2:1: error: each item must be a mapping such as `- step: {...}`, not null
)"},
      {"merge_bad_list", R"(- step:
    <<: [1]
    name: a
    image: b
    command: c
)",
       R"(t.yaml:2:10: error: a merge key (`<<`) list may hold only mappings, not the integer 1
)"},
      {"map_key_list", R"(- step:
    [a]: 1
    name: a
    image: b
    command: c
)",
       R"(t.yaml:2:5: error: a mapping key must be a string, not a list
)"},
      {"tab_in_flow", R"(- step: {name: a,	image: b, command: c}
)",
       R"(t.yaml:1:18: error: tab character where YAML allows only spaces (the reference parser rejects it)
)"},
      {"task_missing_both", k_step + R"(- task:
    type: grid_search
)",
       R"(t.yaml:6:5: error: task is missing `name`
t.yaml:6:5: error: task is missing `step`
)"},
      {"task_not_map", k_step + R"(- task: [1]
)",
       R"(t.yaml:5:9: error: a task must be a mapping of task fields, not a list
)"},
      // Issue 16: what the reference accepts never blocks the file; verdicts follow it.
      {"deployment_with_target", k_step + R"(- deployment:
    name: prod
    defaults:
      target: cluster-1
)",
       ""},
      {"deployment_without_target", k_step + R"(- deployment:
    name: prod
)",
       R"(t.yaml:6:5: warning: deployment 'prod' has no defaults.target set, which is required for deployment auto-creation
)"},
      {"distributed_task_skipped", k_step + R"(- task:
    name: dist
    step: train
    type: distributed
    execution-count: 4
    parameters: []
)",
       ""},
      {"random_rule_base_ignored", k_step + R"(    parameters:
      - name: lr
        type: float
- task:
    name: r
    step: train
    type: random_search
    execution-count: 3
    parameters:
      - name: lr
        style: random
        rules: {min: 0.001, max: 0.1, base: 10, distribution: loguniform, numberify: true}
)",
       ""},
      {"endpoint_schema", k_step + R"(- endpoint:
    name: Server_1
    image: python:3.12
    port: 80
    wsgi: app:app
    server-command: python serve.py
)",
       R"(t.yaml:6:11: error: endpoint name 'Server_1' must be lowercase, start with a letter and hold only letters, digits and dashes
t.yaml:8:11: error: endpoint `port` must be within 1025..65535
t.yaml:6:5: error: an endpoint needs exactly one of `server-command` and `wsgi`
)"},
      {"string_default_read_as_a_date", k_step + R"(    parameters:
      - name: since
        default: 2020-09-02
      - name: until
        default: "2020-09-03"
)",
       R"(t.yaml:7:18: warning: default 2020-09-02 is not a string: YAML reads it as a date (quote it to keep it exactly as written)
)"},
      {"unknown_item_is_a_warning", k_step + R"(- stage:
    name: x
)",
       R"(t.yaml:5:3: warning: no parser for this item (keys: stage; expected step, task, endpoint, pipeline or deployment)
)"},
      {"task_without_parameters", k_step + R"(- task:
    name: t
    step: train
)",
       R"(t.yaml:6:5: error: task 't' needs `parameters` or `parameter-sets`
)"},
      {"step_stop_condition", k_step + R"(    stop-condition: loss <
)",
       R"(t.yaml:5: error: stop-condition: column 7: expected a value, found end of expression
)"},
      {"inputs", k_step + R"(    inputs:
      - name: data
        default: [s3://bucket/a.csv, https://example.com/b.csv, gs://b/c]
        keep-directories: suffix
      - name: model
        url: x
)",
       R"(t.yaml:7:18: note: input 'data': vhtask cannot fetch s3:// URLs; give --input data=PATH_OR_URL when starting
t.yaml:7:18: note: input 'data': vhtask cannot fetch gs:// URLs; give --input data=PATH_OR_URL when starting
t.yaml:10:9: error: unknown field `url` in an input
)"},
      {"flag_choices_and_min_above_max", k_step + R"(    parameters:
      - name: v
        type: flag
        choices: [yes, maybe]
      - name: n
        type: integer
        min: 5
        max: 1
)",
       R"(t.yaml:8:18: note: the choices of a flag parameter are always true and false; ignored
t.yaml:12:14: note: `min` (5) is greater than `max` (1): no value is allowed
)"},
      {"falsy_defaults_are_not_checked", k_step + R"(    parameters:
      - name: s
        default: 0
      - name: n
        type: integer
        min: 5
        default: 0
)",
       ""},
  };
  for (const auto& c : cases) {
    const valohai::LoadedConfig loaded = valohai::load_config(c.yaml, "t.yaml");
    EXPECT_EQ(loaded.diagnostics.to_string(), c.diagnostics) << "case " << c.name;
  }
}

}  // namespace
}  // namespace vhtask::common
