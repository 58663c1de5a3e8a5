#include "common/valohai/step_loader.h"

#include "common/duration.h"
#include "common/expression/stop_condition.h"
#include "common/valohai/other_items.h"
#include "common/valohai/parameter_loader.h"

#include <algorithm>
#include <set>

namespace vhtask::common::valohai {

namespace {

std::optional<std::vector<std::string>> read_command(yaml::YamlReader& r, const yaml::Field& f) {
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
std::optional<std::int64_t> read_duration(yaml::YamlReader& r, const yaml::Field& f) {
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

std::optional<EnvironmentVariable> load_environment_variable(yaml::YamlReader& r,
                                                             const yaml::YamlNode& node) {
  if (!node.is_map()) {
    r.error(r.mark(node),
            "an environment variable must be a mapping with a `name`, not " + r.describe(node));
    return std::nullopt;
  }
  EnvironmentVariable env;
  const std::vector<yaml::Field> fields = r.fields(node);
  r.reject_unknown(fields, {"name", "default", "optional", "description"},
                   "an environment variable");
  for (const yaml::Field& f : fields) {
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

void read_parameters(yaml::YamlReader& r, const yaml::Field& f, Step& step) {
  std::set<std::string> names;
  const std::vector<const yaml::YamlNode*>& items = r.items(*f.value);
  step.parameters.reserve(items.size());
  for (const yaml::YamlNode* item : items) {
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

void read_environment_variables(yaml::YamlReader& r, const yaml::Field& f, Step& step) {
  std::set<std::string> names;
  for (const yaml::YamlNode* item : r.items(*f.value)) {
    auto env = load_environment_variable(r, *item);
    if (env && !names.insert(env->name).second) {
      r.error(r.mark(*item), "duplicate environment variable '" + env->name + "'");
    } else if (env) {
      step.environment_variables.push_back(std::move(*env));
    }
  }
}

// `stop-condition`: kept as written; malformed is an error, as the reference's lint (leval)
// reports: "FILE:LINE: error: stop-condition: column N: ..." (N within the expression).
void read_stop_condition(yaml::YamlReader& r, const yaml::Field& f, Step& step) {
  step.stop_condition = r.string(f);
  step.stop_condition_mark = r.mark(f);
  if (step.stop_condition) {
    if (auto parsed = expression::StopCondition::parse(*step.stop_condition); !parsed) {
      Mark line = r.mark(f);
      line.column = 0;
      r.error(line, "stop-condition: " + parsed.error().message);
      step.stop_condition.reset();
    }
  }
}

// An input's URL scheme vhtask cannot fetch (spec 5): s3://, gs://, azure://, datum://, ...
// Empty for http(s)://, file:// and local paths.
std::string unfetchable_scheme(std::string_view url) {
  const std::size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) {
    return "";
  }
  const std::string scheme(url.substr(0, colon));
  if (scheme == "http" || scheme == "https" || scheme == "file") {
    return "";
  }
  return scheme;
}

// `inputs:` items, checked as the reference's schema (input-item) does; a default URL vhtask
// cannot fetch is a note (the execution then needs `--input NAME=...`).
void check_inputs(yaml::YamlReader& r, const yaml::Field& f) {
  for (const yaml::YamlNode* item : r.items(*f.value)) {
    if (!item->is_map()) {
      r.error(r.mark(*item), "`inputs` items must be mappings, not " + r.describe(*item));
      continue;
    }
    const std::vector<yaml::Field> fields = r.fields(*item);
    r.reject_unknown(
        fields,
        {"name", "default", "description", "download", "filename", "keep-directories", "optional"},
        "an input");
    std::string name;
    for (const yaml::Field& g : fields) {
      if (g.key == "name") {
        name = r.string(g).value_or("");
        if (name.size() > 64) {
          r.error(r.mark(g), "input name '" + name + "' is longer than 64 characters");
        }
      } else if (g.key == "description" || g.key == "filename") {
        r.string(g);
      } else if (g.key == "optional") {
        r.boolean(g);
      }
    }
    if (name.empty()) {
      r.error(r.mark(*item), "input is missing `name`");
    }
    for (const yaml::Field& g : fields) {
      if (g.key != "default" || g.value->is_null()) {
        continue;
      }
      std::vector<std::string> urls;
      if (g.value->is_scalar()) {
        if (auto url = r.string(g)) {
          urls.push_back(*url);
        }
      } else if (auto list = r.string_list(g)) {
        urls = *list;
      }
      for (const std::string& url : urls) {
        if (const std::string scheme = unfetchable_scheme(url); !scheme.empty()) {
          r.note(r.mark(g), "input '" + name + "': vhtask cannot fetch " + scheme +
                                ":// URLs; give --input " + name + "=PATH_OR_URL when starting");
        }
      }
    }
  }
}

// Informational fields: only their type is checked.
void check_informational(yaml::YamlReader& r, const yaml::Field& f) {
  const std::string_view k = f.key;
  if (k == "environment" || k == "icon" || k == "category" || k == "runtime-config-preset" ||
      k == "upload-store") {
    const auto text = r.string(f);
    if (k == "upload-store" && text && text->size() > 64) {
      r.error(r.mark(f), "`upload-store` is longer than 64 characters");
    }
  } else if (k == "cache-volumes" || k == "environment-variable-groups") {
    r.string_list(f);
  } else if (k == "resources") {
    check_resources(r, f, false);
  } else if (k == "inputs" && r.expect_list(f)) {
    check_inputs(r, f);
  } else if ((k == "outputs" || k == "mounts") && r.expect_list(f)) {
    for (const yaml::YamlNode* item : r.items(*f.value)) {
      const bool ok = item->is_map() || ((k == "mounts" || k == "outputs") && item->is_scalar());
      if (!ok) {
        r.error(r.mark(*item),
                "`" + std::string(k) + "` items must be mappings, not " + r.describe(*item));
      }
    }
  }
}

}  // namespace

std::optional<Step> load_step(yaml::YamlReader& r, const yaml::YamlNode& node) {
  Step step;
  step.mark = r.mark(node);
  if (!node.is_map()) {
    r.error(step.mark, "`step` must be a mapping of step fields, not " + r.describe(node));
    return std::nullopt;
  }
  const std::vector<yaml::Field> fields = r.fields(node);
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
  bool has_runtime_config_preset = false;
  bool has_environment = false;
  // The name first: later messages mention it.
  for (const yaml::Field& f : fields) {
    if (f.key == "name") {
      step.name = r.string(f).value_or("");
      has_name = !f.value->is_null();
      if (has_name && step.name.empty() && f.value->is_scalar() && f.value->tag == "!") {
        r.error(r.mark(f), "step `name` must not be empty");
      }
    }
  }
  for (const yaml::Field& f : fields) {
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
        if (auto parsed = expression::StopCondition::parse(*step.stop_condition); !parsed) {
          Mark line = step.stop_condition_mark;
          line.column = 0;
          r.error(line, "stop-condition: " + parsed.error().message);
        }
      }
    } else if (f.key == "parameters" && r.expect_list(f)) {
      read_parameters(r, f, step);
    } else if (f.key == "environment-variables" && r.expect_list(f)) {
      read_environment_variables(r, f, step);
    } else if (f.key == "stop-condition") {
      read_stop_condition(r, f, step);
    } else if (f.key != "name") {
      has_runtime_config_preset = has_runtime_config_preset || f.key == "runtime-config-preset";
      has_environment = has_environment || f.key == "environment";
      check_informational(r, f);
    }
  }
  const std::string who = step.name.empty() ? "step" : "step '" + step.name + "'";
  if (has_runtime_config_preset && !has_environment) {
    r.error(step.mark, who + ": a `runtime-config-preset` needs an `environment` as well");
  }
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

}  // namespace vhtask::common::valohai
