#pragma once

// ParameterWords: one parameter's command-line words (spec 2.3 step 2, `format_cli`) with its
// pass-as templates split and parsed once, so that rendering a value only fills ready pieces.
// WordSink: where the words go, quoted into a command line or collected as they are.
//
// Both are plain values with no references to the Parameter they were built from. A const
// ParameterWords may be used from any thread; a WordSink belongs to one caller.

#include "common/render/pass_as.h"
#include "common/result.h"
#include "common/valohai/config.h"
#include "common/value.h"

#include <cstddef>
#include <string>
#include <vector>

namespace vhtask::common::render {

// Receives words: the writer calls begin() for the buffer to append a word's raw text to, then
// end(). A line sink shell-quotes each word in place and separates words with one space (what a
// `{parameters}` placeholder becomes); a list sink collects the words unquoted (format_cli).
class WordSink {
public:
  // Words go onto the end of `line`, quoted, one space between them (none before the first).
  explicit WordSink(std::string& line) : m_line(&line) {}
  // Words are pushed onto `words` as they are.
  explicit WordSink(std::vector<std::string>& words) : m_words(&words) {}

  std::string& begin();
  void end();

  // How many words were written.
  std::size_t count() const { return m_count; }

private:
  std::string* m_line = nullptr;
  std::vector<std::string>* m_words = nullptr;
  std::string m_scratch;  // list mode: the word being written
  std::size_t m_start = 0;
  std::size_t m_count = 0;
};

class ParameterWords {
public:
  explicit ParameterWords(const valohai::Parameter& parameter);

  // Writes the words of `value` (format_cli's rules: flags by their truth and
  // pass-true-as/pass-false-as, `multiple: repeat` once per item, `separate` once with the items
  // joined). Error::invalid_argument for an unknown template key or a spec that does not apply,
  // with fill_template()'s message; the sink may then hold part of the words.
  Result<void> write(WordSink& sink, const Value& value) const;

private:
  // Constant after construction.
  valohai::ParameterType m_type;
  valohai::MultipleMode m_multiple;
  std::string m_separator;              // `multiple: separate`; "," when empty
  std::vector<ParsedPiece> m_template;  // pass-as, or the type's default
  bool m_true_set = false;              // flags: pass-true-as given
  bool m_false_set = false;             // flags: pass-false-as given
  std::vector<ParsedPiece> m_true;      // flags: pass-true-as
  std::vector<ParsedPiece> m_false;     // flags: pass-false-as
};

}  // namespace vhtask::common::render
