#include "common/yaml/yaml_scalar.h"

#include "common/yaml/yaml_resolver.h"

#include <utility>

namespace vhtask::common::yaml {

namespace {

constexpr std::string_view k_tag_prefix = "tag:yaml.org,2002:";
constexpr std::size_t k_value_budget = 1'000'000;

std::string display_tag(const std::string& tag) {
  if (std::string_view(tag).starts_with(k_tag_prefix)) {
    return "!!" + tag.substr(k_tag_prefix.size());
  }
  return tag;
}

// Uniform access to yaml-cpp nodes and YamlTree nodes, so one conversion serves both.
YamlNode::Kind kind_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return YamlNode::Kind::scalar;
    case YAML::NodeType::Sequence:
      return YamlNode::Kind::sequence;
    case YAML::NodeType::Map:
      return YamlNode::Kind::mapping;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return YamlNode::Kind::null;
}
YamlNode::Kind kind_of(const YamlNode& n) {
  return n.kind;
}
const std::string& tag_of(const YAML::Node& n) {
  return n.Tag();
}
const std::string& tag_of(const YamlNode& n) {
  return n.tag;
}
const std::string& text_of(const YAML::Node& n) {
  return n.Scalar();
}
const std::string& text_of(const YamlNode& n) {
  return n.text;
}

template <class F>
bool all_items(const YAML::Node& n, F&& f) {
  for (const auto& item : n) {
    if (!f(static_cast<const YAML::Node&>(item))) {
      return false;
    }
  }
  return true;
}
template <class F>
bool all_items(const YamlNode& n, F&& f) {
  for (const YamlNode* item : n.children) {
    if (!f(*item)) {
      return false;
    }
  }
  return true;
}

template <class Node>
Error value_error(const Node& node, const std::string& file, const std::string& message) {
  return Error::invalid_argument(mark_of(node, file).to_string() + ": " + message);
}

template <class Node>
Result<Value> tagged_scalar(const Node& node, const std::string& file) {
  const std::string& tag = tag_of(node);
  const std::string& text = text_of(node);
  if (tag == "?") {
    return resolve_plain_scalar(text);
  }
  if (tag == "!" || tag == "tag:yaml.org,2002:str") {
    return Value(text);
  }
  if (tag == "tag:yaml.org,2002:null") {
    return Value(Null{});
  }
  if (tag == "tag:yaml.org,2002:bool") {
    if (auto b = yaml11::match_bool(text, true)) {
      return Value(*b);
    }
  } else if (tag == "tag:yaml.org,2002:int") {
    if (yaml11::matches_int(text)) {
      return yaml11::construct_int(text);
    }
  } else if (tag == "tag:yaml.org,2002:float") {
    if (auto d = yaml11::construct_float(text)) {
      return Value(*d);
    }
  } else {
    return value_error(node, file, "unsupported tag " + display_tag(tag));
  }
  return value_error(node, file, "'" + text + "' is not a valid " + display_tag(tag));
}

template <class Node>
Result<Value> convert(const Node& node, const std::string& file, int depth, std::size_t& budget) {
  if (budget == 0) {
    return value_error(node, file, "value is too large (aliases expand to too many items)");
  }
  --budget;
  switch (kind_of(node)) {
    case YamlNode::Kind::null:
      // yaml-cpp folds untagged plain nulls into Null nodes; a tagged `!!str ~` stays a scalar.
      return Value(Null{});
    case YamlNode::Kind::scalar:
      return tagged_scalar(node, file);
    case YamlNode::Kind::sequence:
      break;
    case YamlNode::Kind::mapping:
      return value_error(node, file, "a mapping is not allowed here");
  }
  const std::string& tag = tag_of(node);
  if (tag != "?" && tag != "tag:yaml.org,2002:seq" && tag != "!") {
    return value_error(node, file, "unsupported tag " + display_tag(tag));
  }
  if (depth > 0) {
    return value_error(node, file, "a list inside a list is not supported here");
  }
  ValueList items;
  Result<Value> failure = Value();
  all_items(node, [&](const Node& item) {
    auto v = convert(item, file, depth + 1, budget);
    if (!v) {
      failure = std::move(v);
      return false;
    }
    items.push_back(std::move(*v));
    return true;
  });
  if (!failure) {
    return failure;
  }
  return Value(std::move(items));
}

}  // namespace

Mark mark_of(const YAML::Node& node, const std::string& file) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0 || m.column < 0) {
    return Mark{file, 0, 0};
  }
  return Mark{file, m.line + 1, m.column + 1};
}

Result<Value> yaml_to_value(const YAML::Node& node, const std::string& file) {
  std::size_t budget = k_value_budget;
  return yaml_to_value(node, file, budget);
}

Result<Value> yaml_to_value(const YAML::Node& node, const std::string& file, std::size_t& budget) {
  return convert(node, file, 0, budget);
}

Mark mark_of(const YamlNode& node, const std::string& file) {
  return Mark{file, node.line, node.column};
}

Result<Value> yaml_to_value(const YamlNode& node, const std::string& file, std::size_t& budget) {
  return convert(node, file, 0, budget);
}

}  // namespace vhtask::common::yaml
