#include "common/render/pass_as.h"

#include "common/python_format.h"

namespace vhtask::common::render {

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

}  // namespace

std::vector<std::string> split_template(std::string_view text) {
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

ParsedPiece parse_piece(std::string_view piece, const std::string& name) {
  ParsedPiece out;
  out.text = std::string(piece);
  const auto append_literal = [&](std::string_view literal) {
    if (out.ops.empty() || out.ops.back().kind != ParsedPiece::Op::Kind::literal) {
      out.ops.push_back({ParsedPiece::Op::Kind::literal, {}, {}});
    }
    out.ops.back().text += literal;
  };
  auto walked = walk(piece, append_literal, [&](const Field& f) -> Result<void> {
    if (f.name == "name") {
      append_literal(VHTASK_TRY(python_format(Value(name), f.spec)));
    } else if (f.name == "value" || f.name == "v") {
      out.ops.push_back({ParsedPiece::Op::Kind::value, f.spec, {}});
    } else {
      return Error::invalid_argument("unknown key '{" + f.name + "}' in template '" +
                                     std::string(piece) + "' (known: {name}, {value}, {v})");
    }
    return {};
  });
  if (!walked) {
    out.ops.push_back({ParsedPiece::Op::Kind::error, {}, std::move(walked).error()});
  }
  return out;
}

std::vector<ParsedPiece> parse_template(std::string_view text, const std::string& name) {
  std::vector<ParsedPiece> out;
  for (const auto& piece : split_template(text)) {
    out.push_back(parse_piece(piece, name));
  }
  return out;
}

Result<std::string> fill_template(std::string_view piece, const std::string& name,
                                  const Value& value) {
  std::string out;
  VHTASK_TRY(fill_piece(out, parse_piece(piece, name),
                        [&](std::string& text, const std::string& spec) -> Result<void> {
                          text += VHTASK_TRY(python_format(value, spec));
                          return {};
                        }));
  return out;
}

}  // namespace vhtask::common::render
