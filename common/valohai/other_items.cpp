#include "common/valohai/other_items.h"

#include <string>

namespace vhtask::common::valohai {

namespace {

bool endpoint_name_ok(std::string_view name) {
  if (name.size() < 2 || name[0] < 'a' || name[0] > 'z') {
    return false;
  }
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

// `{min, max}` of numbers.
void check_min_max(yaml::YamlReader& r, const yaml::Field& f, const std::string& what) {
  if (!r.expect_map(f)) {
    return;
  }
  const std::vector<yaml::Field> fields = r.fields(*f.value);
  r.reject_unknown(fields, {"min", "max"}, what);
  for (const yaml::Field& g : fields) {
    if (g.key == "min" || g.key == "max") {
      r.number(g);
    }
  }
}

}  // namespace

void check_resources(yaml::YamlReader& r, const yaml::Field& f, bool endpoint) {
  if (!r.expect_map(f)) {
    return;
  }
  const std::vector<yaml::Field> fields = r.fields(*f.value);
  if (endpoint) {
    r.reject_unknown(fields, {"cpu", "devices", "ephemeral-storage", "memory"}, "`resources`");
  } else {
    r.reject_unknown(fields, {"cpu", "devices", "memory"}, "`resources`");
  }
  for (const yaml::Field& g : fields) {
    if (g.key == "cpu" || g.key == "memory" || g.key == "ephemeral-storage") {
      check_min_max(r, g, "`resources." + std::string(g.key) + "`");
    } else if (g.key == "devices" && r.expect_map(g)) {
      for (const yaml::Field& d : r.fields(*g.value)) {
        const auto n = r.number(d);
        if (n && n->value.to_double() < 1) {
          r.error(r.mark(d), "`resources.devices`: " + std::string(d.key) + " must be at least 1");
        }
      }
    }
  }
}

void check_endpoint(yaml::YamlReader& r, const yaml::YamlNode& node) {
  if (!node.is_map()) {
    r.error(r.mark(node), "`endpoint` must be a mapping, not " + r.describe(node));
    return;
  }
  const std::vector<yaml::Field> fields = r.fields(node);
  r.reject_unknown(fields,
                   {"description", "files", "image", "name", "node-selector", "port", "resources",
                    "server-command", "tolerations", "wsgi"},
                   "an endpoint");
  bool has_name = false;
  bool has_image = false;
  int commands = 0;
  for (const yaml::Field& f : fields) {
    if (f.key == "name") {
      has_name = true;
      if (auto name = r.string(f); name && !endpoint_name_ok(*name)) {
        r.error(r.mark(f), "endpoint name '" + *name +
                               "' must be lowercase, start with a letter and hold only letters, "
                               "digits and dashes");
      }
    } else if (f.key == "image") {
      has_image = true;
      r.string(f);
    } else if (f.key == "server-command" || f.key == "wsgi") {
      ++commands;
    } else if (f.key == "port") {
      const auto port = r.number(f);
      if (port && (port->value.to_double() < 1025 || port->value.to_double() > 65535)) {
        r.error(r.mark(f), "endpoint `port` must be within 1025..65535");
      }
    } else if (f.key == "resources") {
      check_resources(r, f, true);
    } else if (f.key == "description" || f.key == "node-selector") {
      r.string(f);
    } else if (f.key == "files" || f.key == "tolerations") {
      r.expect_list(f);
    }
  }
  if (!has_name) {
    r.error(r.mark(node), "endpoint is missing `name`");
  }
  if (!has_image) {
    r.error(r.mark(node), "endpoint is missing `image`");
  }
  if (commands != 1) {
    r.error(r.mark(node), "an endpoint needs exactly one of `server-command` and `wsgi`");
  }
}

void check_deployment(yaml::YamlReader& r, const yaml::YamlNode& node) {
  std::string name;
  bool has_target = false;
  if (!node.is_map()) {
    r.error(r.mark(node), "`deployment` must be a mapping, not " + r.describe(node));
    return;
  }
  for (const yaml::Field& f : r.fields(node)) {
    if (f.key == "name" && f.value->is_scalar()) {
      name = r.string(f).value_or("");
    } else if (f.key == "defaults" && f.value->is_map()) {
      for (const yaml::Field& d : r.fields(*f.value)) {
        has_target = has_target || (d.key == "target" && d.value->is_scalar() &&
                                    !d.value->is_null() && !d.value->text.empty());
      }
    }
  }
  r.info(r.mark(node), "deployment '" + name + "' is not run by vhtask; skipped");
  if (!has_target) {
    r.warning(r.mark(node), "deployment '" + name +
                                "' has no defaults.target set, which is required for deployment "
                                "auto-creation");
  }
}

}  // namespace vhtask::common::valohai
