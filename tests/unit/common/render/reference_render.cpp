// The command renderer as it was before CommandRenderer (common/render/render.cpp and the filling
// half of common/render/pass_as.cpp at commit 9a28d5b, verbatim but for names): a slow, obviously
// map-based oracle that the CommandRenderer tests compare against on random steps.

#include "tests/unit/common/render/reference_render.h"

#include "common/python_format.h"
#include "common/render/shell_quote.h"
#include "common/valohai/parameter_values.h"

namespace vhtask::common::reference {

namespace {

bool is_python_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// One replacement field of a str.format string.
struct Field {
  std::string name;
  std::string spec;
};

// Walks a str.format string, calling on_literal for text and on_field for each field. Mirrors
// the errors CPython's parser raises for the cases a pass-as template can contain.
template <class OnLiteral, class OnField>
Result<void> walk(std::string_view text, OnLiteral on_literal, OnField on_field) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        on_literal("}");
        i += 2;
        continue;
      }
      return Error::invalid_argument("single '}' encountered in template '" + std::string(text) +
                                     "'");
    }
    if (c != '{') {
      on_literal(std::string_view(&text[i], 1));
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      on_literal("{");
      i += 2;
      continue;
    }
    const size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) {
      return Error::invalid_argument("unclosed '{' in template '" + std::string(text) + "'");
    }
    const std::string_view body = text.substr(i + 1, close - i - 1);
    if (body.find('{') != std::string_view::npos) {
      return Error::invalid_argument("nested fields are not supported in template '" +
                                     std::string(text) + "'");
    }
    Field field;
    const size_t colon = body.find(':');
    field.name = std::string(body.substr(0, colon));
    if (colon != std::string_view::npos) {
      field.spec = std::string(body.substr(colon + 1));
    }
    if (field.name.find('!') != std::string::npos) {
      return Error::invalid_argument("conversions like '!r' are not supported in template '" +
                                     std::string(text) + "'");
    }
    VHTASK_TRY(on_field(field));
    i = close + 1;
  }
  return {};
}

std::vector<std::string> split_template_ref(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_python_space(text[i])) {
      ++i;
    }
    const size_t start = i;
    while (i < text.size() && !is_python_space(text[i])) {
      ++i;
    }
    if (i > start) {
      out.emplace_back(text.substr(start, i - start));
    }
  }
  return out;
}

Result<std::string> fill_template_ref(std::string_view piece, const std::string& name,
                                      const Value& value) {
  std::string out;
  VHTASK_TRY(walk(
      piece, [&](std::string_view literal) { out += literal; },
      [&](const Field& f) -> Result<void> {
        if (f.name == "name") {
          out += VHTASK_TRY(python_format(Value(name), f.spec));
        } else if (f.name == "value" || f.name == "v") {
          auto formatted = python_format(value, f.spec);
          if (!formatted) {
            return Error::invalid_argument("template '" + std::string(piece) +
                                           "': " + formatted.error().message);
          }
          out += *formatted;
        } else {
          return Error::invalid_argument("unknown key '{" + f.name + "}' in template '" +
                                         std::string(piece) + "' (known: {name}, {value}, {v})");
        }
        return {};
      }));
  return out;
}

// A flag's truth: bools as they are, flag texts (yes/no/1/0...) by convert_text, numbers by
// Python truthiness.
bool flag_truth(const valohai::Parameter& p, const Value& value) {
  if (value.is_bool()) {
    return value.as_bool();
  }
  if (value.is_string()) {
    auto converted = valohai::convert_text(p, value.as_string());
    return converted ? converted->as_bool() : !value.as_string().empty();
  }
  if (value.is_number()) {
    return value.to_double() != 0.0;
  }
  return false;
}

Result<void> append_filled(std::vector<std::string>& words, const std::string& templ,
                           const valohai::Parameter& p, const Value& value) {
  for (const auto& piece : split_template_ref(templ)) {
    words.push_back(VHTASK_TRY(fill_template_ref(piece, p.name, value)));
  }
  return {};
}

std::string quote_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    out += (out.empty() ? "" : " ") + render::shell_quote(w);
  }
  return out;
}

std::string python_strip(std::string_view s) {
  const char* space = " \t\n\r\v\f";
  const size_t first = s.find_first_not_of(space);
  if (first == std::string_view::npos) {
    return {};
  }
  const size_t last = s.find_last_not_of(space);
  return std::string(s.substr(first, last - first + 1));
}

// The text a `{...}` placeholder stands for, or nullopt to leave the match as written.
Result<std::optional<std::string>> interpolate(const std::string& key, const valohai::Step& step,
                                               const valohai::ParameterValues& values) {
  if (key == "parameters" || key == "params") {
    std::vector<std::string> words;
    for (const auto& p : step.parameters) {
      if (auto it = values.find(p.name); it != values.end()) {
        for (auto& w : VHTASK_TRY(format_cli(p, it->second))) {
          words.push_back(std::move(w));
        }
      }
    }
    return std::optional<std::string>(quote_words(words));
  }
  if (key.rfind("parameter:", 0) == 0) {
    const valohai::Parameter* p = step.find_parameter(key.substr(10));
    if (p == nullptr) {
      return std::optional<std::string>();
    }
    const auto it = values.find(p->name);
    if (it == values.end()) {
      return std::optional<std::string>(std::string());
    }
    return std::optional<std::string>(quote_words(VHTASK_TRY(format_cli(*p, it->second))));
  }
  if (key.rfind("parameter-value:", 0) == 0) {
    const auto it = values.find(key.substr(16));
    if (it == values.end()) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(render::shell_quote(it->second.to_python_str()));
  }
  if (key == "source-path" && step.source_path) {
    return std::optional<std::string>(render::shell_quote(*step.source_path));
  }
  return std::optional<std::string>();
}

// Replaces every `{...}` match of the regex `{(.+?)}` (no newline inside), as the reference does.
Result<std::string> render_item(const std::string& item, const valohai::Step& step,
                                const valohai::ParameterValues& values) {
  std::string out;
  size_t i = 0;
  while (i < item.size()) {
    if (item[i] != '{') {
      out += item[i++];
      continue;
    }
    const size_t close = item.find('}', i + 2);
    const size_t newline = item.find('\n', i + 1);
    if (close == std::string::npos || (newline != std::string::npos && newline < close)) {
      out += item[i++];
      continue;
    }
    const std::string key = item.substr(i + 1, close - i - 1);
    auto replacement = VHTASK_TRY(interpolate(key, step, values));
    out += replacement ? *replacement : item.substr(i, close - i + 1);
    i = close + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> format_cli(const valohai::Parameter& p, const Value& value) {
  std::vector<std::string> words;
  if (p.type == valohai::ParameterType::flag) {
    const bool truth = flag_truth(p, value);
    if (p.pass_true_as || p.pass_false_as) {
      const auto& templ = truth ? p.pass_true_as : p.pass_false_as;
      if (templ) {
        VHTASK_TRY(append_filled(words, *templ, p, Value(truth)));
      }
    } else if (truth) {
      VHTASK_TRY(append_filled(words, p.pass_as.value_or("--{name}"), p, Value(truth)));
    }
    return words;
  }
  const std::string templ = p.pass_as.value_or("--{name}={v}");
  if (p.multiple == valohai::MultipleMode::none || !value.is_list()) {
    VHTASK_TRY(append_filled(words, templ, p, value));
    return words;
  }
  const ValueList& items = value.as_list();
  if (items.empty()) {
    return words;
  }
  if (p.multiple == valohai::MultipleMode::repeat) {
    for (const auto& item : items) {
      VHTASK_TRY(append_filled(words, templ, p, item));
    }
    return words;
  }
  const std::string& separator = p.multiple_separator.empty() ? "," : p.multiple_separator;
  std::string joined;
  for (size_t i = 0; i < items.size(); ++i) {
    joined += (i == 0 ? "" : separator) + items[i].to_python_str();
  }
  VHTASK_TRY(append_filled(words, templ, p, Value(joined)));
  return words;
}

Result<std::string> render_command(const valohai::Step& step,
                                   const valohai::ParameterValues& given) {
  const valohai::ParameterValues values = valohai::effective_values(step, given);
  std::vector<std::string> items;
  for (const auto& item : step.command) {
    std::string rendered = python_strip(VHTASK_TRY(render_item(item, step, values)));
    if (!rendered.empty()) {
      items.push_back(std::move(rendered));
    }
  }
  // One script: one item a line (valohai-yaml's join_command with "\n").
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : "\n") + items[i];
  }
  return out;
}

}  // namespace vhtask::common::reference
