#include "common/yaml/yaml_strict.h"

#include <set>

namespace vhtask::common::yaml {

namespace {

bool is_break(char c) {
  return c == '\n' || c == '\r';
}
bool is_blank_or_end(std::string_view t, std::size_t i) {
  return i >= t.size() || t[i] == ' ' || t[i] == '\t' || is_break(t[i]);
}
bool is_flow_indicator(char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

// One pass over the text; see yaml_strict.h for what it looks for.
class StrictScanner {
public:
  explicit StrictScanner(std::string_view text) : m_t(text) {}

  std::optional<YamlStrictProblem> run() {
    std::size_t i = 0;
    bool line_start = true;
    while (i < m_t.size() && !m_problem) {
      if (line_start) {
        line_start = false;
        i = start_line(i);
        continue;
      }
      const char c = m_t[i];
      if (is_break(c)) {
        i = next_line(i);
        line_start = true;
        continue;
      }
      i = token(i);
    }
    if (!m_problem && m_directive_line > 0) {
      fail_line(m_directive_line + 1, 1,
                "invalid YAML: a `%` directive must be followed by `---` (PyYAML: expected "
                "'<document start>')");
    }
    return m_problem;
  }

private:
  // Position bookkeeping: the start of the current line and its number.
  std::size_t next_line(std::size_t i) {
    if (m_t[i] == '\r' && i + 1 < m_t.size() && m_t[i + 1] == '\n') {
      ++i;
    }
    ++m_line;
    m_line_begin = i + 1;
    return i + 1;
  }
  int column(std::size_t i) const { return static_cast<int>(i - m_line_begin) + 1; }
  void fail(std::size_t i, std::string message) {
    if (!m_problem) {
      m_problem = YamlStrictProblem{m_line, column(i), std::move(message)};
    }
  }
  void fail_line(int line, int col, std::string message) {
    if (!m_problem) {
      m_problem = YamlStrictProblem{line, col, std::move(message)};
    }
  }
  void tab_at(std::size_t i) {
    fail(i, "tab character where YAML allows only spaces (the reference parser rejects it)");
  }
  std::size_t end_of_line(std::size_t i) const {
    while (i < m_t.size() && !is_break(m_t[i])) {
      ++i;
    }
    return i;
  }

  // At the first character of a line: block scalar content, document markers, directives,
  // continuation lines of a plain scalar; then the indentation and leading `- ` indicators.
  std::size_t start_line(std::size_t i) {
    std::size_t s = i;
    while (s < m_t.size() && m_t[s] == ' ') {
      ++s;
    }
    const int indent = static_cast<int>(s - i);
    const bool blank =
        s >= m_t.size() || is_break(m_t[s]) || (m_t[s] == '\t' && only_whitespace(s));
    if (m_block) {
      if (blank) {
        if (s < m_t.size() && m_t[s] == '\t' && (m_block_indent < 0 || indent < m_block_indent)) {
          tab_at(s);
        }
        return end_of_line(s);
      }
      if (indent > m_block_parent) {
        if (m_block_indent < 0) {
          m_block_indent = indent;
        } else if (indent < m_block_indent && m_t[s] == '\t') {
          tab_at(s);
        }
        return end_of_line(s);
      }
      m_block = false;
    }
    if (blank) {
      if (s < m_t.size() && m_t[s] == '\t') {
        tab_at(s);
      }
      return end_of_line(s);
    }
    if (m_t[s] == '#') {
      m_plain_open = false;
      return end_of_line(s);
    }
    if (m_flow_depth == 0 && indent == 0) {
      const std::string_view rest = m_t.substr(s);
      const bool marker =
          (rest.starts_with("---") || rest.starts_with("...")) && is_blank_or_end(m_t, s + 3);
      if (marker) {
        if (rest[0] == '-') {
          m_directive_line = 0;
        }
        m_doc_has_content = false;
        m_anchors.clear();
        m_plain_open = false;
        begin_tokens(s, -1);
        return s + 3;
      }
      if (m_t[s] == '%') {
        if (m_doc_has_content) {
          fail(
              s,
              "invalid YAML: a `%` directive inside a document (end the document with `...` first; "
              "PyYAML: expected '<document start>')");
        }
        m_directive_line = m_line;
        return end_of_line(s);
      }
    }
    if (m_directive_line > 0) {
      fail(s,
           "invalid YAML: a `%` directive must be followed by `---` (PyYAML: expected '<document "
           "start>')");
      return s;
    }
    m_doc_has_content = true;
    if (m_plain_open && (m_flow_depth > 0 || indent > m_plain_parent)) {
      return plain(s);  // a continuation line of a multi-line plain scalar
    }
    m_plain_open = false;
    begin_tokens(s, indent);
    return s;
  }

  bool only_whitespace(std::size_t s) const {
    while (s < m_t.size() && !is_break(m_t[s])) {
      if (m_t[s] != ' ' && m_t[s] != '\t') {
        return false;
      }
      ++s;
    }
    return true;
  }

  void begin_tokens(std::size_t s, int indent) {
    m_token_start = true;
    m_seen_colon = false;
    m_dash_col = -1;
    m_key_col = indent;
    (void)s;
  }

  // One token (or one character of separation) starting at `i`, not a line break.
  std::size_t token(std::size_t i) {
    const char c = m_t[i];
    if (c == ' ') {
      m_token_start = true;
      return i + 1;
    }
    if (c == '\t') {
      tab_at(i);
      return i + 1;
    }
    if (c == '#' && m_token_start) {
      return end_of_line(i);
    }
    // In flow context every `:` outside a scalar is a value indicator (`{"a":"b"}`).
    const bool indicator_follows = is_blank_or_end(m_t, i + 1) || m_flow_depth > 0;
    if (c == ':' && indicator_follows) {
      m_seen_colon = true;
      m_token_start = true;
      return i + 1;
    }
    if ((c == '-' || c == '?') && m_token_start && is_blank_or_end(m_t, i + 1)) {
      if (c == '-' && !m_seen_colon) {
        m_dash_col = column(i) - 1;
        m_key_col = column(i) + 1;
      }
      return i + 1;
    }
    if (c == '[' || c == '{') {
      ++m_flow_depth;
      m_token_start = true;
      return i + 1;
    }
    if (c == ']' || c == '}') {
      m_flow_depth -= m_flow_depth > 0 ? 1 : 0;
      m_token_start = false;
      return i + 1;
    }
    if (c == ',' && m_flow_depth > 0) {
      m_token_start = true;
      return i + 1;
    }
    if (!m_token_start) {
      return i + 1;  // yaml-cpp already rejects what stands here (`"a" b`)
    }
    m_token_start = false;
    if (c == '"' || c == '\'') {
      return quoted(i);
    }
    if (c == '&' || c == '*' || c == '!') {
      std::size_t e = i + 1;
      while (!is_blank_or_end(m_t, e) && !is_flow_indicator(m_t[e])) {
        ++e;
      }
      if (c == '&') {
        const std::string name(m_t.substr(i + 1, e - i - 1));
        if (!m_anchors.insert(name).second) {
          fail(i, "invalid YAML: found duplicate anchor '" + name +
                      "' (PyYAML allows each anchor once per "
                      "document)");
        }
      }
      return e;
    }
    if ((c == '|' || c == '>') && m_flow_depth == 0) {
      m_block = true;
      m_block_indent = -1;
      m_block_parent = m_seen_colon ? m_key_col : m_dash_col;
      std::size_t e = i + 1;
      while (e < m_t.size() && !is_break(m_t[e]) && m_t[e] != '#') {
        if (m_t[e] == '\t') {
          tab_at(e);
        }
        ++e;
      }
      return end_of_line(e);
    }
    // A plain scalar.
    const std::size_t e = plain(i);
    if ((e >= m_t.size() || is_break(m_t[e])) && m_flow_depth == 0) {
      m_plain_open = true;
      m_plain_parent = m_seen_colon ? m_key_col : (m_dash_col >= 0 ? m_dash_col : column(i) - 2);
    }
    return e;
  }

  // A plain scalar's text from `i`: up to a line break, ` #`, `: ` or (in flow) an indicator.
  // A tab ends it, and PyYAML then fails on the tab.
  std::size_t plain(std::size_t i) {
    m_token_start = false;
    for (; i < m_t.size() && !is_break(m_t[i]); ++i) {
      const char c = m_t[i];
      if (c == '\t') {
        tab_at(i);
        return i;
      }
      if (c == ' ') {
        if (i + 1 < m_t.size() && m_t[i + 1] == '#') {
          return i;
        }
        continue;
      }
      if (c == ':' &&
          (is_blank_or_end(m_t, i + 1) || (m_flow_depth > 0 && is_flow_indicator(m_t[i + 1])))) {
        return i;
      }
      if (m_flow_depth > 0 && is_flow_indicator(c)) {
        return i;
      }
    }
    return i;
  }

  // A quoted scalar from its opening quote at `i`; returns the index after the closing one.
  std::size_t quoted(std::size_t i) {
    const char quote = m_t[i];
    const int line = m_line;
    const int col = column(i);
    m_plain_open = false;
    std::size_t j = i + 1;
    while (j < m_t.size()) {
      const char c = m_t[j];
      if (quote == '"' && c == '\\') {
        if (j + 1 < m_t.size() && is_break(m_t[j + 1])) {
          j = next_line(j + 1);
        } else {
          j += 2;
        }
        continue;
      }
      if (c == quote) {
        if (quote == '\'' && j + 1 < m_t.size() && m_t[j + 1] == '\'') {
          j += 2;
          continue;
        }
        return j + 1;
      }
      if (is_break(c)) {
        j = next_line(j);
        continue;
      }
      ++j;
    }
    fail_line(line, col,
              std::string("invalid YAML: unterminated ") + (quote == '"' ? "double" : "single") +
                  "-quoted string: the file ends before its closing " + quote +
                  " (PyYAML: found unexpected end of stream while scanning a quoted scalar)");
    return m_t.size();
  }

  std::string_view m_t;
  std::optional<YamlStrictProblem> m_problem;
  int m_line = 1;
  std::size_t m_line_begin = 0;
  int m_flow_depth = 0;
  bool m_token_start = true;
  bool m_seen_colon = false;
  int m_dash_col = -1;  // 0-based column of this line's last `-` indicator
  int m_key_col = 0;    // 0-based column of this line's first key (after `- `)
  bool m_block = false;
  int m_block_parent = -1;
  int m_block_indent = -1;
  bool m_plain_open = false;
  int m_plain_parent = -1;
  bool m_doc_has_content = false;
  int m_directive_line = 0;  // the last directive's line while no `---` has followed
  std::set<std::string> m_anchors;
};

}  // namespace

std::optional<YamlStrictProblem> find_pyyaml_strictness_problem(std::string_view text) {
  return StrictScanner(text).run();
}

}  // namespace vhtask::common::yaml
