#include "common/valohai/config_loader.h"

#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <string>

namespace vhtask::common {
namespace {

valohai::LoadedConfig load_clean(const std::string& yaml) {
  valohai::LoadedConfig loaded = valohai::load_config(yaml, "t.yaml");
  EXPECT_TRUE(loaded.diagnostics.empty()) << loaded.diagnostics.to_string();
  return loaded;
}

TEST(ConfigLoader, AMalformedStepStopConditionIsAnErrorWithItsLine) {
  const valohai::LoadedConfig loaded = valohai::load_config(R"(- step:
    name: train
    image: python:3.12
    command: python train.py
    stop-condition: metadata.loss <
)",
                                                            "t.yaml");
  EXPECT_EQ(loaded.diagnostics.to_string(),
            "t.yaml:5: error: stop-condition: column 16: expected a value, found end of "
            "expression\n");
}

TEST(ConfigLoader, LoadsEveryStepField) {
  const valohai::LoadedConfig loaded = load_clean(R"(---
- step:
    name: train
    image: python:3.12
    command:
      - pip install -r requirements.txt
      - python train.py {parameters}
    description: Trains the model
    source-path: src/train.py
    time-limit: 1h 30m
    no-output-timeout: 600
    environment: aws-eu-west-1-g4dn-xlarge
    icon: brain
    category: training
    inputs:
      - name: data
        default: https://example.com/data.csv
    outputs: []
    mounts: ["/data:/data"]
    resources: {cpu: {min: 1}}
    cache-volumes: [pip]
    environment-variable-groups: [secrets]
    runtime-config-preset: default
    upload-store: store-1
    stop-condition: metadata.loss < 0.1
    environment-variables:
      - name: MODE
        default: fast
        optional: false
        description: How fast
      - name: SEED
        default: 42
    parameters:
      - name: lr
- step: {name: eval, image: busybox, command: echo hi}
)");
  ASSERT_EQ(loaded.config.steps.size(), 2u);
  EXPECT_EQ(loaded.config.file, "t.yaml");
  const valohai::Step& s = loaded.config.steps[0];
  EXPECT_EQ(s.name, "train");
  EXPECT_EQ(s.image, "python:3.12");
  EXPECT_EQ(s.command, (std::vector<std::string>{"pip install -r requirements.txt",
                                                 "python train.py {parameters}"}));
  EXPECT_EQ(s.description, "Trains the model");
  EXPECT_EQ(s.source_path, "src/train.py");
  EXPECT_EQ(s.time_limit_seconds, 5400);
  EXPECT_EQ(s.no_output_timeout_seconds, 600);
  EXPECT_EQ(s.mark.line, 3);
  EXPECT_EQ(s.mark.column, 5);
  ASSERT_EQ(s.environment_variables.size(), 2u);
  EXPECT_EQ(s.environment_variables[0].name, "MODE");
  EXPECT_EQ(s.environment_variables[0].default_value, "fast");
  EXPECT_FALSE(s.environment_variables[0].optional);
  EXPECT_EQ(s.environment_variables[0].description, "How fast");
  EXPECT_EQ(s.environment_variables[1].default_value, "42");
  EXPECT_TRUE(s.environment_variables[1].optional);
  ASSERT_EQ(s.parameters.size(), 1u);
  EXPECT_EQ(s.parameters[0].name, "lr");
  EXPECT_EQ(s.stop_condition, "metadata.loss < 0.1");
  EXPECT_EQ(s.stop_condition_mark.line, 25);

  const valohai::Step& e = loaded.config.steps[1];
  EXPECT_EQ(e.command, std::vector<std::string>{"echo hi"});
  EXPECT_FALSE(e.time_limit_seconds.has_value());
  EXPECT_FALSE(e.source_path.has_value());
  EXPECT_EQ(loaded.config.find_step("eval"), &e);
  EXPECT_EQ(loaded.config.find_step("nope"), nullptr);
}

TEST(ConfigLoader, LoadsEveryParameterField) {
  const valohai::LoadedConfig loaded = load_clean(R"(- step:
    name: train
    image: python:3.12
    command: python train.py {parameters}
    parameters:
      - name: max_steps
        type: float
        default: 300
        min: 1
        max: 1.0e+6
        optional: true
        description: Steps
        category: Training
        widget: slider
      - name: lr
        type: float
        pass-as: --lr {v:.3e}
        default: 1e-5
      - name: verbose
        type: flag
        pass-true-as: -v
        pass-false-as: --quiet
        default: yes
      - name: tags
        multiple: separate
        multiple-separator: ""
        choices: [a, b, c]
        default: a
      - name: layers
        type: integer
        multiple: Repeat
        default: [1, 0x10, 010]
      - name: optimizer
        choices: [adam, sgd]
        default: adam
)");
  const valohai::Step& s = loaded.config.steps.at(0);
  ASSERT_EQ(s.parameters.size(), 6u);
  const valohai::Parameter& max_steps = s.parameters[0];
  EXPECT_EQ(max_steps.type, valohai::ParameterType::float_);
  EXPECT_TRUE(max_steps.default_value->is_int());  // rendered as YAML typed it: 300
  EXPECT_EQ(max_steps.default_value->as_int(), 300);
  EXPECT_EQ(max_steps.min->as_int(), 1);
  EXPECT_EQ(max_steps.max->as_float(), 1e6);
  EXPECT_TRUE(max_steps.is_optional());
  EXPECT_EQ(max_steps.description, "Steps");
  EXPECT_FALSE(max_steps.pass_as.has_value());
  EXPECT_EQ(max_steps.multiple, valohai::MultipleMode::none);
  EXPECT_EQ(max_steps.mark.line, 6);

  const valohai::Parameter& lr = s.parameters[1];
  EXPECT_EQ(lr.pass_as, "--lr {v:.3e}");
  EXPECT_EQ(lr.default_value->as_string(), "1e-5");
  EXPECT_FALSE(lr.is_optional());

  const valohai::Parameter& verbose = s.parameters[2];
  EXPECT_EQ(verbose.type, valohai::ParameterType::flag);
  EXPECT_EQ(verbose.pass_true_as, "-v");
  EXPECT_EQ(verbose.pass_false_as, "--quiet");
  EXPECT_TRUE(verbose.default_value->as_bool());
  EXPECT_TRUE(verbose.is_optional());

  const valohai::Parameter& tags = s.parameters[3];
  EXPECT_EQ(tags.multiple, valohai::MultipleMode::separate);
  EXPECT_EQ(tags.multiple_separator, ",");  // empty means ","
  EXPECT_EQ(tags.choices->size(), 3u);
  EXPECT_EQ(tags.default_value->to_python_str(), "['a']");  // always a list when multiple

  const valohai::Parameter& layers = s.parameters[4];
  EXPECT_EQ(layers.multiple, valohai::MultipleMode::repeat);
  EXPECT_EQ(layers.default_value->to_python_str(), "[1, 16, 8]");
  EXPECT_EQ(s.find_parameter("optimizer"), &s.parameters[5]);
}

TEST(ConfigLoader, PassTrueAsOnANonFlagIsDroppedWithAWarning) {
  const valohai::LoadedConfig loaded = valohai::load_config(R"(- step:
    name: train
    image: x
    command: y
    parameters:
      - name: lr
        pass-true-as: --lr
)",
                                                            "t.yaml");
  EXPECT_FALSE(loaded.diagnostics.has_errors());
  EXPECT_TRUE(loaded.diagnostics.has_warnings());
  EXPECT_FALSE(loaded.config.steps.at(0).parameters.at(0).pass_true_as.has_value());
}

TEST(ConfigLoader, LaterDuplicateStepWinsInTheEarlierPlace) {
  const valohai::LoadedConfig loaded =
      valohai::load_config(R"(- step: {name: a, image: one, command: x}
- step: {name: b, image: two, command: x}
- step: {name: a, image: three, command: x}
)",
                           "t.yaml");
  EXPECT_FALSE(loaded.diagnostics.has_errors());
  ASSERT_EQ(loaded.config.steps.size(), 2u);
  EXPECT_EQ(loaded.config.steps[0].name, "a");
  EXPECT_EQ(loaded.config.steps[0].image, "three");
  EXPECT_EQ(loaded.config.steps[1].image, "two");
}

TEST(ConfigLoader, MergeKeysWorkAsInPyYaml) {
  const valohai::LoadedConfig loaded = load_clean(R"(- step: &base
    name: a
    image: python:3.12
    command: c
    time-limit: 60
- step:
    <<: *base
    name: b
- step:
    <<: [{name: x, image: first, command: c}, {image: second, description: d}]
    name: c
)");
  ASSERT_EQ(loaded.config.steps.size(), 3u);
  EXPECT_EQ(loaded.config.steps[1].image, "python:3.12");
  EXPECT_EQ(loaded.config.steps[1].time_limit_seconds, 60);
  EXPECT_EQ(loaded.config.steps[2].name, "c");
  EXPECT_EQ(loaded.config.steps[2].image, "first");  // the first listed mapping wins
  EXPECT_EQ(loaded.config.steps[2].description, "d");
}

TEST(ConfigLoader, AcceptsABomAndCrlfLineEnds) {
  const valohai::LoadedConfig loaded =
      load_clean("\xEF\xBB\xBF- step:\r\n    name: a\r\n    image: b\r\n    command: c\r\n");
  ASSERT_EQ(loaded.config.steps.size(), 1u);
  EXPECT_EQ(loaded.config.steps[0].image, "b");
}

TEST(ConfigLoader, LoadConfigFileReadsAndReportsIoErrors) {
  test::TempDir dir;
  const std::string path = dir.write("valohai.yaml", "- step: {name: a, image: b, command: c}\n");
  auto loaded = valohai::load_config_file(path);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->config.file, path);
  EXPECT_EQ(loaded->config.steps.size(), 1u);

  auto missing = valohai::load_config_file((dir.path() / "nope.yaml").string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Error::Code::io);
  EXPECT_NE(missing.error().message.find("nope.yaml"), std::string::npos);

  auto directory = valohai::load_config_file(dir.path().string());
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().code, Error::Code::io);
}

}  // namespace
}  // namespace vhtask::common
