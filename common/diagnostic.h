#pragma once

// Diagnostics: errors and warnings about a user's file, each with file:line:column.
// A plain value type; no thread restrictions.

#include <string>
#include <vector>

namespace vhtask::common {

// A position in a source file. Lines and columns are 1-based; 0 means "unknown".
struct Mark {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:col", or as much of it as is known.
  std::string to_string() const;
};

// Severities, least first. `error` and `warning` are the reference's (valohai-yaml's lint):
// `vhtask lint` exits 2 with an error, 1 with warnings only. `note` is vhtask-only advice the
// reference would not give: printed by lint, exit status unchanged. `info` is printed only by
// `lint --verbose` (items vhtask skips, such as pipelines).
struct Diagnostic {
  enum class Severity { info, note, warning, error };
  Severity severity = Severity::error;
  Mark mark;
  std::string message;

  // "FILE:LINE:COL: error: MESSAGE" (or warning, note, info), the format `vhtask lint` prints.
  std::string to_string() const;
};

// An ordered collection of diagnostics, filled by loaders and validators.
class Diagnostics {
public:
  void error(Mark mark, std::string message);
  void warning(Mark mark, std::string message);
  void note(Mark mark, std::string message);
  void info(Mark mark, std::string message);
  void append(const Diagnostics& other);

  bool has_errors() const;
  bool has_warnings() const;
  const std::vector<Diagnostic>& all() const { return m_items; }
  bool empty() const { return m_items.empty(); }

  // The to_string() of every diagnostic at least as severe as `least`, one per line, in order
  // of appearance. The default leaves out only `info`.
  std::string to_string(Diagnostic::Severity least = Diagnostic::Severity::note) const;

private:
  std::vector<Diagnostic> m_items;
};

}  // namespace vhtask::common
