#include "common/valohai/variant_loader.h"

#include <algorithm>
#include <cctype>

namespace vhtask::common::valohai {

namespace {

struct StyleInfo {
  VariantStyle style;
  std::string_view name;
  std::initializer_list<std::string_view> rules;
  std::string_view allowed;  // for messages
};

const StyleInfo k_styles[] = {
    {VariantStyle::single, "single", {"value", "integerify"}, "value, integerify"},
    {VariantStyle::multiple, "multiple", {"items", "integerify"}, "items, integerify"},
    {VariantStyle::linear,
     "linear",
     {"start", "end", "step", "integerify"},
     "start, end, step, integerify"},
    {VariantStyle::logspace,
     "logspace",
     {"start", "end", "min", "max", "count", "base", "integerify"},
     "start, end, count, base, integerify"},
    {VariantStyle::random,
     "random",
     {"min", "max", "count", "distribution", "seed", "integerify"},
     "min, max, count, distribution, seed, integerify"},
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const yaml::Field* find(const std::vector<yaml::Field>& fields, std::string_view key) {
  auto it = std::find_if(fields.begin(), fields.end(),
                         [&](const yaml::Field& f) { return f.key == key; });
  return it == fields.end() ? nullptr : &*it;
}

// Reads the rules of a known style into `v`; `prefix` is "parameter 'NAME': ".
void read_rules(yaml::YamlReader& r, const StyleInfo& info, const std::vector<yaml::Field>& rules,
                const std::string& prefix, VariantSpec& v) {
  // Unknown to the reference's schema (variant-param-rule-item): an error. Known there but
  // not used by this style (`base` on random, `numberify`): accepted and ignored.
  const std::initializer_list<std::string_view> k_reference_rules = {
      "start", "end", "step", "count",        "base", "numberify", "value",
      "items", "min", "max",  "distribution", "seed", "integerify"};
  r.reject_unknown(rules, k_reference_rules,
                   "the rules of " + std::string(info.name) + " parameter '" + v.name +
                       "' (allowed: " + std::string(info.allowed) + ")");
  for (const yaml::Field& f : rules) {
    const std::string_view k = f.key;
    if (std::find(info.rules.begin(), info.rules.end(), k) == info.rules.end()) {
      if (std::find(k_reference_rules.begin(), k_reference_rules.end(), k) !=
          k_reference_rules.end()) {
        r.info(r.mark(*f.key_node), prefix + "`" + std::string(k) + "` is not used by " +
                                        std::string(info.name) + " rules; ignored");
      }
      continue;
    }
    if (k == "value") {
      auto value = f.value->is_null() ? std::nullopt : r.value(*f.value);
      if (value) {
        v.value = std::move(*value);
      }
    } else if (k == "items" && r.expect_list(f)) {
      ValueList items;
      for (const yaml::YamlNode* item : r.items(*f.value)) {
        auto value = item->is_scalar() ? r.value(*item) : std::nullopt;
        if (value && !value->is_null()) {
          items.push_back(std::move(*value));
        } else if (value || !item->is_scalar()) {
          r.error(r.mark(*item), prefix + "`items` may hold numbers, strings and booleans, not " +
                                     r.describe(*item));
        }
      }
      v.items = std::move(items);
    } else if (k == "start" || k == "min") {
      auto& slot = (k == "min" && info.style == VariantStyle::random) ? v.min : v.start;
      if (slot && !f.value->is_null()) {
        r.error(r.mark(*f.key_node), prefix + "give `start` or its alias `min`, not both");
      } else {
        slot = r.number(f);
      }
    } else if (k == "end" || k == "max") {
      auto& slot = (k == "max" && info.style == VariantStyle::random) ? v.max : v.end;
      if (slot && !f.value->is_null()) {
        r.error(r.mark(*f.key_node), prefix + "give `end` or its alias `max`, not both");
      } else {
        slot = r.number(f);
      }
    } else if (k == "step") {
      v.step = r.number(f);
    } else if (k == "base") {
      v.base = r.number(f);
    } else if (k == "count") {
      v.count = r.integer(f);
    } else if (k == "integerify") {
      v.integerify = r.boolean(f).value_or(false);
    } else if (k == "seed") {
      auto seed = r.integer(f);
      if (seed && *seed < 0) {
        r.error(r.mark(f), prefix + "`seed` must not be negative");
      } else if (seed) {
        v.seed = static_cast<std::uint64_t>(*seed);
      }
    } else if (k == "distribution") {
      const std::string d = lower(r.string(f).value_or("uniform"));
      if (d == "uniform" || d == "loguniform" || d == "normal" || d == "lognormal") {
        v.distribution = d == "uniform"      ? Distribution::uniform
                         : d == "loguniform" ? Distribution::loguniform
                         : d == "normal"     ? Distribution::normal
                                             : Distribution::lognormal;
      } else {
        r.error(r.mark(f), prefix + "unknown distribution '" + d +
                               "' (expected uniform, loguniform, normal or lognormal)");
      }
    }
  }
}

// The spec's checks on a style's rules, at the rule's position (or the rules mapping's).
void check_rules(yaml::YamlReader& r, const std::vector<yaml::Field>& rules, const Mark& rules_mark,
                 const std::string& prefix, const StyleInfo& info, const VariantSpec& v) {
  auto at = [&](std::string_view key) {
    const yaml::Field* f = find(rules, key);
    return f ? r.mark(*f) : rules_mark;
  };
  // A rule that is there but unreadable was reported already; only a missing one is reported here.
  auto need = [&](bool present, std::string_view what, std::string_view alias = {}) {
    const yaml::Field* f = find(rules, what);
    f = (f == nullptr && !alias.empty()) ? find(rules, alias) : f;
    if (!present && (f == nullptr || f->value->is_null())) {
      r.error(rules_mark, prefix + std::string(info.name) + " needs `" + std::string(what) + "`");
    }
    return present;
  };
  auto check_count = [&](bool required) {
    if (need(v.count.has_value() || !required, "count") && v.count && *v.count < 1) {
      r.error(at("count"),
              prefix + "count must be at least 1 (it is " + std::to_string(*v.count) + ").");
    }
  };
  switch (v.style) {
    case VariantStyle::single:
      need(v.value.has_value(), "value");
      break;
    case VariantStyle::multiple:
      if (need(v.items.has_value(), "items") && v.items->empty()) {
        r.error(at("items"), prefix + "`items` must not be empty");
      }
      break;
    case VariantStyle::linear: {
      // Both checks run (each reports its own missing field), so no short-circuit.
      const bool has_start = need(v.start.has_value(), "start");
      const bool has_end = need(v.end.has_value(), "end");
      const bool bounds = has_start && has_end;
      if (bounds && v.end->value.to_double() < v.start->value.to_double()) {
        r.error(at("end"), prefix + "End must be greater than or equal to start.");
      }
      if (need(v.step.has_value(), "step") && !(v.step->value.to_double() > 0)) {
        r.error(at("step"), prefix + "step must be greater than 0.");
      }
      break;
    }
    case VariantStyle::logspace:
      need(v.start.has_value(), "start", "min");
      need(v.end.has_value(), "end", "max");
      check_count(true);
      if (v.base && !(v.base->value.to_double() > 0)) {
        r.error(at("base"), prefix + "base must be greater than 0.");
      }
      break;
    case VariantStyle::random: {
      const bool has_min = need(v.min.has_value(), "min");
      const bool has_max = need(v.max.has_value(), "max");
      const bool bounds = has_min && has_max;
      if (bounds && v.max->value.to_double() < v.min->value.to_double()) {
        r.error(at("max"), prefix + "max must be greater than or equal to min.");
      }
      const bool log =
          v.distribution == Distribution::loguniform || v.distribution == Distribution::lognormal;
      if (bounds && log && !(v.min->value.to_double() > 0)) {
        r.error(at("min"), prefix + "a log distribution needs min greater than 0.");
      }
      check_count(false);
      break;
    }
  }
}

}  // namespace

std::optional<VariantSpec> load_variant(yaml::YamlReader& r, const yaml::YamlNode& node) {
  VariantSpec v;
  v.mark = r.mark(node);
  if (!node.is_map()) {
    r.error(v.mark,
            "a task parameter must be a mapping of name, style and rules, not " + r.describe(node));
    return std::nullopt;
  }
  const std::vector<yaml::Field> fields = r.fields(node);
  r.reject_unknown(fields, {"name", "style", "rules"}, "a task parameter");
  const yaml::Field* name = find(fields, "name");
  v.name = name ? r.string(*name).value_or("") : "";
  if (v.name.empty()) {
    r.error(name ? r.mark(*name) : v.mark, "task parameter is missing `name`");
    return std::nullopt;
  }
  const std::string prefix = "parameter '" + v.name + "': ";
  const StyleInfo* info = nullptr;
  const yaml::Field* style = find(fields, "style");
  if (auto text = style ? r.string(*style) : std::nullopt) {
    const std::string wanted = lower(*text);
    for (const StyleInfo& candidate : k_styles) {
      info = candidate.name == wanted ? &candidate : info;
    }
    if (info == nullptr) {
      r.error(r.mark(*style), prefix + "unknown style '" + *text +
                                  "' (expected single, multiple, linear, logspace or random)");
    }
  } else if (style == nullptr || style->value->is_null()) {
    r.error(v.mark, prefix + "missing `style`");
  }
  const yaml::Field* rules = find(fields, "rules");
  if (rules == nullptr || rules->value->is_null()) {
    r.error(v.mark, prefix + "missing `rules`");
  } else if (r.expect_map(*rules) && info != nullptr) {
    v.style = info->style;
    const std::vector<yaml::Field> rule_fields = r.fields(*rules->value);
    read_rules(r, *info, rule_fields, prefix, v);
    check_rules(r, rule_fields, r.mark(*rules), prefix, *info, v);
  }
  return v;
}

}  // namespace vhtask::common::valohai
