#include "common/diagnostic.h"

#include <algorithm>

namespace vhtask::common {

std::string Mark::to_string() const {
  std::string out = file.empty() ? "<input>" : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) {
      out += ":" + std::to_string(column);
    }
  }
  return out;
}

std::string Diagnostic::to_string() const {
  const char* label = severity == Severity::error     ? ": error: "
                      : severity == Severity::warning ? ": warning: "
                      : severity == Severity::note    ? ": note: "
                                                      : ": info: ";
  return mark.to_string() + label + message;
}

void Diagnostics::error(Mark mark, std::string message) {
  m_items.push_back({Diagnostic::Severity::error, std::move(mark), std::move(message)});
}

void Diagnostics::warning(Mark mark, std::string message) {
  m_items.push_back({Diagnostic::Severity::warning, std::move(mark), std::move(message)});
}

void Diagnostics::note(Mark mark, std::string message) {
  m_items.push_back({Diagnostic::Severity::note, std::move(mark), std::move(message)});
}

void Diagnostics::info(Mark mark, std::string message) {
  m_items.push_back({Diagnostic::Severity::info, std::move(mark), std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool Diagnostics::has_errors() const {
  return std::any_of(m_items.begin(), m_items.end(),
                     [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
}

bool Diagnostics::has_warnings() const {
  return std::any_of(m_items.begin(), m_items.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::warning;
  });
}

std::string Diagnostics::to_string(Diagnostic::Severity least) const {
  std::string out;
  for (const auto& d : m_items) {
    if (d.severity < least) {
      continue;
    }
    out += d.to_string();
    out += '\n';
  }
  return out;
}

}  // namespace vhtask::common
