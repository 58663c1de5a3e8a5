#include "common/yaml/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <istream>
#include <streambuf>

namespace vhtask::common::yaml {

namespace {

// Reads a string_view as a stream without copying it.
class ViewBuffer : public std::streambuf {
public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only ever read
    setg(begin, begin, begin + text.size());
  }
};

// Thrown by SecondDocumentProbe to stop the parser at a second document's first token.
struct SecondDocumentFound {
  YAML::Mark mark;
};

class SecondDocumentProbe : public YAML::EventHandler {
public:
  void OnDocumentStart(const YAML::Mark& mark) override { throw SecondDocumentFound{mark}; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

void set_position(YamlNode& node, const YAML::Mark& mark) {
  if (mark.line >= 0 && mark.column >= 0) {
    node.line = mark.line + 1;
    node.column = mark.column + 1;
    node.pos = mark.pos > 0 ? static_cast<std::size_t>(mark.pos) : 0;
  }
}

}  // namespace

// Builds a YamlTree from one document's events.
class YamlTreeBuilder : public YAML::EventHandler {
public:
  explicit YamlTreeBuilder(YamlTree& tree) : m_tree(tree) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    add(YamlNode::Kind::null, mark, "", anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor < m_anchors.size() && m_anchors[anchor] != nullptr) {
      attach(m_anchors[anchor]);
    } else {
      add(YamlNode::Kind::null, mark, "", YAML::NullAnchor);  // yaml-cpp rejects these itself
    }
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    add(YamlNode::Kind::scalar, mark, tag, anchor).text = value;
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    m_open.push_back(&add(YamlNode::Kind::sequence, mark, tag, anchor));
  }
  void OnSequenceEnd() override { m_open.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    m_open.push_back(&add(YamlNode::Kind::mapping, mark, tag, anchor));
  }
  void OnMapEnd() override { m_open.pop_back(); }

private:
  YamlNode& add(YamlNode::Kind kind, const YAML::Mark& mark, const std::string& tag,
                YAML::anchor_t anchor) {
    YamlNode& node = m_tree.m_nodes.emplace_back();
    node.kind = kind;
    node.tag = tag;
    set_position(node, mark);
    if (anchor != YAML::NullAnchor) {
      if (m_anchors.size() <= anchor) {
        m_anchors.resize(anchor + 1, nullptr);
      }
      m_anchors[anchor] = &node;
    }
    attach(&node);
    return node;
  }

  void attach(const YamlNode* node) {
    if (!m_open.empty()) {
      m_open.back()->children.push_back(node);
    } else if (m_tree.m_root == nullptr) {
      m_tree.m_root = node;
    }
  }

  YamlTree& m_tree;
  std::vector<YamlNode*> m_open;  // the collections being filled, innermost last
  std::vector<const YamlNode*> m_anchors;
};

YamlTree YamlTree::parse(std::string_view text) {
  YamlTree tree;
  ViewBuffer buffer(text);
  std::istream in(&buffer);
  YAML::Parser parser(in);
  YamlTreeBuilder builder(tree);
  parser.HandleNextDocument(builder);
  if (tree.m_root == nullptr) {
    tree.m_root = &tree.m_nodes.emplace_back();
  }
  try {
    SecondDocumentProbe probe;
    parser.HandleNextDocument(probe);
  } catch (const SecondDocumentFound& found) {
    set_position(tree.m_second.emplace(), found.mark);
  } catch (const YAML::Exception& e) {
    set_position(tree.m_second.emplace(), e.mark);  // whatever follows, it is not one document
  }
  return tree;
}

}  // namespace vhtask::common::yaml
