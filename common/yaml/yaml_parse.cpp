// YamlReader::parse(): from raw bytes to a yaml-cpp document, turning everything that can go
// wrong on the way into diagnostics.

#include "common/yaml/yaml_reader.h"
#include "common/yaml/yaml_strict.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>

#include <algorithm>
#include <cstdio>

namespace vhtask::common::yaml {

namespace {

// A position in the text counted the way yaml-cpp counts: lines split at \n, \r\n or \r,
// columns in bytes.
struct TextPosition {
  int line = 1;
  int column = 1;
};

TextPosition position_at(std::string_view text, std::size_t offset) {
  TextPosition p;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++p.line;
      p.column = 1;
    } else if (text[i] != '\r') {
      ++p.column;
    }
  }
  return p;
}

std::string hex_code(unsigned code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#x%04X", code);
  return buf;
}

// The length of the UTF-8 sequence at `i` and its code point; 0 when invalid.
std::size_t decode_utf8(std::string_view s, std::size_t i, unsigned& code) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  if (b0 < 0x80) {
    code = b0;
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    code = b0 & 0x1Fu;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    code = b0 & 0x0Fu;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    code = b0 & 0x07u;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    code = (code << 6) | (b & 0x3Fu);
  }
  static constexpr unsigned k_min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < k_min_for_length[len] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;  // overlong, out of range or a surrogate
  }
  return len;
}

// Where flow collections (`[` `{`) first nest `limit` deep, skipping quoted scalars and comments
// as well as a quick scan can. Line 0 when they never do.
TextPosition first_deep_flow(std::string_view text, int limit) {
  int depth = 0;
  int line = 1;
  std::size_t line_start = 0;
  char quote = 0;
  bool comment = false;
  char previous = '\n';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      comment = false;
    } else if (comment) {
    } else if (quote != 0) {
      if (quote == '"' && c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '#' && (previous == ' ' || previous == '\t' || previous == '\n')) {
      comment = true;
    } else if ((c == '"' || c == '\'') &&
               std::string_view(" \t\n[{,:").find(previous) != std::string_view::npos) {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++depth >= limit) {
        return TextPosition{line, static_cast<int>(i - line_start) + 1};
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    previous = c;
  }
  return TextPosition{0, 0};
}

}  // namespace

bool YamlReader::check_bytes() {
  const char* data = m_text.data();
  const std::size_t size = m_text.size();
  for (std::size_t i = 0; i < size;) {
    // Fast path: printable ASCII, tab and line breaks (a raw loop: this runs on every byte).
    const auto c = static_cast<unsigned char>(data[i]);
    if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    unsigned code = 0;
    const std::size_t len = decode_utf8(m_text, i, code);
    if (len == 0) {
      const TextPosition p = position_at(m_text, i);
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(m_text[i]));
      error(Mark{m_file, p.line, p.column},
            std::string("file is not valid UTF-8 text (byte ") + byte + "); is it a binary file?");
      return false;
    }
    // YAML's printable set, as PyYAML's reader enforces it.
    const bool printable = code == '\t' || code == '\n' || code == '\r' ||
                           (code >= 0x20 && code <= 0x7E) || code == 0x85 ||
                           (code >= 0xA0 && code <= 0xFFFD) || code >= 0x10000;
    if (!printable || code == 0xFEFF) {
      const TextPosition p = position_at(m_text, i);
      error(Mark{m_file, p.line, p.column}, code == 0
                                                ? "file contains a NUL byte; is it a binary file?"
                                                : "unacceptable character " + hex_code(code) +
                                                      ": YAML allows only printable characters");
      return false;
    }
    i += len;
  }
  return true;
}

void YamlReader::report_yaml_exception(int yaml_line, int yaml_column, const std::string& what,
                                       bool deep_recursion) {
  Mark mark{m_file, yaml_line >= 0 ? yaml_line + 1 : 1, yaml_column >= 0 ? yaml_column + 1 : 1};
  if (deep_recursion) {
    // yaml-cpp's guard fires with "bad file" at a vague position; name the line that nests.
    if (const TextPosition p = first_deep_flow(m_text, 256); p.line > 0) {
      mark = Mark{m_file, p.line, p.column};
    }
    error(mark, "YAML is nested too deeply for the parser (more than about 2000 levels)");
    return;
  }
  // A tab in the indentation of the failing line is the usual cause of yaml-cpp's terse
  // "illegal map value" / "end of sequence not found"; say so.
  std::size_t start = 0;
  for (int line = 1; line < mark.line && start < m_text.size(); ++line) {
    start = m_text.find('\n', start);
    start = (start == std::string_view::npos) ? m_text.size() : start + 1;
  }
  const std::size_t indent_end = m_text.find_first_not_of(" \t", start);
  const std::size_t tab = m_text.find('\t', start);
  if (tab != std::string_view::npos && tab < indent_end) {
    error(Mark{m_file, mark.line, static_cast<int>(tab - start) + 1},
          "tab character in indentation; YAML indents with spaces only");
    return;
  }
  // yaml-cpp's terse messages for what is nearly always an indentation slip.
  std::string message = what;
  if (message == "illegal map value") {
    message = "mapping values are not allowed here (check the indentation)";
  } else if (message == "end of map not found" || message == "end of sequence not found") {
    message += " (check the indentation)";
  }
  error(mark, "invalid YAML: " + message);
}

const YamlNode* YamlReader::parse() {
  if (m_text.size() > k_max_text_size) {
    error(start_of_file(), "file is too large (" + std::to_string(m_text.size()) +
                               " bytes; the limit is " + std::to_string(k_max_text_size) + ")");
    return nullptr;
  }
  if (m_text.starts_with("\xEF\xBB\xBF")) {
    m_text.remove_prefix(3);
  }
  if (!check_bytes()) {
    return nullptr;
  }
  try {
    m_tree.emplace(YamlTree::parse(m_text));
  } catch (const YAML::DeepRecursion& e) {
    report_yaml_exception(e.mark.line, e.mark.column, e.msg, true);
    return nullptr;
  } catch (const YAML::Exception& e) {
    report_yaml_exception(e.mark.line, e.mark.column, e.msg, false);
    return nullptr;
  } catch (const std::exception& e) {
    error(start_of_file(), std::string("cannot parse the file: ") + e.what());
    return nullptr;
  }
  if (const auto& second = m_tree->second_document()) {
    const Mark at = second->line > 0 ? mark(*second) : start_of_file();
    const char c = second->pos < m_text.size() ? m_text[second->pos] : '\0';
    if (m_text.substr(std::min(second->pos, m_text.size())).starts_with("---")) {
      error(at, "expected a single YAML document, but found another one (a second `---`)");
    } else if (c == ',' || c == ']' || c == '}') {
      // yaml-cpp ends the document at a flow indicator outside any flow collection.
      error(at, std::string("invalid YAML: unexpected `") + c + "` outside a [...] or {...} list");
    } else {
      error(at, "invalid YAML: content after the end of the document (check the indentation)");
    }
    return &m_tree->root();
  }
  // What yaml-cpp takes but the reference's reader (PyYAML) rejects.
  if (const auto problem = find_pyyaml_strictness_problem(m_text)) {
    error(Mark{m_file, problem->line, problem->column}, problem->message);
    return nullptr;
  }
  return &m_tree->root();
}

}  // namespace vhtask::common::yaml
