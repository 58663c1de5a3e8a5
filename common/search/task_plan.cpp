#include "common/search/task_plan.h"

#include "common/search/variants.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace vhtask::common::search {

namespace {

// Problems reported per parameter before the rest are summarised: a million out-of-range values
// make one readable error, not a million lines.
constexpr std::size_t k_max_problems_per_parameter = 10;

// Execution indexes of a random_search whose values are checked at create(); the rules' ranges
// are checked as a whole besides.
constexpr std::uint64_t k_random_search_checked = 1000;

bool same_value(const Value& a, const Value& b) {
  return a.v.index() == b.v.index() && a.to_python_str() == b.to_python_str();
}

bool has_distinct(const ValueList& values) {
  return std::any_of(values.begin(), values.end(),
                     [&](const Value& x) { return !same_value(x, values.front()); });
}

std::string prefix(const Mark& mark) {
  return (!mark.file.empty() || mark.line > 0) ? mark.to_string() + ": " : std::string();
}

// validate_values() would check every parameter; a value without min/max/choices that isn't a
// list can't fail, and skipping it keeps big value lists cheap.
bool needs_check(const valohai::Parameter& p, const Value& v) {
  return p.min || p.max || p.choices || v.is_list();
}

}  // namespace

// Builds a TaskPlan, collecting every problem found on the way.
class TaskPlanBuilder {
public:
  TaskPlanBuilder(const valohai::Step& step, const valohai::TaskSpec& task, std::uint64_t seed)
      : m_step(step), m_task(task) {
    m_plan.m_type = task.type;
    m_plan.m_seed = seed;
  }

  Result<TaskPlan> build(const valohai::ParameterValues& fixed) {
    add_fixed(fixed);
    if (m_task.type == valohai::TaskType::manual_search) {
      add_rows();
    } else {
      add_axes();
      count_executions();
    }
    if (m_problems.empty() && m_task.type == valohai::TaskType::random_search) {
      check_random_executions();
    }
    if (!m_problems.empty()) {
      std::string message;
      for (const auto& problem : m_problems) {
        message += (message.empty() ? "" : "\n") + problem;
      }
      return Error::invalid_argument(message);
    }
    find_varying();
    return std::move(m_plan);
  }

private:
  void problem(std::string message) {
    if (std::find(m_problems.begin(), m_problems.end(), message) == m_problems.end()) {
      m_problems.push_back(std::move(message));
    }
  }

  // Checks one typed value against the parameter's min/max/choices; `where` prefixes messages.
  // Returns false once the parameter has had its share of problems.
  bool check_value(const valohai::Parameter& p, const Value& v, const std::string& where) {
    if (!needs_check(p, v)) {
      return true;
    }
    for (auto& message :
         valohai::validate_values(m_step, valohai::ParameterValues{{p.name, v}}, false)) {
      if (++m_problem_count[p.name] > k_max_problems_per_parameter) {
        problem(where + "parameter '" + p.name +
                "': more values fail these checks; only the first " +
                std::to_string(k_max_problems_per_parameter) + " are listed");
        return false;
      }
      problem(where + message);
    }
    return true;
  }

  const valohai::Parameter* parameter(const std::string& name, const std::string& where) {
    const valohai::Parameter* p = m_step.find_parameter(name);
    if (p == nullptr) {
      std::string known;
      for (const auto& candidate : m_step.parameters) {
        known += (known.empty() ? "" : ", ") + candidate.name;
      }
      problem(where + "step '" + m_step.name + "' has no parameter '" + name + "'" +
              (known.empty() ? " (it has none)" : " (it has: " + known + ")"));
    }
    return p;
  }

  // --param values join every execution as they are (already typed by parse_parameter_args).
  void add_fixed(const valohai::ParameterValues& fixed) {
    for (const auto& [name, value] : fixed) {
      if (const valohai::Parameter* p = parameter(name, "--param: ")) {
        check_value(*p, value, "--param: ");
      }
    }
    m_plan.m_fixed = fixed;
  }

  // Records that the task sets `name`; false (with a problem) when --param or an earlier entry
  // already does, since one of the two would silently lose.
  bool claim(const std::string& name, const std::string& where) {
    if (m_plan.m_fixed.contains(name)) {
      problem(where + "parameter '" + name +
              "' is set both with --param and by the task; give it in one place only");
      return false;
    }
    if (!m_listed.insert(name).second) {
      problem(where + "parameter '" + name + "' is listed more than once in the task");
      return false;
    }
    return true;
  }

  // grid_search and random_search: one axis per listed parameter, in task order. Seeds depend
  // on the task seed and the position only, so each axis is reproducible on its own.
  void add_axes() {
    const bool random_search = m_task.type == valohai::TaskType::random_search;
    for (std::size_t position = 0; position < m_task.parameters.size(); ++position) {
      const valohai::VariantSpec& variant = m_task.parameters[position];
      const std::string where = prefix(variant.mark);
      const valohai::Parameter* p = parameter(variant.name, where);
      if (p == nullptr || !claim(variant.name, where)) {
        continue;
      }
      TaskPlan::Axis axis{*p, variant, {}, std::nullopt, 0};
      const std::uint64_t position_seed = mix_seed(m_plan.m_seed, position);
      axis.seed = variant.seed ? *variant.seed : position_seed;
      if (random_search && variant.style == valohai::VariantStyle::random) {
        auto rule = random_rule(variant);
        if (!rule) {
          problem(rule.error().message);
          continue;
        }
        axis.random = *rule;
        check_random_range(axis);
      } else {
        auto values = typed_variant_values(*p, variant, axis.seed);
        if (!values) {
          problem(values.error().message);
          continue;
        }
        axis.values = std::move(*values);
        axis.variant.items.reset();  // typed into axis.values; don't hold a big list twice
        for (const auto& v : axis.values) {
          if (!check_value(*p, v, where)) {
            break;
          }
        }
      }
      m_plan.m_axes.push_back(std::move(axis));
    }
    check_required(m_listed);
  }

  // Every draw of a random rule lies in [min, max] (floored with integerify), so checking both
  // ends against the parameter's min and max covers them all. Choices are left to
  // check_random_executions(): an end may be out of the choices while no draw ever is.
  void check_random_range(const TaskPlan::Axis& axis) {
    valohai::Step bounds_only;
    bounds_only.parameters.push_back(axis.parameter);
    bounds_only.parameters.back().choices.reset();
    const valohai::Parameter& p = bounds_only.parameters.back();
    for (const double end : {axis.random->min, axis.random->max}) {
      const double x = axis.variant.integerify ? std::floor(end) : end;
      const auto typed = valohai::convert_value(p, Value(x));
      if (!typed || !needs_check(p, *typed)) {
        continue;
      }
      for (auto& message : valohai::validate_values(
               bounds_only, valohai::ParameterValues{{p.name, *typed}}, false)) {
        problem(prefix(axis.variant.mark) + message);
      }
    }
  }

  // manual_search: every row typed and checked like --param values.
  void add_rows() {
    const std::string where = prefix(m_task.mark);
    if (m_task.parameter_sets.empty()) {
      problem(where + "manual_search needs at least one row in `parameter-sets`");
    }
    for (std::size_t r = 0; r < m_task.parameter_sets.size(); ++r) {
      const std::string row_where = where + "parameter-sets row " + std::to_string(r + 1) + ": ";
      valohai::ParameterValues row;
      std::set<std::string> names;
      for (const auto& [name, value] : m_task.parameter_sets[r]) {
        const valohai::Parameter* p = parameter(name, row_where);
        if (p == nullptr) {
          continue;
        }
        if (m_plan.m_fixed.contains(name)) {
          claim(name, row_where);
          continue;
        }
        auto typed = valohai::convert_value(*p, value);
        if (!typed) {
          std::string message = row_where;
          message += "parameter '" + name + "': " + typed.error().message;
          problem(std::move(message));
          continue;
        }
        check_value(*p, *typed, row_where);
        names.insert(name);
        row[name] = std::move(*typed);
      }
      check_required(names, row_where);
      m_plan.m_rows.push_back(std::move(row));
    }
    m_plan.m_count = m_plan.m_rows.size();
  }

  // A required parameter (no default, not optional) given neither by the task nor --param.
  void check_required(const std::set<std::string>& listed, const std::string& where = "") {
    std::string missing;
    for (const auto& p : m_step.parameters) {
      const bool has_default = p.default_value && !p.default_value->is_null();
      if (!p.is_optional() && !has_default && !listed.contains(p.name) &&
          !m_plan.m_fixed.contains(p.name)) {
        missing += (missing.empty() ? "" : ", ") + p.name;
      }
    }
    if (!missing.empty()) {
      problem(where + "Required parameters missing: " + missing);
    }
  }

  // The grid's count is the product of its axes, checked for overflow: a count that wrapped
  // would silently run a fraction of the grid.
  void count_executions() {
    const std::string where = prefix(m_task.mark);
    if (m_task.type == valohai::TaskType::random_search) {
      if (!m_task.execution_count || *m_task.execution_count < 1) {
        problem(where + "random_search needs `execution-count` of at least 1");
        return;
      }
      m_plan.m_count = static_cast<std::uint64_t>(*m_task.execution_count);
      return;
    }
    std::uint64_t count = 1;
    for (const auto& axis : m_plan.m_axes) {
      if (__builtin_mul_overflow(count, axis.values.size(), &count)) {
        problem(where + "the grid has more than 2^64 executions");
        return;
      }
    }
    m_plan.m_count = count;
  }

  // Random draws can't all be checked up front; the first executions are, which catches rules
  // that can't work at all (a non-integral draw for an integer parameter, choices).
  void check_random_executions() {
    const std::uint64_t n = std::min(m_plan.m_count, k_random_search_checked);
    for (const auto& axis : m_plan.m_axes) {
      for (std::uint64_t i = 0; axis.random && i < n; ++i) {
        auto value = TaskPlan::random_value(axis, i);
        if (!value) {
          problem(value.error().message);
          break;
        }
        if (!check_value(axis.parameter, *value, prefix(axis.variant.mark))) {
          break;
        }
      }
    }
  }

  // What differs between executions; constants (single values, --param) are left out so a
  // listing shows what the search is about.
  void find_varying() {
    std::set<std::string> varying;
    if (m_task.type == valohai::TaskType::manual_search) {
      for (const auto& row : m_plan.m_rows) {
        for (const auto& [name, value] : row) {
          const auto& first = m_plan.m_rows.front();
          const auto it = first.find(name);
          if (it == first.end() || !same_value(it->second, value)) {
            varying.insert(name);
          }
        }
        for (const auto& [name, value] : m_plan.m_rows.front()) {
          if (!row.contains(name)) {
            varying.insert(name);
          }
        }
      }
    } else if (m_plan.m_count > 1) {
      for (const auto& axis : m_plan.m_axes) {
        const bool random_varies =
            axis.random &&
            (axis.variant.integerify ? std::floor(axis.random->min) < std::floor(axis.random->max)
                                     : axis.random->min < axis.random->max);
        if (random_varies || (!axis.random && has_distinct(axis.values))) {
          varying.insert(axis.parameter.name);
        }
      }
    }
    for (const auto& p : m_step.parameters) {
      if (varying.contains(p.name)) {
        m_plan.m_varying.push_back(p.name);
      }
    }
  }

  const valohai::Step& m_step;
  const valohai::TaskSpec& m_task;
  TaskPlan m_plan;
  std::set<std::string> m_listed;
  std::map<std::string, std::size_t> m_problem_count;
  std::vector<std::string> m_problems;
};

Result<TaskPlan> TaskPlan::create(const valohai::Step& step, const valohai::TaskSpec& task,
                                  const valohai::ParameterValues& fixed,
                                  std::optional<std::uint64_t> seed) {
  if (task.type == valohai::TaskType::bayesian_tpe) {
    return Error::unsupported(prefix(task.mark) +
                              "bayesian_tpe tasks are not supported yet: vhtask has no "
                              "metric-driven optimizer; use grid_search or random_search");
  }
  return TaskPlanBuilder(step, task, seed ? *seed : fresh_seed()).build(fixed);
}

Result<valohai::ParameterValues> TaskPlan::values_at(std::uint64_t index) const {
  if (index >= m_count) {
    return Error::invalid_argument("execution index " + std::to_string(index) +
                                   " is out of range: the task has " + std::to_string(m_count) +
                                   " executions");
  }
  switch (m_type) {
    case valohai::TaskType::manual_search: {
      valohai::ParameterValues out = m_fixed;
      for (const auto& [name, value] : m_rows[index]) {
        out[name] = value;
      }
      return out;
    }
    case valohai::TaskType::random_search:
      return random_values(index);
    default:
      return grid_values(index);
  }
}

Result<valohai::ParameterValues> TaskPlan::grid_values(std::uint64_t index) const {
  // Mixed radix, the last axis the least significant digit: itertools.product order.
  valohai::ParameterValues out = m_fixed;
  for (auto axis = m_axes.rbegin(); axis != m_axes.rend(); ++axis) {
    const std::uint64_t size = axis->values.size();
    out[axis->parameter.name] = axis->values[index % size];
    index /= size;
  }
  return out;
}

Result<valohai::ParameterValues> TaskPlan::random_values(std::uint64_t index) const {
  valohai::ParameterValues out = m_fixed;
  for (const auto& axis : m_axes) {
    out[axis.parameter.name] = VHTASK_TRY(random_value(axis, index));
  }
  return out;
}

Result<Value> TaskPlan::random_value(const Axis& axis, std::uint64_t index) {
  // Each parameter of each execution has its own engine, so any index is computable alone and
  // the draws of one parameter don't depend on how many draws another one needed.
  RandomEngine engine(mix_seed(axis.seed, index));
  if (axis.random) {
    return typed_random_value(axis.parameter, axis.variant, *axis.random, engine);
  }
  return axis.values[uniform_index(engine, axis.values.size())];
}

}  // namespace vhtask::common::search
