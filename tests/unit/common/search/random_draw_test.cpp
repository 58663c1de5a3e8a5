// Random draws: pinned algorithms (so a seed means the same values everywhere), ranges and
// distribution shapes.

#include "common/search/random_draw.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace vhtask::common {
namespace {

TEST(RandomDraw, AlgorithmsArePinned) {
  EXPECT_EQ(search::splitmix64(0), 0xe220a8397b1dcdafULL);
  search::RandomEngine engine;  // default seed 5489: the standard fixes its first output
  EXPECT_EQ(search::uniform01(engine), 0.7868209548678019);
}

TEST(RandomDraw, MixSeedSeparatesSalts) {
  std::set<std::uint64_t> seen;
  for (std::uint64_t salt = 0; salt < 1000; ++salt) {
    seen.insert(search::mix_seed(42, salt));
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_NE(search::mix_seed(1, 0), search::mix_seed(2, 0));
}

TEST(RandomDraw, UniformIndexCoversTheRangeEvenly) {
  search::RandomEngine engine(7);
  std::vector<int> hits(6);
  for (int i = 0; i < 60000; ++i) {
    const auto k = search::uniform_index(engine, 6);
    ASSERT_LT(k, 6u);
    ++hits[k];
  }
  for (int h : hits) {
    EXPECT_NEAR(h, 10000, 500);
  }
  EXPECT_EQ(search::uniform_index(engine, 1), 0u);
}

class EveryDistribution : public ::testing::TestWithParam<valohai::Distribution> {};

TEST_P(EveryDistribution, StaysInRange) {
  for (const auto& [min, max] : {std::pair{0.001, 0.002}, {1.0, 1000.0}, {5.0, 5.0}}) {
    const search::RandomRule rule{GetParam(), min, max};
    search::RandomEngine engine(123);
    for (int i = 0; i < 20000; ++i) {
      const double x = search::draw(rule, engine);
      ASSERT_GE(x, min);
      ASSERT_LE(x, max);
    }
  }
}

TEST_P(EveryDistribution, SameSeedSameDraws) {
  const search::RandomRule rule{GetParam(), 0.5, 8.0};
  search::RandomEngine a(99);
  search::RandomEngine b(99);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(search::draw(rule, a), search::draw(rule, b));
  }
}

INSTANTIATE_TEST_SUITE_P(All, EveryDistribution,
                         ::testing::Values(valohai::Distribution::uniform,
                                           valohai::Distribution::loguniform,
                                           valohai::Distribution::normal,
                                           valohai::Distribution::lognormal));

double median_of(valohai::Distribution d, double min, double max) {
  const search::RandomRule rule{d, min, max};
  search::RandomEngine engine(2024);
  std::vector<double> xs(10000);
  for (auto& x : xs) {
    x = search::draw(rule, engine);
  }
  std::nth_element(xs.begin(), xs.begin() + 5000, xs.end());
  return xs[5000];
}

TEST(RandomDraw, LogDistributionsCentreOnTheGeometricMean) {
  const double geometric_mean = std::sqrt(0.01 * 1.0);
  EXPECT_NEAR(median_of(valohai::Distribution::loguniform, 0.01, 1.0) / geometric_mean, 1.0, 0.03);
  EXPECT_NEAR(median_of(valohai::Distribution::lognormal, 0.01, 1.0) / geometric_mean, 1.0, 0.03);
}

TEST(RandomDraw, LinearDistributionsCentreOnTheMean) {
  EXPECT_NEAR(median_of(valohai::Distribution::uniform, 10.0, 20.0), 15.0, 0.2);
  EXPECT_NEAR(median_of(valohai::Distribution::normal, 10.0, 20.0), 15.0, 0.1);
}

TEST(RandomDraw, NormalHasTheSpecsSpread) {
  // σ = (max − min)/4 truncated at ±2σ: about 68% / 95.4% ≈ 71.7% of draws within ±1σ.
  const search::RandomRule rule{valohai::Distribution::normal, 0.0, 4.0};
  search::RandomEngine engine(5);
  int within = 0;
  for (int i = 0; i < 20000; ++i) {
    within += std::fabs(search::draw(rule, engine) - 2.0) <= 1.0 ? 1 : 0;
  }
  EXPECT_NEAR(within / 20000.0, 0.7157, 0.015);
}

}  // namespace
}  // namespace vhtask::common
