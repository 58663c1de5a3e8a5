// The loaders on hostile input: deep nesting, alias bombs, huge files, binary junk and random
// damage. They must report errors with positions, never throw, crash, hang or blow the stack.
// Big inputs are generated here at run time rather than committed.

#include "common/valohai/config_loader.h"
#include "common/valohai/task_spec_loader.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>
#include <string>

namespace vhtask::common {
namespace {

const std::string k_step =
    "- step:\n    name: train\n    image: python:3.12\n    command: python\n";

#if defined(__SANITIZE_ADDRESS__)
constexpr double k_time_factor = 5;
#else
constexpr double k_time_factor = 1;
#endif

// CPU seconds, so that a busy machine does not fail the timing checks.
double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

const Diagnostic& first_error(const Diagnostics& d) {
  for (const auto& x : d.all()) {
    if (x.severity == Diagnostic::Severity::error) {
      return x;
    }
  }
  ADD_FAILURE() << "no error in:\n" << d.to_string();
  static const Diagnostic none;
  return none;
}

TEST(ConfigRobustness, DeepNestingIsAnErrorNamingTheLine) {
  const int n = 100'000;
  const struct {
    std::string text;
    int line;
  } cases[] = {
      {k_step + "    description: " + std::string(n, '[') + std::string(n, ']') + "\n", 5},
      {k_step + "    description: " + std::string(n, '['), 5},
      {k_step + "    description:\n      " + std::string(n, '{') + "\n", 6},
      {[] {
         std::string s;
         for (int i = 0; i < n; ++i) {
           s += "- ";
         }
         return s + "x\n";
       }(),
       1},
      {[] {
         std::string s = "a:\n";
         for (int i = 1; i < 3000; ++i) {
           s += std::string(static_cast<std::size_t>(i), ' ') + "- \n";
         }
         return s;
       }(),
       0},
  };
  for (const auto& c : cases) {
    const valohai::LoadedConfig loaded = valohai::load_config(c.text, "deep.yaml");
    const Diagnostic& e = first_error(loaded.diagnostics);
    EXPECT_NE(e.message.find("nested too deeply"), std::string::npos) << e.to_string();
    if (c.line > 0) {
      EXPECT_EQ(e.mark.line, c.line) << e.to_string();
    }
    EXPECT_GT(e.mark.column, 0) << e.to_string();
  }
  const valohai::LoadedTaskSpec grid = valohai::load_task_spec(std::string(n, '['), "grid.yaml");
  EXPECT_NE(first_error(grid.diagnostics).message.find("nested too deeply"), std::string::npos);
}

TEST(ConfigRobustness, AliasBombsStopQuickly) {
  // Each level lists the previous one ten times: 10^9 values if expanded.
  std::string bomb = k_step + "    description: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    std::string items;
    for (int k = 0; k < 10; ++k) {
      items += (k ? ", *a" : "*a") + std::to_string(i - 1);
    }
    bomb += "- step: {name: s" + std::to_string(i) +
            ", image: i, command: c, parameters: " + "[{name: p, multiple: repeat, default: &a" +
            std::to_string(i) + " [" + items + "]}]}\n";
  }
  // The same step a hundred thousand times, each with 300 parameters.
  std::string params;
  for (int i = 0; i < 300; ++i) {
    params += (i ? ", {name: p" : "{name: p") + std::to_string(i) + "}";
  }
  std::string repeated =
      "- step: &s {name: a, image: b, command: c, parameters: [" + params + "]}\n";
  for (int i = 0; i < 100'000; ++i) {
    repeated += "- step: *s\n";
  }
  for (const std::string& text : {bomb, repeated}) {
    const double start = cpu_seconds();
    const valohai::LoadedConfig loaded = valohai::load_config(text, "bomb.yaml");
    EXPECT_LT(cpu_seconds() - start, 3 * k_time_factor);
    EXPECT_FALSE(loaded.diagnostics.empty());
  }
}

TEST(ConfigRobustness, TenMegabyteFileLoadsInTime) {
  std::string text;
  int steps = 0;
  while (text.size() < 10u << 20) {
    text += "- step:\n    name: step-" + std::to_string(steps++) +
            "\n    image: python:3.12\n    description: |\n";
    for (int i = 0; i < 100; ++i) {
      text +=
          "      Line " + std::to_string(i) + " of a long description of what this step does.\n";
    }
    text += "    command:\n";
    for (int i = 0; i < 400; ++i) {
      text += "      - python prepare.py --input data/raw/part-" + std::to_string(i) +
              ".csv --output data/clean/part-" + std::to_string(i) + ".csv --verbose\n";
    }
    text += "    parameters:\n      - name: lr\n        type: float\n        default: 0.001\n";
  }
  test::TempDir dir;
  const std::string path = dir.write("valohai.yaml", text);
  const double start = cpu_seconds();
  auto loaded = valohai::load_config_file(path);
  const double elapsed = cpu_seconds() - start;
  ASSERT_TRUE(loaded.has_value());
  EXPECT_TRUE(loaded->diagnostics.empty()) << loaded->diagnostics.to_string().substr(0, 500);
  EXPECT_EQ(loaded->config.steps.size(), static_cast<std::size_t>(steps));
  EXPECT_LT(elapsed, 2.0 * k_time_factor) << "10 MB took " << elapsed << " s of CPU";
}

TEST(ConfigRobustness, BinaryJunkIsRejectedAtItsFirstBadByte) {
  std::mt19937 rng(7);
  std::string junk(10u << 20, '\0');
  for (auto& c : junk) {
    c = static_cast<char>(rng());
  }
  const double start = cpu_seconds();
  const valohai::LoadedConfig loaded = valohai::load_config(junk, "junk.bin");
  EXPECT_LT(cpu_seconds() - start, 2.0 * k_time_factor);
  EXPECT_EQ(first_error(loaded.diagnostics).mark.line, 1);

  const valohai::LoadedConfig too_big =
      valohai::load_config(std::string(33u << 20, ' '), "big.yaml");
  EXPECT_NE(first_error(too_big.diagnostics).message.find("too large"), std::string::npos);
}

// Random damage to a valid file: whatever comes out, nothing throws and every diagnostic has a
// line and a column.
TEST(ConfigRobustness, RandomlyDamagedFilesNeverThrowAndAlwaysHavePositions) {
  const std::string good = R"(- step:
    name: train
    image: python:3.12
    command: [python train.py {parameters}, "echo 'done'"]
    time-limit: 1h
    parameters:
      - {name: lr, type: float, default: 0.1, min: 0, max: 1, pass-as: "--lr={v:.2f}"}
      - name: tags
        multiple: separate
        default: [a, b]
        choices: [a, b, c]
- task:
    name: sweep
    step: train
    parameters:
      - {name: lr, style: linear, rules: {start: 0.1, end: 0.5, step: 0.1}}
      - {name: tags, style: multiple, rules: {items: [a, b]}}
)";
  const std::string specials = "-:[]{}#&*!|>'\"%@`,?\t\n \\<\x7f\xc3";
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    std::string text = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !text.empty(); ++k) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[at] = specials[rng() % specials.size()];
          break;
        case 1:
          text.insert(at, 1, specials[rng() % specials.size()]);
          break;
        case 2:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.resize(at);
          break;
      }
    }
    valohai::LoadedConfig loaded;
    ASSERT_NO_THROW(loaded = valohai::load_config(text, "fuzz.yaml")) << text;
    for (const auto& d : loaded.diagnostics.all()) {
      ASSERT_GT(d.mark.line, 0) << d.to_string() << "\n---\n" << text;
      ASSERT_GT(d.mark.column, 0) << d.to_string() << "\n---\n" << text;
    }
    ASSERT_NO_THROW(valohai::load_task_spec(text, "fuzz.yaml"));
  }
}

}  // namespace
}  // namespace vhtask::common
