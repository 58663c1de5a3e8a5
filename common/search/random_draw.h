#pragma once

// Random draws for the `random` variant style and random_search tasks (spec section 3), built
// only on std::mt19937_64's raw 64-bit outputs, whose sequence the C++ standard fixes. The
// std::*_distribution classes are implementation-defined, so a seed would give different values
// under libstdc++ and libc++; these functions give the same ones everywhere (up to the libm's
// log/exp/cos, which glibc computes correctly rounded). Pure functions of their engine; an
// engine must not be shared between threads.

#include "common/valohai/config.h"

#include <cstdint>
#include <random>

namespace vhtask::common::search {

// The engine behind every draw.
using RandomEngine = std::mt19937_64;

// A validated `random` rule: the draws lie in [min, max].
// REQUIRES: min <= max, both finite; min > 0 for loguniform and lognormal.
struct RandomRule {
  valohai::Distribution distribution = valohai::Distribution::uniform;
  double min = 0;
  double max = 1;
};

// SplitMix64's finalizer: a bijective mix of 64 bits, so distinct inputs give distinct outputs.
std::uint64_t splitmix64(std::uint64_t x);

// A seed derived from `seed` and `salt` (an execution index, a parameter position). For a fixed
// seed, distinct salts give distinct results.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t salt);

// A fresh seed from std::random_device, for tasks started without one.
std::uint64_t fresh_seed();

// A double in [0, 1) with 53 random bits: (x >> 11) × 2^-53.
double uniform01(RandomEngine& engine);

// An integer in [0, n), without modulo bias. REQUIRES: n > 0.
std::uint64_t uniform_index(RandomEngine& engine, std::uint64_t n);

// One draw of `rule`:
// - uniform: min + u·(max − min);
// - loguniform: exp of a uniform draw between log(min) and log(max);
// - normal: Box–Muller, mean (min+max)/2 and σ (max−min)/4, redrawn until inside [min, max];
// - lognormal: the same on log(min) and log(max), then exp.
// The result is always inside [min, max] (rounding at the edges is clamped).
double draw(const RandomRule& rule, RandomEngine& engine);

}  // namespace vhtask::common::search
