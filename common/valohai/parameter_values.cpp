#include "common/valohai/parameter_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace vhtask::common::valohai {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<Value> parse_integer(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    digits.remove_prefix(1);
  }
  const bool all_digits = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  std::int64_t out = 0;
  if (all_digits) {
    const char* first = text.data() + (text.front() == '+' ? 1 : 0);
    const auto res = std::from_chars(first, text.data() + text.size(), out);
    if (res.ec == std::errc() && res.ptr == text.data() + text.size()) {
      return Value(out);
    }
    return Error::invalid_argument(std::string(text) + " is out of the 64-bit integer range");
  }
  return Error::invalid_argument(std::string(text) + " is not an integer");
}

Result<Value> parse_float(std::string_view text) {
  std::string_view body = text;
  if (!body.empty() && body.front() == '+') {
    body.remove_prefix(1);
    if (!body.empty() && body.front() == '-') {
      body = {};  // "+-1" is not a number
    }
  }
  double out = 0;
  if (!body.empty()) {
    const auto res = std::from_chars(body.data(), body.data() + body.size(), out);
    if (res.ec == std::errc() && res.ptr == body.data() + body.size()) {
      return Value(out);
    }
    if (res.ec == std::errc::result_out_of_range && res.ptr == body.data() + body.size()) {
      // Python reads 1e999 as inf and 1e-999 as 0.0.
      const bool tiny = lower(body).find("e-") != std::string::npos;
      const double magnitude = tiny ? 0.0 : HUGE_VAL;
      return Value(body.front() == '-' ? -magnitude : magnitude);
    }
  }
  return Error::invalid_argument(std::string(text) + " is not a floating-point number");
}

Result<Value> parse_flag(std::string_view text) {
  const std::string l = lower(text);
  if (l == "true" || l == "yes" || l == "1") {
    return Value(true);
  }
  if (l == "false" || l == "no" || l == "0") {
    return Value(false);
  }
  return Error::invalid_argument(std::string(text) +
                                 " is not a flag value (true/false/yes/no/1/0)");
}

std::string with_name(const Parameter& p, const std::string& message) {
  return "parameter '" + p.name + "': " + message;
}

}  // namespace

Result<Value> convert_text(const Parameter& parameter, std::string_view text) {
  switch (parameter.type) {
    case ParameterType::integer:
      return parse_integer(text);
    case ParameterType::float_:
      return parse_float(text);
    case ParameterType::flag:
      return parse_flag(text);
    case ParameterType::string:
      break;
  }
  // A command line is a C string: a NUL would cut the command short where it stands.
  if (text.find('\0') != std::string_view::npos) {
    return Error::invalid_argument("the value contains a NUL byte (\\0) at offset " +
                                   std::to_string(text.find('\0')) +
                                   ", which a command line cannot carry");
  }
  return Value(std::string(text));
}

Result<Value> convert_value(const Parameter& parameter, const Value& value) {
  if (value.is_string()) {
    return convert_text(parameter, value.as_string());
  }
  if (value.is_list()) {
    ValueList out;
    for (const auto& item : value.as_list()) {
      out.push_back(VHTASK_TRY(convert_value(parameter, item)));
    }
    return Value(std::move(out));
  }
  switch (parameter.type) {
    case ParameterType::integer:
      if (value.is_int()) {
        return value;
      }
      if (value.is_float() && std::isfinite(value.as_float()) &&
          value.as_float() == std::floor(value.as_float()) &&
          std::fabs(value.as_float()) < 9.2e18) {
        return Value(static_cast<std::int64_t>(value.as_float()));
      }
      return Error::invalid_argument(value.to_python_str() + " is not an integer");
    case ParameterType::float_:
      if (value.is_number()) {
        return Value(value.to_double());
      }
      return Error::invalid_argument(value.to_python_str() + " is not a floating-point number");
    case ParameterType::flag:
      if (value.is_bool()) {
        return value;
      }
      if (value.is_int() && (value.as_int() == 0 || value.as_int() == 1)) {
        return Value(value.as_int() == 1);
      }
      return Error::invalid_argument(value.to_python_str() +
                                     " is not a flag value (true/false/yes/no/1/0)");
    case ParameterType::string:
      break;
  }
  if (value.is_null()) {
    return Error::invalid_argument("a null value is not a string");
  }
  return Value(value.to_python_str());
}

Result<ParameterValues> parse_parameter_args(const Step& step,
                                             const std::vector<std::string>& args) {
  ParameterValues out;
  std::vector<std::string> problems;
  for (const auto& arg : args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      problems.push_back("'" + arg + "' is not of the form NAME=VALUE");
      continue;
    }
    const std::string name = arg.substr(0, eq);
    const Parameter* p = step.find_parameter(name);
    if (p == nullptr) {
      std::string known;
      for (const auto& candidate : step.parameters) {
        known += (known.empty() ? "" : ", ") + candidate.name;
      }
      problems.push_back("step '" + step.name + "' has no parameter '" + name + "'" +
                         (known.empty() ? " (it has none)" : " (it has: " + known + ")"));
      continue;
    }
    auto converted = convert_text(*p, std::string_view(arg).substr(eq + 1));
    if (!converted) {
      problems.push_back(with_name(*p, converted.error().message));
      continue;
    }
    if (p->multiple == MultipleMode::none) {
      out[name] = std::move(*converted);
      continue;
    }
    auto [it, inserted] = out.try_emplace(name, ValueList{});
    std::get<ValueList>(it->second.v).push_back(std::move(*converted));
  }
  if (!problems.empty()) {
    std::string message;
    for (const auto& problem : problems) {
      message += (message.empty() ? "" : "\n") + problem;
    }
    return Error::invalid_argument(message);
  }
  return out;
}

ParameterValues effective_values(const Step& step, const ParameterValues& given) {
  ParameterValues out;
  for (const auto& p : step.parameters) {
    if (auto it = given.find(p.name); it != given.end()) {
      out[p.name] = it->second;
    } else if (p.default_value && !p.default_value->is_null()) {
      Value v = *p.default_value;
      if (p.multiple != MultipleMode::none && !v.is_list()) {
        v = Value(ValueList{v});
      }
      out[p.name] = std::move(v);
    }
  }
  return out;
}

namespace {

void check_one(const Parameter& p, const Value& v, std::vector<std::string>& problems) {
  if (v.is_number()) {
    if (p.min && p.min->is_number() && v.to_double() < p.min->to_double()) {
      problems.push_back(with_name(p, v.to_python_str() + " is less than the minimum allowed (" +
                                          p.min->to_python_str() + ")"));
    }
    if (p.max && p.max->is_number() && v.to_double() > p.max->to_double()) {
      problems.push_back(with_name(p, v.to_python_str() + " is greater than the maximum allowed (" +
                                          p.max->to_python_str() + ")"));
    }
  }
  if (p.choices && p.type != ParameterType::flag) {
    const auto& choices = *p.choices;
    const bool found = std::any_of(choices.begin(), choices.end(), [&](const Value& c) {
      return c.python_equals(v) || (c.to_python_str() == v.to_python_str());
    });
    if (!found) {
      std::string list;
      for (const auto& c : choices) {
        list += (list.empty() ? "" : ", ") + c.to_python_str();
      }
      problems.push_back(
          with_name(p, v.to_python_str() + " is not among the choices allowed (" + list + ")"));
    }
  }
}

}  // namespace

std::vector<std::string> validate_values(const Step& step, const ParameterValues& effective,
                                         bool check_required) {
  std::vector<std::string> problems;
  std::string missing;
  for (const auto& p : step.parameters) {
    const auto it = effective.find(p.name);
    if (it == effective.end() || it->second.is_null()) {
      if (check_required && !p.is_optional()) {
        missing += (missing.empty() ? "" : ", ") + p.name;
      }
      continue;
    }
    const Value& v = it->second;
    if (v.is_list()) {
      if (p.multiple == MultipleMode::none) {
        problems.push_back(with_name(p, "Only a single value is allowed"));
        continue;
      }
      for (const auto& item : v.as_list()) {
        check_one(p, item, problems);
      }
    } else {
      check_one(p, v, problems);
    }
  }
  if (!missing.empty()) {
    problems.push_back("Required parameters missing: " + missing);
  }
  return problems;
}

}  // namespace vhtask::common::valohai
