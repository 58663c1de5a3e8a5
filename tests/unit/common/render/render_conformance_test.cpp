// Every case of tests/data/conformance/render.json (copied from the shared conformance vectors),
// through the library: load the YAML, type the NAME=VALUE params, render, compare byte for byte.

#include "common/render/render.h"
#include "common/valohai/config_loader.h"
#include "tests/support/test_paths.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace vhtask::common {
namespace {

struct RenderCase {
  std::string id;
  std::string yaml;
  std::string step;
  std::vector<std::string> params;
  std::string expected;
};

// gtest names a failing case by this instead of dumping the struct's bytes.
void PrintTo(const RenderCase& c, std::ostream* os) {
  *os << c.id;
}

std::vector<RenderCase> load_cases() {
  const auto json =
      boost::json::parse(test::read_file(test::data_dir() + "/conformance/render.json"));
  std::vector<RenderCase> out;
  for (const auto& item : json.as_array()) {
    const auto& obj = item.as_object();
    RenderCase c;
    c.id = obj.at("id").as_string().c_str();
    c.yaml = obj.at("yaml").as_string().c_str();
    c.step = obj.at("step").as_string().c_str();
    for (const auto& p : obj.at("params").as_array()) {
      c.params.emplace_back(p.as_string().c_str());
    }
    c.expected = obj.at("expected").as_string().c_str();
    out.push_back(std::move(c));
  }
  return out;
}

class RenderConformance : public ::testing::TestWithParam<RenderCase> {};

TEST_P(RenderConformance, RendersExactly) {
  const RenderCase& c = GetParam();
  const valohai::LoadedConfig loaded = valohai::load_config(c.yaml, c.id + ".yaml");
  ASSERT_FALSE(loaded.diagnostics.has_errors()) << loaded.diagnostics.to_string();
  const valohai::Step* step = loaded.config.find_step(c.step);
  ASSERT_NE(step, nullptr);
  const auto values = valohai::parse_parameter_args(*step, c.params);
  ASSERT_TRUE(values) << values.error().message;
  const auto problems =
      valohai::validate_values(*step, valohai::effective_values(*step, *values), false);
  EXPECT_TRUE(problems.empty()) << problems.front();
  const auto rendered = render::render_command(*step, *values);
  ASSERT_TRUE(rendered) << rendered.error().message;
  EXPECT_EQ(*rendered, c.expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, RenderConformance, ::testing::ValuesIn(load_cases()),
                         [](const auto& test_info) {
                           std::string name = test_info.param.id;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) {
                               ch = '_';
                             }
                           }
                           return name;
                         });

TEST(RenderConformanceData, HasEveryVector) {
  EXPECT_EQ(load_cases().size(), 150u);
}

}  // namespace
}  // namespace vhtask::common
