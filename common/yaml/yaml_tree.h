#pragma once

// YamlTree: a read-only YAML document tree built from yaml-cpp's parser events, for the loaders.
//
// Why not YAML::Node: yaml-cpp 0.7's LoadAll() never returns on a stray `,` at block level (it
// yields empty documents forever), Load() silently drops a second document, and its node tree is
// slow to build and has reference semantics on assignment. This tree is built in one pass over
// the first document, notices a second one without parsing it, and is plain data.
//
// A tree owns its nodes; pointers into it stay valid while it lives. Aliases point at the
// anchored node, so a node can be reachable more than once and, through `&a [*a]`, even from
// itself: walk it with a budget, never with unbounded recursion. Not thread-safe to build;
// read-only afterwards.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vhtask::common::yaml {

struct YamlNode {
  enum class Kind { null, scalar, sequence, mapping };

  Kind kind = Kind::null;
  std::string tag;   // as yaml-cpp reports it: "?" plain, "!" quoted or non-specific, else full
  std::string text;  // the scalar's text; empty for other kinds
  int line = 0;      // 1-based position of the node's first character; 0 when unknown
  int column = 0;
  std::size_t pos = 0;  // byte offset of that character in the parsed text
  // A sequence's items; a mapping's keys and values, alternating.
  std::vector<const YamlNode*> children;

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::mapping; }
  bool is_plain() const { return is_scalar() && tag == "?"; }
  // Items of a sequence, pairs of a mapping.
  std::size_t size() const { return is_map() ? children.size() / 2 : children.size(); }
};

class YamlTree {
public:
  // Parses the first YAML document of `text`. Throws what yaml-cpp's parser throws
  // (YAML::ParserException, YAML::DeepRecursion, ...) on a syntax error in that document.
  // An empty text gives a null root.
  static YamlTree parse(std::string_view text);

  YamlTree(YamlTree&&) = default;
  YamlTree& operator=(YamlTree&&) = default;

  const YamlNode& root() const { return *m_root; }

  // Where a second document starts (its first token), when the text holds one; PyYAML's
  // safe_load refuses such files. The second document itself is not parsed.
  const std::optional<YamlNode>& second_document() const { return m_second; }

private:
  YamlTree() = default;

  std::deque<YamlNode> m_nodes;  // stable addresses
  const YamlNode* m_root = nullptr;
  std::optional<YamlNode> m_second;  // a null node carrying the second document's position

  friend class YamlTreeBuilder;
};

}  // namespace vhtask::common::yaml
