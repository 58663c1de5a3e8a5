#include "common/search/random_draw.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace vhtask::common::search {

namespace {

// A draw between lo and hi that cannot overflow even when hi − lo would.
double lerp(double lo, double hi, double u) {
  return lo * (1.0 - u) + hi * u;
}

// A standard normal deviate by Box–Muller (one of the pair; draws stay independent of history).
double standard_normal(RandomEngine& engine) {
  const double u1 = 1.0 - uniform01(engine);  // (0, 1]: log stays finite
  const double u2 = uniform01(engine);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// A normal draw with mean (lo+hi)/2 and σ (hi−lo)/4, redrawn until inside [lo, hi]. About 95%
// of draws land inside, so the loop ends fast; σ = 0 (lo == hi) gives the mean at once.
double truncated_normal(double lo, double hi, RandomEngine& engine) {
  const double mean = lo / 2 + hi / 2;
  const double sigma = hi / 4 - lo / 4;
  for (;;) {
    const double x = mean + sigma * standard_normal(engine);
    if (x >= lo && x <= hi) {
      return x;
    }
  }
}

}  // namespace

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t salt) {
  return splitmix64(splitmix64(seed) ^ salt);
}

std::uint64_t fresh_seed() {
  std::random_device device;
  const std::uint64_t high = device();
  const std::uint64_t low = device();
  return (high << 32) ^ low;
}

double uniform01(RandomEngine& engine) {
  return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

std::uint64_t uniform_index(RandomEngine& engine, std::uint64_t n) {
  // Reject the top partial block of 2^64 so every residue is equally likely.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;
  for (;;) {
    const std::uint64_t x = engine();
    if (x <= limit) {
      return x % n;
    }
  }
}

double draw(const RandomRule& rule, RandomEngine& engine) {
  double x = 0;
  switch (rule.distribution) {
    case valohai::Distribution::uniform:
      x = lerp(rule.min, rule.max, uniform01(engine));
      break;
    case valohai::Distribution::loguniform:
      x = std::exp(lerp(std::log(rule.min), std::log(rule.max), uniform01(engine)));
      break;
    case valohai::Distribution::normal:
      x = truncated_normal(rule.min, rule.max, engine);
      break;
    case valohai::Distribution::lognormal:
      x = std::exp(truncated_normal(std::log(rule.min), std::log(rule.max), engine));
      break;
  }
  return std::clamp(x, rule.min, rule.max);
}

}  // namespace vhtask::common::search
