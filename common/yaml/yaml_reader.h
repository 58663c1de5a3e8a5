#pragma once

// YamlReader: the shared machinery of the valohai.yaml and grid-file loaders (config_loader.cpp,
// step_loader.cpp, parameter_loader.cpp, variant_loader.cpp, task_spec_loader.cpp). It parses
// text into a YamlTree without ever letting an exception, a binary file or an alias bomb escape,
// and reads mappings and typed fields while reporting every problem as a Diagnostic with
// file:line:column. Loaders only loop over mappings and lists of fixed depth; the reader bounds
// everything else (merge keys, values, total work) so no input can recurse or expand without end.
//
// One reader serves one document: it owns the tree and borrows the text and the Diagnostics,
// which must outlive it. Not thread-safe; use one per thread.

#include "common/diagnostic.h"
#include "common/value.h"
#include "common/yaml/yaml_tree.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::common::yaml {

// One key/value pair of a mapping, after `<<` merge keys are applied. Points into the reader's
// tree; `key` views the key node's text.
struct Field {
  std::string_view key;
  const YamlNode* key_node = nullptr;
  const YamlNode* value = nullptr;
  bool merged = false;  // came from a `<<` merge key
};

class YamlReader {
public:
  // The largest text accepted (our rule): far beyond any real valohai.yaml, small enough that
  // the tree stays within a few hundred megabytes.
  static constexpr std::size_t k_max_text_size = 32u << 20;

  YamlReader(std::string file, std::string_view text, Diagnostics& diagnostics);

  // Parses the whole text as one YAML document and returns its root, owned by the reader.
  // First refuses, with an error naming the line, texts that are too large, hold NUL or other
  // control bytes, or are not UTF-8 (a UTF-8 BOM is skipped); then turns yaml-cpp's exceptions
  // (syntax errors, nesting beyond its depth guard) into errors at their position. A second
  // document is an error (PyYAML's safe_load refuses it too) but the first is still returned.
  // nullptr when nothing could be read. An empty or comment-only text gives a null node.
  const YamlNode* parse();

  const std::string& file() const { return m_file; }

  // Positions, 1-based. A Field's mark is its value's, or its key's when the value is empty
  // (yaml-cpp places an empty value at the next token, often on the next line).
  Mark mark(const YamlNode& node) const;
  Mark mark(const Field& field) const;
  Mark start_of_file() const { return Mark{m_file, 1, 1}; }

  // Adds a diagnostic, unless stopped(). After k_max_diagnostics the reader reports that it
  // gave up and stops.
  void error(const Mark& mark, std::string message);
  void warning(const Mark& mark, std::string message);
  void note(const Mark& mark, std::string message);  // vhtask-only advice (diagnostic.h)
  void info(const Mark& mark, std::string message);  // shown by `lint --verbose` only

  // True once too many diagnostics were reported or the work budget ran out (aliases can make a
  // small document expand enormously); loaders stop looping then.
  bool stopped() const { return m_stopped; }

  // The fields of a mapping with PyYAML's semantics: `<<` merge keys are expanded (own keys
  // override merged ones), and a key given twice keeps its later value with a warning. Keys that
  // are not scalars are errors and skipped. REQUIRES: node.is_map().
  std::vector<Field> fields(const YamlNode& node);

  // The items of a sequence. REQUIRES: node.is_sequence().
  const std::vector<const YamlNode*>& items(const YamlNode& node);

  // An error for every field whose key is not in `known`: "unknown field `x` in <where>".
  void reject_unknown(const std::vector<Field>& fields,
                      std::initializer_list<std::string_view> known, std::string_view where);

  // Typed reads. A null value (`key:` or `key: ~`) is absent: nullopt and no diagnostic. Any
  // other type mismatch is an error naming the key and what was found, and gives nullopt.
  std::optional<std::string> string(const Field& field);
  std::optional<bool> boolean(const Field& field);
  std::optional<std::int64_t> integer(const Field& field);
  std::optional<Number> number(const Field& field);  // int or float, keeping its source text
  std::optional<std::vector<std::string>> string_list(const Field& field);

  // Any scalar or list of scalars, typed as YAML 1.1 types them (see yaml_scalar.h). A null
  // value is returned as Null, not as absent.
  std::optional<Value> value(const YamlNode& node);

  // True when the field's value is a mapping / a sequence; otherwise an error "`key` must be
  // <a mapping / a list>, not ..." (a null value is absent: false, no diagnostic).
  bool expect_map(const Field& field);
  bool expect_list(const Field& field);

  // "the string 'abc'", "the integer 5", "a mapping", ...: how a node reads in messages.
  std::string describe(const YamlNode& node);

private:
  bool admit(const Mark& mark);
  void report_yaml_exception(int yaml_line, int yaml_column, const std::string& message,
                             bool deep_recursion);
  bool check_bytes();
  void check_tab_before(const YamlNode& node);
  void flatten(const YamlNode& node, std::vector<Field>& out, int depth);
  std::vector<Field> without_duplicates(std::vector<Field> all);
  bool spend(std::size_t units, const YamlNode& where);
  bool type_error(const Field& field, std::string_view expected);

  static constexpr std::size_t k_max_diagnostics = 500;

  // Constant after construction.
  std::string m_file;
  std::string_view m_text;  // without the BOM once parse() ran; marks' `pos` index into it

  // Mutable.
  std::optional<YamlTree> m_tree;
  Diagnostics& m_diagnostics;
  std::size_t m_reported = 0;
  std::size_t m_budget;
  bool m_stopped = false;
};

}  // namespace vhtask::common::yaml
