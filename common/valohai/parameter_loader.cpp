#include "common/valohai/parameter_loader.h"

#include "common/valohai/parameter_values.h"
#include "common/yaml/yaml_resolver.h"

#include <algorithm>
#include <cctype>

namespace vhtask::common::valohai {

namespace {

std::optional<std::string> word_problem(std::string_view w) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] == '}') {
      if (i + 1 < w.size() && w[i + 1] == '}') {
        ++i;
        continue;
      }
      return std::string("single `}` (write `}}` for a literal brace)");
    }
    if (w[i] != '{') {
      continue;
    }
    if (i + 1 < w.size() && w[i + 1] == '{') {
      ++i;
      continue;
    }
    const std::size_t end = w.find_first_of(":!{}", i + 1);
    if (end == std::string_view::npos) {
      return std::string("unclosed `{` (write `{{` for a literal brace)");
    }
    const std::string_view key = w.substr(i + 1, end - i - 1);
    std::size_t close = end;
    if (w[end] == '!') {
      return "conversion `" + std::string(w.substr(end, 2)) + "` is not supported";
    }
    if (w[end] == '{') {
      return std::string("unexpected `{` inside a field");
    }
    if (w[end] == ':') {
      close = w.find_first_of("{}", end);
      if (close == std::string_view::npos) {
        return std::string("unclosed `{` (write `{{` for a literal brace)");
      }
      if (w[close] == '{') {
        return std::string("nested fields in a format spec are not supported");
      }
    }
    if (key.empty()) {
      return std::string("positional field `{}` is not supported; use `{v}`");
    }
    if (key != "name" && key != "value" && key != "v") {
      return "unknown key `{" + std::string(key) + "}`; only {name}, {value} and {v} are allowed";
    }
    i = close;
  }
  return std::nullopt;
}

const yaml::Field* find(const std::vector<yaml::Field>& fields, std::string_view key) {
  auto it = std::find_if(fields.begin(), fields.end(),
                         [&](const yaml::Field& f) { return f.key == key; });
  return it == fields.end() ? nullptr : &*it;
}

std::optional<ParameterType> parse_type(yaml::YamlReader& r, const yaml::Field& f) {
  const auto text = r.string(f);
  if (!text) {
    return std::nullopt;
  }
  for (auto t : {ParameterType::string, ParameterType::integer, ParameterType::float_,
                 ParameterType::flag}) {
    if (*text == to_string(t)) {
      return t;
    }
  }
  r.error(r.mark(f),
          "unknown parameter type '" + *text + "' (expected string, integer, float or flag)");
  return std::nullopt;
}

// Like the reference's MultipleMode.cast: empty or false is none, otherwise case-insensitive.
std::optional<MultipleMode> parse_multiple(yaml::YamlReader& r, const yaml::Field& f) {
  const auto v = r.value(*f.value);
  if (!v || v->is_null() || (v->is_bool() && !v->as_bool())) {
    return std::nullopt;
  }
  if (v->is_string()) {
    std::string mode = v->as_string();
    std::transform(mode.begin(), mode.end(), mode.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (mode.empty() || mode == "none") {
      return MultipleMode::none;
    }
    if (mode == "repeat") {
      return MultipleMode::repeat;
    }
    if (mode == "separate") {
      return MultipleMode::separate;
    }
  }
  r.error(r.mark(f), "`multiple` must be none, repeat or separate, not " + r.describe(*f.value));
  return std::nullopt;
}

std::optional<std::string> read_template(yaml::YamlReader& r, const yaml::Field& f) {
  auto text = r.string(f);
  if (text) {
    if (auto problem = template_problem(*text)) {
      r.error(r.mark(f), "`" + std::string(f.key) + "` template '" + *text + "': " + *problem);
    }
  }
  return text;
}

// Python's bool(value).
bool python_truthy(const Value& v) {
  if (v.is_bool()) {
    return v.as_bool();
  }
  if (v.is_int()) {
    return v.as_int() != 0;
  }
  if (v.is_float()) {
    return v.as_float() != 0.0;
  }
  if (v.is_string()) {
    return !v.as_string().empty();
  }
  return v.is_list() && !v.as_list().empty();
}

// The default's items checked against the type (as the reference's lint does), then min, max
// and choices. Messages follow spec 2.1. As in the reference, these are lint *warnings* (the
// values are checked again, as errors, when an execution starts), and a default Python reads
// as false (0, 0.0, '', false, []) is not checked at all. A flag's non-bool default is dropped
// (the reference's command builder never uses flag defaults).
void check_default(yaml::YamlReader& r, Parameter& p, const yaml::Field& f) {
  if (!python_truthy(*p.default_value)) {
    return;
  }
  if (p.type == ParameterType::string) {
    // PyYAML reads an unquoted date as a date, which the reference's lint reports.
    const yaml::YamlNode& node = *f.value;
    std::vector<const yaml::YamlNode*> scalars;
    if (node.is_scalar()) {
      scalars.push_back(&node);
    } else if (node.is_sequence()) {
      scalars.assign(node.children.begin(), node.children.end());
    }
    for (const yaml::YamlNode* s : scalars) {
      if (s->is_plain() && yaml::yaml11::matches_timestamp(s->text)) {
        r.warning(r.mark(*s), "default " + s->text +
                                  " is not a string: YAML reads it as a date (quote it to keep "
                                  "it exactly as written)");
      }
    }
  }
  const ValueList items =
      p.default_value->is_list() ? p.default_value->as_list() : ValueList{*p.default_value};
  for (const Value& item : items) {
    const std::string shown = item.to_python_str();
    std::optional<Value> typed = item;
    if (item.is_list() || item.is_null()) {
      r.error(r.mark(f), "`default` items must be single values, not " +
                             std::string(item.is_null() ? "null" : "lists"));
      continue;
    }
    if (p.type == ParameterType::flag) {
      if (!item.is_bool()) {
        r.warning(r.mark(f),
                  "default " + shown + " is not among the choices allowed ([True, False])");
        p.default_value.reset();
        return;
      }
      continue;
    }
    if (p.type == ParameterType::string) {
      if (item.is_string() && item.as_string().find('\0') != std::string::npos) {
        r.error(r.mark(f), "parameter '" + p.name +
                               "': the default contains a NUL byte (\\0), which a command line "
                               "cannot carry");
        continue;
      }
      if (!item.is_string()) {
        r.warning(r.mark(f),
                  "default " + shown + " is not a string (quote it to keep it exactly as written)");
      }
    } else if (item.is_bool() || (p.type == ParameterType::integer && item.is_float())) {
      typed.reset();
    } else if (item.is_string()) {
      auto converted = convert_text(p, item.as_string());
      typed = converted ? std::optional(std::move(*converted)) : std::nullopt;
    }
    if (!typed) {
      r.warning(r.mark(f),
                "default " + shown +
                    (p.type == ParameterType::integer ? " is not an integer"
                                                      : " is not a floating-point number"));
      continue;
    }
    if (typed->is_number() && p.min && typed->to_double() < p.min->to_double()) {
      r.warning(r.mark(f), "default " + shown + " is less than the minimum allowed (" +
                               p.min->to_python_str() + ")");
    }
    if (typed->is_number() && p.max && typed->to_double() > p.max->to_double()) {
      r.warning(r.mark(f), "default " + shown + " is greater than the maximum allowed (" +
                               p.max->to_python_str() + ")");
    }
    if (p.choices && std::none_of(p.choices->begin(), p.choices->end(),
                                  [&](const Value& c) { return c.python_equals(item); })) {
      r.warning(r.mark(f), "default " + shown + " is not among the choices allowed (" +
                               Value(*p.choices).to_python_str() + ")");
    }
  }
}

}  // namespace

std::optional<std::string> template_problem(std::string_view text) {
  static constexpr std::string_view k_space = " \t\n\r\f\v";
  std::size_t start = text.find_first_not_of(k_space);
  while (start != std::string_view::npos) {
    const std::size_t end = std::min(text.find_first_of(k_space, start), text.size());
    if (auto problem = word_problem(text.substr(start, end - start))) {
      return problem;
    }
    start = text.find_first_not_of(k_space, end);
  }
  return std::nullopt;
}

std::optional<Parameter> load_parameter(yaml::YamlReader& r, const yaml::YamlNode& node) {
  Parameter p;
  p.mark = r.mark(node);
  if (!node.is_map()) {
    r.error(p.mark, "a parameter must be a mapping with a `name`, not " + r.describe(node));
    return std::nullopt;
  }
  const std::vector<yaml::Field> fields = r.fields(node);
  r.reject_unknown(
      fields,
      {"name", "type", "pass-as", "pass-true-as", "pass-false-as", "default", "optional", "min",
       "max", "choices", "multiple", "multiple-separator", "description", "category", "widget"},
      "a parameter");
  const yaml::Field* name = find(fields, "name");
  if (auto text = name ? r.string(*name) : std::nullopt) {
    p.name = *text;
  }
  if (p.name.empty()) {
    r.error(name && !name->value->is_null() ? r.mark(*name) : p.mark,
            name ? "parameter `name` must not be empty" : "parameter is missing `name`");
  }
  for (const yaml::Field& f : fields) {
    if (f.key == "type") {
      p.type = parse_type(r, f).value_or(ParameterType::string);
    } else if (f.key == "multiple") {
      p.multiple = parse_multiple(r, f).value_or(MultipleMode::none);
    } else if (f.key == "multiple-separator") {
      const auto sep = r.string(f);
      p.multiple_separator = (sep && !sep->empty()) ? *sep : ",";
    } else if (f.key == "optional") {
      p.optional = r.boolean(f).value_or(false);
    } else if (f.key == "description") {
      p.description = r.string(f).value_or("");
    } else if (f.key == "category") {
      r.string(f);
    } else if (f.key == "widget" && !f.value->is_map()) {
      r.string(f);
    } else if (f.key == "pass-as") {
      p.pass_as = read_template(r, f);
    } else if (f.key == "pass-true-as") {
      p.pass_true_as = read_template(r, f);
    } else if (f.key == "pass-false-as") {
      p.pass_false_as = read_template(r, f);
    } else if (f.key == "min" || f.key == "max") {
      if (auto n = r.number(f)) {
        (f.key == "min" ? p.min : p.max) = n->value;
      }
    } else if (f.key == "choices" && r.expect_list(f)) {
      ValueList choices;
      for (const yaml::YamlNode* item : r.items(*f.value)) {
        auto v = r.value(*item);
        if (v && (v->is_list() || v->is_null())) {
          r.error(r.mark(*item), "`choices` items must be single values, not " + r.describe(*item));
        } else if (v) {
          choices.push_back(std::move(*v));
        }
      }
      p.choices = std::move(choices);
    }
  }
  const bool flag = p.type == ParameterType::flag;
  if (const yaml::Field* f = find(fields, "multiple");
      flag && f && p.multiple != MultipleMode::none) {
    r.error(r.mark(*f), "a flag parameter can't be `multiple`");
    p.multiple = MultipleMode::none;
  }
  if (const yaml::Field* f = find(fields, "choices"); flag && f && p.choices) {
    if (!std::all_of(p.choices->begin(), p.choices->end(),
                     [](const Value& c) { return c.is_bool(); })) {
      // The reference replaces a flag's choices with [True, False], silently.
      r.note(r.mark(*f), "the choices of a flag parameter are always true and false; ignored");
    }
    p.choices.reset();
  }
  if (const yaml::Field* f = find(fields, "max");
      f && p.min && p.max && p.min->to_double() > p.max->to_double()) {
    // The reference says nothing; no value can pass both (start rejects every one).
    r.note(r.mark(*f), "`min` (" + p.min->to_python_str() + ") is greater than `max` (" +
                           p.max->to_python_str() + "): no value is allowed");
  }
  for (const char* key : {"min", "max"}) {
    const yaml::Field* f = find(fields, key);
    if (f && !f->value->is_null() && (flag || p.type == ParameterType::string)) {
      r.note(r.mark(*f->key_node),
             std::string("`") + key + "` applies only to integer and float parameters");
    }
  }
  for (const char* key : {"pass-true-as", "pass-false-as"}) {
    const yaml::Field* f = find(fields, key);
    if (f && !flag) {
      r.warning(r.mark(*f->key_node),
                std::string("`") + key + "` has no effect on non-flag parameters");
    }
  }
  if (!flag) {
    p.pass_true_as.reset();
    p.pass_false_as.reset();
  } else if (p.pass_as && (p.pass_true_as || p.pass_false_as)) {
    r.warning(r.mark(*find(fields, "pass-as")->key_node),
              "`pass-as` has no effect with `pass-true-as`/`pass-false-as`");
  }
  if (const yaml::Field* f = find(fields, "optional"); flag && f && p.optional) {
    r.warning(r.mark(*f->key_node),
              "`optional` has no effect on flag parameters (they always are)");
  }
  if (const yaml::Field* f = find(fields, "default")) {
    auto v = f->value->is_null() ? std::nullopt : r.value(*f->value);
    if (v && v->is_list() && p.multiple == MultipleMode::none) {
      r.error(r.mark(*f), "a list `default` needs `multiple: repeat` or `multiple: separate`");
    } else if (v && !v->is_null()) {
      // As the reference does: a multiple parameter's default is always a list.
      p.default_value = (p.multiple != MultipleMode::none && !v->is_list()) ? Value(ValueList{*v})
                                                                            : std::move(*v);
      check_default(r, p, *f);
    }
  }
  if (p.name.empty()) {
    return std::nullopt;
  }
  return p;
}

}  // namespace vhtask::common::valohai
