#include "common/step_loader.h"

#include "common/duration.h"
#include "common/parameter_loader.h"
#include "common/stop_condition.h"

#include <algorithm>
#include <set>

namespace vhtask::common {

namespace {

std::optional<std::vector<std::string>> read_command(YamlReader& r, const Field& f) {
  if (f.value->is_scalar()) {
    if (auto text = r.string(f)) {
      return std::vector<std::string>{*text};
    }
    return std::nullopt;
  }
  if (f.value->is_sequence()) {
    return r.string_list(f);
  }
  if (!f.value->is_null()) {
    r.error(r.mark(f),
            "`command` must be a string or a list of strings, not " + r.describe(*f.value));
  }
  return std::nullopt;
}

// `time-limit` / `no-output-timeout`: whole seconds, or a duration text for parse_duration().
std::optional<std::int64_t> read_duration(YamlReader& r, const Field& f) {
  const auto v = f.value->is_scalar() ? r.value(*f.value) : std::nullopt;
  if (v && v->is_int()) {
    if (v->as_int() < 0) {
      r.error(r.mark(f), "`" + std::string(f.key) + "` must not be negative");
      return std::nullopt;
    }
    return v->as_int();
  }
  if (v && v->is_string()) {
    auto seconds = parse_duration(v->as_string());
    if (!seconds) {
      r.error(r.mark(f), "`" + std::string(f.key) + "`: " + seconds.error().message);
      return std::nullopt;
    }
    return *seconds;
  }
  if (!f.value->is_null() && (v || !f.value->is_scalar())) {
    r.error(r.mark(f), "`" + std::string(f.key) +
                           "` must be an integer of seconds or a duration such as " +
                           "'1h 30m', not " + r.describe(*f.value));
  }
  return std::nullopt;
}

std::optional<EnvironmentVariable> load_environment_variable(YamlReader& r, const YamlNode& node) {
  if (!node.is_map()) {
    r.error(r.mark(node),
            "an environment variable must be a mapping with a `name`, not " + r.describe(node));
    return std::nullopt;
  }
  EnvironmentVariable env;
  const std::vector<Field> fields = r.fields(node);
  r.reject_unknown(fields, {"name", "default", "optional", "description"},
                   "an environment variable");
  for (const Field& f : fields) {
    if (f.key == "name") {
      env.name = r.string(f).value_or("");
    } else if (f.key == "optional") {
      env.optional = r.boolean(f).value_or(true);
    } else if (f.key == "description") {
      env.description = r.string(f).value_or("");
    } else if (f.key == "default" && !f.value->is_null()) {
      // Lenient where the reference schema wants a string: a number is set as Python prints it.
      auto v = f.value->is_scalar() ? r.value(*f.value) : std::nullopt;
      if (v && (v->is_string() || v->is_number())) {
        env.default_value = v->to_python_str();
      } else if (v || !f.value->is_scalar()) {
        r.error(r.mark(f), "`default` must be a string, not " + r.describe(*f.value));
      }
    }
  }
  if (env.name.empty()) {
    r.error(r.mark(node), "environment variable is missing `name`");
    return std::nullopt;
  }
  return env;
}

void read_parameters(YamlReader& r, const Field& f, Step& step) {
  std::set<std::string> names;
  const std::vector<const YamlNode*>& items = r.items(*f.value);
  step.parameters.reserve(items.size());
  for (const YamlNode* item : items) {
    if (r.stopped()) {
      return;
    }
    auto p = load_parameter(r, *item);
    if (!p) {
      continue;
    }
    if (!names.insert(p->name).second) {
      r.error(p->mark, "duplicate parameter name '" + p->name + "' in step '" + step.name + "'");
      continue;
    }
    step.parameters.push_back(std::move(*p));
  }
}

void read_environment_variables(YamlReader& r, const Field& f, Step& step) {
  std::set<std::string> names;
  for (const YamlNode* item : r.items(*f.value)) {
    auto env = load_environment_variable(r, *item);
    if (env && !names.insert(env->name).second) {
      r.error(r.mark(*item), "duplicate environment variable '" + env->name + "'");
    } else if (env) {
      step.environment_variables.push_back(std::move(*env));
    }
  }
}

// Informational fields: only their type is checked.
void check_informational(YamlReader& r, const Field& f) {
  const std::string_view k = f.key;
  if (k == "environment" || k == "icon" || k == "category" || k == "runtime-config-preset" ||
      k == "upload-store") {
    r.string(f);
  } else if (k == "cache-volumes" || k == "environment-variable-groups") {
    r.string_list(f);
  } else if (k == "resources") {
    r.expect_map(f);
  } else if ((k == "inputs" || k == "outputs" || k == "mounts") && r.expect_list(f)) {
    for (const YamlNode* item : r.items(*f.value)) {
      const bool ok = item->is_map() || ((k == "mounts" || k == "outputs") && item->is_scalar());
      if (!ok) {
        r.error(r.mark(*item),
                "`" + std::string(k) + "` items must be mappings, not " + r.describe(*item));
      }
    }
  }
}

}  // namespace

std::optional<Step> load_step(YamlReader& r, const YamlNode& node) {
  Step step;
  step.mark = r.mark(node);
  if (!node.is_map()) {
    r.error(step.mark, "`step` must be a mapping of step fields, not " + r.describe(node));
    return std::nullopt;
  }
  const std::vector<Field> fields = r.fields(node);
  r.reject_unknown(fields,
                   {"name",
                    "image",
                    "command",
                    "description",
                    "parameters",
                    "inputs",
                    "outputs",
                    "environment-variables",
                    "environment",
                    "time-limit",
                    "no-output-timeout",
                    "source-path",
                    "mounts",
                    "resources",
                    "icon",
                    "category",
                    "cache-volumes",
                    "environment-variable-groups",
                    "runtime-config-preset",
                    "upload-store",
                    "stop-condition"},
                   "a step");
  bool has_name = false;
  bool has_image = false;
  bool has_command = false;
  // The name first: later messages mention it.
  for (const Field& f : fields) {
    if (f.key == "name") {
      step.name = r.string(f).value_or("");
      has_name = !f.value->is_null();
      if (has_name && step.name.empty() && f.value->is_scalar() && f.value->tag == "!") {
        r.error(r.mark(f), "step `name` must not be empty");
      }
    }
  }
  for (const Field& f : fields) {
    if (f.key == "image") {
      auto image = r.string(f);
      has_image = image.has_value() || !f.value->is_null();
      step.image = image.value_or("");
    } else if (f.key == "command") {
      auto command = read_command(r, f);
      has_command = command.has_value() || !f.value->is_null();
      step.command = command.value_or(std::vector<std::string>{});
    } else if (f.key == "description") {
      step.description = r.string(f).value_or("");
    } else if (f.key == "source-path") {
      step.source_path = r.string(f);
    } else if (f.key == "time-limit") {
      step.time_limit_seconds = read_duration(r, f);
    } else if (f.key == "no-output-timeout") {
      step.no_output_timeout_seconds = read_duration(r, f);
    } else if (f.key == "stop-condition") {
      step.stop_condition = r.string(f);
      step.stop_condition_mark = r.mark(f);
      // Malformed: "FILE:LINE: error: stop-condition: column N: ..." as on a task.
      if (step.stop_condition) {
        if (auto parsed = StopCondition::parse(*step.stop_condition); !parsed) {
          Mark line = step.stop_condition_mark;
          line.column = 0;
          r.error(line, "stop-condition: " + parsed.error().message);
        }
      }
    } else if (f.key == "parameters" && r.expect_list(f)) {
      read_parameters(r, f, step);
    } else if (f.key == "environment-variables" && r.expect_list(f)) {
      read_environment_variables(r, f, step);
    } else if (f.key != "name") {
      check_informational(r, f);
    }
  }
  const std::string who = step.name.empty() ? "step" : "step '" + step.name + "'";
  if (!has_name) {
    r.error(step.mark, "step is missing `name`");
  }
  if (!has_image) {
    r.error(step.mark, who + " is missing `image`");
  }
  if (!has_command) {
    r.error(step.mark, who + " is missing `command`");
  }
  if (step.name.empty()) {
    return std::nullopt;
  }
  return step;
}

}  // namespace vhtask::common
