// Every case of tests/data/conformance/grid.json (copied from the shared conformance vectors),
// through the library: load the YAML and the grid file, plan the task, render every execution
// and compare with the expected commands in order, or check that the expected error stops the
// task before anything runs.

#include "common/render/render.h"
#include "common/search/task_plan.h"
#include "common/valohai/config_loader.h"
#include "common/valohai/task_spec_loader.h"
#include "tests/support/test_paths.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace vhtask::common {
namespace {

struct GridCase {
  std::string id;
  std::string yaml;
  std::string step;
  std::string grid;
  std::vector<std::string> expected;
  std::optional<std::string> expected_error;
};

// Lets GoogleTest print a case by its id rather than as bytes (GoogleTest looks this name up).
void PrintTo(const GridCase& c, std::ostream* os) {  // NOLINT(readability-identifier-naming)
  *os << c.id;
}

std::vector<GridCase> load_cases() {
  const auto json =
      boost::json::parse(test::read_file(test::data_dir() + "/conformance/grid.json"));
  std::vector<GridCase> out;
  for (const auto& item : json.as_array()) {
    const auto& obj = item.as_object();
    GridCase c;
    c.id = obj.at("id").as_string().c_str();
    c.yaml = obj.at("yaml").as_string().c_str();
    c.step = obj.at("step").as_string().c_str();
    c.grid = obj.at("grid").as_string().c_str();
    if (const auto* expected = obj.if_contains("expected")) {
      for (const auto& command : expected->as_array()) {
        c.expected.emplace_back(command.as_string().c_str());
      }
    }
    if (const auto* error = obj.if_contains("expected_error")) {
      c.expected_error = error->as_string().c_str();
    }
    out.push_back(std::move(c));
  }
  return out;
}

// Runs a case the way `vhtask start --grid` does: every command, or the text of whatever error
// stopped the task (loader diagnostics, plan, values or render errors).
struct Outcome {
  std::vector<std::string> commands;
  std::string error;
};

Outcome run(const GridCase& c) {
  Outcome out;
  const valohai::LoadedConfig loaded = valohai::load_config(c.yaml, c.id + ".yaml");
  if (loaded.diagnostics.has_errors()) {
    out.error = loaded.diagnostics.to_string();
    return out;
  }
  const valohai::Step* step = loaded.config.find_step(c.step);
  if (step == nullptr) {
    out.error = "no step " + c.step;
    return out;
  }
  const auto task = valohai::load_task_spec(c.grid, c.id + ".grid.yaml");
  if (task.diagnostics.has_errors()) {
    out.error = task.diagnostics.to_string();
    return out;
  }
  // .value() after each check: operator-> of a Result can be null as far as GCC's
  // -Wnull-dereference can tell, and Release builds are -Werror too.
  const auto plan = search::TaskPlan::create(*step, task.spec, {}, 1);
  if (!plan) {
    out.error = plan.error().message;
    return out;
  }
  const search::TaskPlan& tasks = plan.value();
  for (std::uint64_t i = 0; i < tasks.count(); ++i) {
    const auto values = tasks.values_at(i);
    if (!values) {
      out.error = values.error().message;
      return out;
    }
    const auto command = render::render_command(*step, values.value());
    if (!command) {
      out.error = command.error().message;
      return out;
    }
    out.commands.push_back(command.value());
  }
  return out;
}

class GridConformance : public ::testing::TestWithParam<GridCase> {};

TEST_P(GridConformance, ExpandsExactly) {
  const GridCase& c = GetParam();
  const Outcome outcome = run(c);
  if (c.expected_error) {
    // Stopped before anything runs: no execution was planned and rendered before the error.
    EXPECT_TRUE(outcome.commands.empty()) << "the error came after some executions";
    EXPECT_NE(outcome.error.find(*c.expected_error), std::string::npos)
        << "expected an error containing \"" << *c.expected_error << "\", got: " << outcome.error;
    return;
  }
  ASSERT_EQ(outcome.error, "");
  EXPECT_EQ(outcome.commands, c.expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, GridConformance, ::testing::ValuesIn(load_cases()),
                         [](const auto& case_info) {
                           std::string name = case_info.param.id;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) {
                               ch = '_';
                             }
                           }
                           return name;
                         });

TEST(GridConformanceData, HasEveryVector) {
  EXPECT_EQ(load_cases().size(), 48u);
}

}  // namespace
}  // namespace vhtask::common
