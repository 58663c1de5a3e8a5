#include "common/python_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <utility>

// The layout rules below follow CPython's Python/formatter_unicode.c
// (parse_internal_render_format_spec, calc_number_widths, fill_number) and Python/pystrtod.c
// (format_float_short); fmt only supplies the correctly rounded digits for 'e' and 'f'.

namespace vhtask::common {

std::string python_repr(double d) {
  if (std::isnan(d)) {
    return "nan";
  }
  if (std::isinf(d)) {
    return d > 0 ? "inf" : "-inf";
  }
  // Shortest round-trip digits in scientific form: "-1.2345e+05".
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (!sci.empty() && sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const auto e_pos = sci.find('e');
  std::string digits = sci.substr(0, e_pos);
  const int exponent = std::atoi(sci.c_str() + e_pos + 1);
  if (const auto dot = digits.find('.'); dot != std::string::npos) {
    digits.erase(dot, 1);
  }
  if (exponent >= -4 && exponent < 16) {
    std::string out;
    if (exponent < 0) {
      out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
      out = digits + std::string(static_cast<size_t>(exponent) + 1 - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, static_cast<size_t>(exponent) + 1) + "." +
            digits.substr(static_cast<size_t>(exponent) + 1);
    }
    return sign + out;
  }
  std::string mantissa = digits.substr(0, 1);
  if (digits.size() > 1) {
    mantissa += "." + digits.substr(1);
  }
  const int abs_exp = std::abs(exponent);
  std::string exp_text = (abs_exp < 10 ? "0" : "") + std::to_string(abs_exp);
  return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp_text;
}

namespace {

// Widths and precisions above this are refused instead of allocated (Python has no such limit).
constexpr std::int64_t k_max_field = 10000;

// A parsed spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type].
struct Spec {
  std::string fill = " ";  // one code point, UTF-8
  char align = '>';
  char sign = '\0';
  bool no_neg_0 = false;
  bool alternate = false;
  std::int64_t width = -1;
  char grouping = '\0';  // ',' or '_'
  std::int64_t precision = -1;
  char32_t type = '\0';
};

std::size_t utf8_seq_len(std::string_view s) {
  const auto lead = static_cast<unsigned char>(s[0]);
  const std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return std::min(n, s.size());
}

// Python's len() of UTF-8 text: the bytes that do not continue a sequence.
std::int64_t utf8_length(std::string_view s) {
  return std::count_if(s.begin(), s.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

char32_t utf8_decode(std::string_view s) {
  const std::size_t n = utf8_seq_len(s);
  char32_t c = static_cast<unsigned char>(s[0]) & (n == 1 ? 0x7F : 0x3F >> (n - 1));
  for (std::size_t i = 1; i < n; ++i) {
    c = (c << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  }
  return c;
}

std::string utf8_encode(char32_t c) {
  if (c < 0x80) {
    return std::string(1, static_cast<char>(c));
  }
  const int n = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  std::string out(static_cast<std::size_t>(n), '\0');
  for (int i = n - 1; i > 0; --i, c >>= 6) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(0x80 | (c & 0x3F));
  }
  constexpr unsigned k_lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
  out[0] = static_cast<char>(k_lead[n] | c);
  return out;
}

std::string repeat(std::string_view s, std::int64_t n) {
  std::string out;
  for (std::int64_t i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}

// How Python names a presentation type in its messages.
std::string code_text(char32_t c) {
  return c > 32 && c < 128 ? std::string(1, static_cast<char>(c))
                           : fmt::format("\\x{:x}", static_cast<std::uint32_t>(c));
}

Error unknown_code(char32_t type, std::string_view type_name) {
  return Error::invalid_argument("Unknown format code '" + code_text(type) +
                                 "' for object of type '" + std::string(type_name) + "'");
}

// The message of the first check that fails (they are in Python's order); nullptr if none does.
const char* first_violation(std::initializer_list<std::pair<bool, const char*>> checks) {
  for (const auto& [violated, message] : checks) {
    if (violated) {
      return message;
    }
  }
  return nullptr;
}

// Reads the digits at `pos` (-1 when there are none).
Result<std::int64_t> read_integer(std::string_view spec, std::size_t& pos) {
  std::int64_t n = -1;
  for (; pos < spec.size() && spec[pos] >= '0' && spec[pos] <= '9'; ++pos) {
    n = std::max<std::int64_t>(n, 0) * 10 + (spec[pos] - '0');
    if (n > k_max_field) {
      return Error::invalid_argument("a width or precision above " + std::to_string(k_max_field) +
                                     " is not supported");
    }
  }
  return n;
}

// Python's parse_internal_render_format_spec, with the defaults of the type being formatted.
Result<Spec> parse_spec(std::string_view spec, char32_t default_type, char default_align,
                        std::string_view type_name) {
  const auto is_align = [](char c) { return c == '<' || c == '>' || c == '=' || c == '^'; };
  Spec s;
  s.type = default_type;
  s.align = default_align;
  std::size_t pos = 0;
  bool fill_given = false;
  bool align_given = false;
  if (const std::size_t n = spec.empty() ? 0 : utf8_seq_len(spec);
      spec.size() > n && is_align(spec[n])) {
    s.fill = spec.substr(0, n);
    s.align = spec[n];
    fill_given = align_given = true;
    pos = n + 1;
  } else if (!spec.empty() && is_align(spec[0])) {
    s.align = spec[0];
    align_given = true;
    pos = 1;
  }
  const auto next_is = [&](char c) { return pos < spec.size() && spec[pos] == c; };
  const auto take = [&](char c) { return next_is(c) ? (++pos, true) : false; };
  if (next_is('+') || next_is('-') || next_is(' ')) {
    s.sign = spec[pos++];
  }
  s.no_neg_0 = take('z');
  s.alternate = take('#');
  // A '0' before the width is a '0' fill, and '=' alignment unless one was given.
  if (!fill_given && take('0')) {
    s.fill = "0";
    s.align = !align_given && default_align == '>' ? '=' : s.align;
  }
  s.width = VHTASK_TRY(read_integer(spec, pos));
  s.grouping = take(',') ? ',' : '\0';
  if (take('_')) {
    s.grouping = s.grouping == ',' ? '!' : '_';
  }
  if (s.grouping == '!' || (s.grouping == '_' && next_is(','))) {
    return Error::invalid_argument("Cannot specify both ',' and '_'.");
  }
  if (take('.')) {
    s.precision = VHTASK_TRY(read_integer(spec, pos));
    if (s.precision < 0) {
      return Error::invalid_argument("Format specifier missing precision");
    }
  }
  if (const auto rest = spec.substr(pos); !rest.empty()) {
    if (utf8_seq_len(rest) != rest.size()) {
      return Error::invalid_argument("Invalid format specifier '" + std::string(spec) +
                                     "' for object of type '" + std::string(type_name) + "'");
    }
    s.type = utf8_decode(rest);
  }
  if (s.grouping != '\0') {
    const std::u32string_view allowed = s.grouping == '_' ? U"defgEFG%bxXo" : U"defgEFG%";
    if (s.type != '\0' && allowed.find(s.type) == std::u32string_view::npos) {
      return Error::invalid_argument(std::string("Cannot specify '") + s.grouping + "' with '" +
                                     code_text(s.type) + "'.");
    }
  }
  return s;
}

// Python's _PyUnicode_InsertThousandsGrouping: `digits` in groups of `group` joined by `sep` ('\0':
// no grouping), with leading zeros (grouped as well) added until the result has `min_width` chars.
std::string group_digits(std::string_view digits, std::int64_t min_width, char sep,
                         std::int64_t group) {
  if (sep == '\0') {
    group = std::numeric_limits<std::int64_t>::max();  // one group: just the zero padding
  }
  auto remaining = static_cast<std::int64_t>(digits.size());
  std::string reversed;
  for (bool first = true;; first = false) {
    const std::int64_t len = std::min(group, std::max({remaining, min_width, std::int64_t{1}}));
    const std::int64_t chars = std::min(remaining, len);
    if (!first) {
      reversed += sep;
    }
    reversed.append(
        digits.rbegin() + (static_cast<std::int64_t>(digits.size()) - remaining),
        digits.rbegin() + (static_cast<std::int64_t>(digits.size()) - remaining + chars));
    reversed.append(static_cast<std::size_t>(len - chars), '0');
    remaining -= chars;
    min_width -= len;
    if (remaining <= 0 && min_width <= 0) {
      break;
    }
    min_width -= 1;
  }
  return {reversed.rbegin(), reversed.rend()};
}

// Python's calc_number_widths + fill_number: [pad] sign prefix ['=' pad] digits rest [pad], where
// only `digits` is grouped, and a '0' fill with '=' alignment pads inside the grouping.
std::string render_number(const Spec& s, bool negative, std::string_view prefix,
                          std::string_view digits, std::string_view rest, std::int64_t group) {
  const std::string sign = negative                           ? "-"
                           : (s.sign == '+' || s.sign == ' ') ? std::string(1, s.sign)
                                                              : "";
  const auto fixed = static_cast<std::int64_t>(sign.size() + prefix.size()) + utf8_length(rest);
  const std::int64_t min_width = (s.fill == "0" && s.align == '=') ? s.width - fixed : 0;
  const std::string grouped =
      digits.empty() ? std::string() : group_digits(digits, min_width, s.grouping, group);
  const std::int64_t padding =
      std::max<std::int64_t>(0, s.width - fixed - static_cast<std::int64_t>(grouped.size()));
  const std::int64_t left = s.align == '>' ? padding : s.align == '^' ? padding / 2 : 0;
  const std::int64_t inner = s.align == '=' ? padding : 0;
  return repeat(s.fill, left) + sign + std::string(prefix) + repeat(s.fill, inner) + grouped +
         std::string(rest) + repeat(s.fill, padding - left - inner);
}

// Python's 'g' on a finite a >= 0: p significant digits, scientific when the exponent is < -4 or
// >= p (>= p - 1 with add_dot_0, the no-type-with-precision mode, which also keeps a ".0").
std::string general_body(double a, std::int64_t p, bool alt, bool add_dot_0) {
  std::string out = fmt::format("{:.{}e}", a, p - 1);
  const std::int64_t exp = std::atoi(out.c_str() + out.find('e') + 1);
  const bool use_exp = exp < -4 || exp >= (add_dot_0 ? p - 1 : p);
  if (!use_exp) {
    out = fmt::format("{:.{}f}", a, p - 1 - exp);
  }
  const std::size_t e_pos = std::min(out.find('e'), out.size());
  if (!alt && out.find('.') < e_pos) {
    const std::size_t keep = out.find_last_not_of('0', e_pos - 1);
    const std::size_t cut = out[keep] == '.' ? keep : keep + 1;
    out.erase(cut, e_pos - cut);
  }
  if (add_dot_0 && !use_exp && out.find('.') == std::string::npos) {
    out += ".0";
  }
  return out;
}

// Python's format() of a double; ints given a float type come here too.
Result<std::string> format_float(double d, const Spec& s, std::string_view type_name) {
  if (std::u32string_view(U"eEfFgGn%").find(s.type) == std::u32string_view::npos &&
      s.type != '\0') {
    return unknown_code(s.type, type_name);
  }
  const bool upper = s.type == 'E' || s.type == 'F' || s.type == 'G';
  const bool add_dot_0 = s.type == '\0' && s.precision >= 0;
  const double a = std::fabs(d) * (s.type == '%' ? 100 : 1);
  const std::int64_t precision = s.precision < 0 ? 6 : s.precision;
  std::string body;
  if (!std::isfinite(a)) {
    body = std::isnan(a) ? "nan" : "inf";
  } else if (s.type == '\0' && s.precision < 0) {
    body = python_repr(a);
  } else if (s.type == 'f' || s.type == 'F' || s.type == '%') {
    body = fmt::format("{:.{}f}", a, precision);
  } else if (s.type == 'e' || s.type == 'E') {
    body = fmt::format("{:.{}e}", a, precision);
  } else {
    body = general_body(a, std::max<std::int64_t>(precision, 1), s.alternate, add_dot_0);
  }
  if (s.alternate && std::isfinite(a) && body.find('.') == std::string::npos) {
    body.insert(std::min(body.find('e'), body.size()), ".");
  }
  if (upper) {
    std::transform(body.begin(), body.end(), body.begin(),
                   [](char c) { return c >= 'a' && c <= 'z' ? c - 32 : c; });
  }
  // Python drops NaN's sign, and with 'z' the sign of anything that rounded to zero.
  bool negative = std::signbit(d) && !std::isnan(d);
  const std::string_view mantissa = std::string_view(body).substr(0, body.find_first_of("eE"));
  if (s.no_neg_0 && std::isfinite(a) &&
      mantissa.find_first_of("123456789") == std::string_view::npos) {
    negative = false;
  }
  if (s.type == '%') {
    body += '%';
  }
  // Only the leading run of digits is grouped and zero-padded; the rest is copied as it is.
  const std::string_view view(body);
  const std::size_t digits_end = std::min(view.find_first_not_of("0123456789"), view.size());
  return render_number(s, negative, "", view.substr(0, digits_end), view.substr(digits_end), 3);
}

// Python's int.__format__ for a non-empty spec (bools come here as 0 / 1).
Result<std::string> format_int(std::int64_t i, const Spec& s, std::string_view type_name) {
  if (std::u32string_view(U"eEfFgG%").find(s.type) != std::u32string_view::npos) {
    return format_float(static_cast<double>(i), s, type_name);
  }
  if (std::u32string_view(U"bcdoxXn").find(s.type) == std::u32string_view::npos) {
    return unknown_code(s.type, type_name);
  }
  const bool is_char = s.type == 'c';
  if (const char* bad = first_violation({
          {s.precision >= 0, "Precision not allowed in integer format specifier"},
          {s.no_neg_0, "Negative zero coercion (z) not allowed in integer format specifier"},
          {is_char && s.sign != '\0', "Sign not allowed with integer format specifier 'c'"},
          {is_char && s.alternate,
           "Alternate form (#) not allowed with integer format specifier 'c'"},
          {is_char && (i < 0 || i > 0x10FFFF), "%c arg not in range(0x110000)"},
          {is_char && i >= 0xD800 && i <= 0xDFFF, "%c arg is a surrogate, which has no UTF-8 form"},
      })) {
    return Error::invalid_argument(bad);
  }
  if (is_char) {
    return render_number(s, false, "", "", utf8_encode(static_cast<char32_t>(i)), 3);
  }
  const int base = s.type == 'b'                      ? 2
                   : s.type == 'o'                    ? 8
                   : (s.type == 'x' || s.type == 'X') ? 16
                                                      : 10;
  const auto magnitude = i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
  char buf[72];
  std::string digits(buf, std::to_chars(buf, buf + sizeof buf, magnitude, base).ptr);
  std::string prefix = s.alternate && base != 10 ? "0" + code_text(s.type) : "";
  if (s.type == 'X') {
    std::transform(digits.begin(), digits.end(), digits.begin(),
                   [](char c) { return c >= 'a' ? c - 32 : c; });
  }
  return render_number(s, i < 0, prefix, digits, "", s.grouping == '_' && base != 10 ? 4 : 3);
}

// Python's str.__format__.
Result<std::string> format_string(std::string_view text, const Spec& s,
                                  std::string_view type_name) {
  if (s.type != 's') {
    return unknown_code(s.type, type_name);
  }
  if (const char* bad = first_violation({
          {s.sign == ' ', "Space not allowed in string format specifier"},
          {s.sign != '\0', "Sign not allowed in string format specifier"},
          {s.no_neg_0, "Negative zero coercion (z) not allowed in string format specifier"},
          {s.alternate, "Alternate form (#) not allowed in string format specifier"},
          {s.align == '=', "'=' alignment not allowed in string format specifier"},
      })) {
    return Error::invalid_argument(bad);
  }
  std::size_t end = 0;
  for (std::int64_t n = 0; end < text.size() && (s.precision < 0 || n < s.precision); ++n) {
    end += utf8_seq_len(text.substr(end));
  }
  text = text.substr(0, end);
  const std::int64_t padding = std::max<std::int64_t>(0, s.width - utf8_length(text));
  const std::int64_t left = s.align == '>' ? padding : s.align == '^' ? padding / 2 : 0;
  return repeat(s.fill, left) + std::string(text) + repeat(s.fill, padding - left);
}

std::string python_type_name(const Value& value) {
  constexpr const char* k_names[] = {"NoneType", "bool", "int", "float", "str", "list"};
  return k_names[value.v.index()];
}

Result<std::string> format_value(const Value& value, std::string_view spec,
                                 std::string_view type_name) {
  if (value.is_null() || value.is_list()) {
    return Error::invalid_argument("unsupported format string passed to " + std::string(type_name) +
                                   ".__format__");
  }
  const bool is_str = value.is_string();
  const Spec s = VHTASK_TRY(parse_spec(spec,
                                       is_str             ? U's'
                                       : value.is_float() ? U'\0'
                                                          : U'd',
                                       is_str ? '<' : '>', type_name));
  if (is_str) {
    return format_string(value.as_string(), s, type_name);
  }
  if (value.is_float()) {
    return format_float(value.as_float(), s, type_name);
  }
  return format_int(value.is_bool() ? std::int64_t{value.as_bool()} : value.as_int(), s, type_name);
}

}  // namespace

Result<std::string> python_format(const Value& value, std::string_view spec) {
  if (spec.empty()) {
    return value.to_python_str();
  }
  const std::string type_name = python_type_name(value);
  Result<std::string> out = Error::invalid_argument("");
  try {
    out = format_value(value, spec, type_name);
  } catch (const fmt::format_error& e) {
    out = Error::invalid_argument(e.what());
  }
  if (!out) {
    return Error::invalid_argument("cannot format a " + type_name + " value with spec '" +
                                   std::string(spec) + "': " + out.error().message);
  }
  return out;
}

}  // namespace vhtask::common
