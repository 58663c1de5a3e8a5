#pragma once

// TaskPlan: the executions of a task (spec section 3), planned before anything starts. It knows
// how many executions there are and computes the given values of any one of them on demand, so
// a grid of a million executions costs the memory of its value lists, not of its product.
//
// A TaskPlan is an immutable value once created: every const method may be called from any
// thread. It holds copies of what it needs, not references to the Step or TaskSpec.
//
//   auto plan = VHTASK_TRY(TaskPlan::create(step, task, fixed, std::nullopt));
//   for (std::uint64_t i = 0; i < plan.count(); ++i) {
//     const auto given = VHTASK_TRY(plan.values_at(i));
//     const auto command = VHTASK_TRY(render_command(step, given));
//   }

#include "common/result.h"
#include "common/search/random_draw.h"
#include "common/valohai/config.h"
#include "common/valohai/parameter_values.h"
#include "common/value.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::common::search {

class TaskPlan {
public:
  // Plans `task` over `step`:
  // - grid_search: the cartesian product of the task's variants, in the order the task lists
  //   them, the last varying fastest (itertools.product);
  // - random_search: `execution-count` executions; in each, every listed parameter draws on its
  //   own: a random variant from its distribution, any other uniformly from its value list;
  // - manual_search: one execution per `parameter-sets` row;
  // - bayesian_tpe: Error::unsupported.
  // `fixed` (typed `--param NAME=VALUE` values) joins every execution; a name both fixed and
  // listed by the task is an error. `seed` drives every random draw; nullopt draws a fresh one
  // from std::random_device. Either way seed() reports it, so the task can be reproduced.
  //
  // Every value is typed and checked here, once: unknown names, invalid variant rules, values
  // that don't convert to the declared type, min/max/choices, required parameters missing.
  // All problems are collected into one Error::invalid_argument, one per line; nothing of a
  // task with problems should start.
  static Result<TaskPlan> create(const valohai::Step& step, const valohai::TaskSpec& task,
                                 const valohai::ParameterValues& fixed,
                                 std::optional<std::uint64_t> seed);

  valohai::TaskType type() const { return m_type; }

  // The number of executions (at least 1 for a valid plan).
  std::uint64_t count() const { return m_count; }

  // The seed actually used for random draws.
  std::uint64_t seed() const { return m_seed; }

  // The given values of execution `index` (the fixed values plus the task's), typed, to pass to
  // render_command(); step defaults are not included. Computed from (plan, index) alone, so
  // executions may be computed in any order, on any thread.
  // Error::invalid_argument when index >= count().
  Result<valohai::ParameterValues> values_at(std::uint64_t index) const;

  // The names of the parameters whose value differs between executions, in the step's
  // definition order (what a task listing shows as columns).
  std::vector<std::string> varying_parameters() const { return m_varying; }

private:
  // One listed parameter: its values (grid; random_search's non-random styles), or its random
  // rule (random_search's random style).
  struct Axis {
    valohai::Parameter parameter;
    valohai::VariantSpec variant;
    ValueList values;
    std::optional<RandomRule> random;
    std::uint64_t seed = 0;  // random_search: the base of this parameter's draws
  };

  friend class TaskPlanBuilder;

  TaskPlan() = default;

  Result<valohai::ParameterValues> grid_values(std::uint64_t index) const;
  Result<valohai::ParameterValues> random_values(std::uint64_t index) const;

  // random_search: the value of `axis` in execution `index`, from its own engine seeded with
  // (axis seed, index) alone.
  static Result<Value> random_value(const Axis& axis, std::uint64_t index);

  // Constant after construction.
  valohai::TaskType m_type = valohai::TaskType::grid_search;
  std::uint64_t m_count = 0;
  std::uint64_t m_seed = 0;
  valohai::ParameterValues m_fixed;
  std::vector<Axis> m_axes;                      // grid_search, random_search; in task order
  std::vector<valohai::ParameterValues> m_rows;  // manual_search, typed
  std::vector<std::string> m_varying;
};

}  // namespace vhtask::common::search
