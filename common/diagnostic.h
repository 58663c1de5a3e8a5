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

struct Diagnostic {
  enum class Severity { warning, error };
  Severity severity = Severity::error;
  Mark mark;
  std::string message;

  // "FILE:LINE:COL: error: MESSAGE", the format `vhtask lint` prints.
  std::string to_string() const;
};

// An ordered collection of diagnostics, filled by loaders and validators.
class Diagnostics {
public:
  void error(Mark mark, std::string message);
  void warning(Mark mark, std::string message);
  void append(const Diagnostics& other);

  bool has_errors() const;
  bool has_warnings() const;
  const std::vector<Diagnostic>& all() const { return m_items; }
  bool empty() const { return m_items.empty(); }

  // Every diagnostic's to_string(), one per line, errors and warnings in order of appearance.
  std::string to_string() const;

private:
  std::vector<Diagnostic> m_items;
};

}  // namespace vhtask::common
