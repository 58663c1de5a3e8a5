#include "common/yaml/yaml_reader.h"

#include "common/python_format.h"
#include "common/yaml/yaml_resolver.h"
#include "common/yaml/yaml_scalar.h"

#include <algorithm>
#include <charconv>

namespace vhtask::common::yaml {

namespace {

// Nodes the loaders may visit in one document, counting every alias use again (our rule). Without
// aliases each node is visited about twice and takes at least two bytes of text, so text size
// plus a floor leaves real files plenty of room while an alias bomb stops within a second.
constexpr std::size_t k_work_floor = 100'000;
constexpr int k_max_merge_depth = 16;

std::string shorten(const std::string& s) {
  return s.size() <= 60 ? s : s.substr(0, 57) + "...";
}

}  // namespace

YamlReader::YamlReader(std::string file, std::string_view text, Diagnostics& diagnostics)
    : m_file(std::move(file)),
      m_text(text),
      m_diagnostics(diagnostics),
      m_budget(k_work_floor + text.size()) {}

Mark YamlReader::mark(const YamlNode& node) const {
  return mark_of(node, m_file);
}

Mark YamlReader::mark(const Field& field) const {
  return mark(field.value->is_null() ? *field.key_node : *field.value);
}

bool YamlReader::admit(const Mark& mark) {
  if (m_stopped) {
    return false;
  }
  if (++m_reported > k_max_diagnostics) {
    m_diagnostics.error(
        mark, "too many problems; stopped checking after " + std::to_string(k_max_diagnostics));
    m_stopped = true;
    return false;
  }
  return true;
}

void YamlReader::error(const Mark& mark, std::string message) {
  if (admit(mark)) {
    m_diagnostics.error(mark, std::move(message));
  }
}

void YamlReader::warning(const Mark& mark, std::string message) {
  if (admit(mark)) {
    m_diagnostics.warning(mark, std::move(message));
  }
}

void YamlReader::note(const Mark& mark, std::string message) {
  if (admit(mark)) {
    m_diagnostics.note(mark, std::move(message));
  }
}

void YamlReader::info(const Mark& mark, std::string message) {
  if (admit(mark)) {
    m_diagnostics.info(mark, std::move(message));
  }
}

bool YamlReader::spend(std::size_t units, const YamlNode& where) {
  if (m_stopped) {
    return false;
  }
  if (units > m_budget) {
    m_budget = 0;
    error(mark(where),
          "the document is too large to check: its aliases expand it far beyond "
          "its size");
    m_stopped = true;
    return false;
  }
  m_budget -= units;
  return true;
}

void YamlReader::check_tab_before(const YamlNode& node) {
  if (node.line <= 0 || node.pos == 0 || node.pos > m_text.size()) {
    return;
  }
  std::size_t i = node.pos;
  std::size_t tab = std::string_view::npos;
  while (i > 0 && (m_text[i - 1] == ' ' || m_text[i - 1] == '\t')) {
    --i;
    if (m_text[i] == '\t') {
      tab = i;
    }
  }
  if (tab != std::string_view::npos) {
    const int column = node.column - static_cast<int>(node.pos - tab);
    error(Mark{m_file, node.line, column},
          "tab character where YAML allows only spaces (the reference parser rejects it)");
  }
}

void YamlReader::flatten(const YamlNode& node, std::vector<Field>& out, int depth) {
  if (depth > k_max_merge_depth) {
    error(mark(node), "merge keys (`<<`) are nested too deeply");
    return;
  }
  if (!spend(node.size() + 1, node)) {
    return;
  }
  const std::size_t own_begin = out.size();
  std::vector<Field> merged;  // allocates only when there is a merge key
  for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
    const YamlNode& key = *node.children[i];
    const YamlNode& value = *node.children[i + 1];
    if (depth == 0) {
      check_tab_before(key);
      check_tab_before(value);
    }
    if (key.is_plain() && key.text == "<<") {
      if (value.is_map()) {
        flatten(value, merged, depth + 1);
      } else if (value.is_sequence()) {
        std::vector<std::vector<Field>> parts;
        for (const YamlNode* item : value.children) {
          if (!item->is_map()) {
            error(mark(*item),
                  "a merge key (`<<`) list may hold only mappings, not " + describe(*item));
            continue;
          }
          parts.emplace_back();
          flatten(*item, parts.back(), depth + 1);
        }
        // PyYAML gives the first listed mapping precedence.
        for (auto part = parts.rbegin(); part != parts.rend(); ++part) {
          merged.insert(merged.end(), part->begin(), part->end());
        }
      } else {
        error(mark(value),
              "a merge key (`<<`) needs a mapping or a list of mappings, not " + describe(value));
      }
      continue;
    }
    if (!key.is_scalar() && !key.is_null()) {
      error(mark(key), "a mapping key must be a string, not " + describe(key));
      continue;
    }
    out.push_back(Field{key.is_null() ? std::string_view("null") : std::string_view(key.text), &key,
                        &value, depth > 0});
  }
  if (merged.empty()) {
    return;
  }
  // Merged fields go first so that own keys override them.
  merged.insert(merged.end(), out.begin() + static_cast<std::ptrdiff_t>(own_begin), out.end());
  out.resize(own_begin);
  out.insert(out.end(), merged.begin(), merged.end());
}

std::vector<Field> YamlReader::without_duplicates(std::vector<Field> all) {
  // Most mappings are small and have no duplicates: check those without allocating.
  if (all.size() <= 16) {
    bool any = false;
    for (std::size_t i = 0; i < all.size() && !any; ++i) {
      for (std::size_t j = i + 1; j < all.size() && !any; ++j) {
        any = all[i].key == all[j].key;
      }
    }
    if (!any) {
      return all;
    }
  }
  std::vector<std::size_t> order(all.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return all[a].key < all[b].key; });
  std::vector<bool> superseded(all.size(), false);
  bool any = false;
  for (std::size_t k = 1; k < order.size(); ++k) {
    const Field& earlier = all[order[k - 1]];
    const Field& later = all[order[k]];
    if (earlier.key != later.key) {
      continue;
    }
    superseded[order[k - 1]] = true;
    any = true;
    if (!earlier.merged && !later.merged) {
      // PyYAML (the reference's reader) takes the later value silently: advice, not a warning.
      note(mark(*later.key_node),
           "duplicate key `" + std::string(later.key) + "`; the later value is used");
    }
  }
  if (!any) {
    return all;
  }
  std::vector<Field> out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!superseded[i]) {
      out.push_back(all[i]);
    }
  }
  return out;
}

std::vector<Field> YamlReader::fields(const YamlNode& node) {
  std::vector<Field> all;
  all.reserve(node.size());
  flatten(node, all, 0);
  return without_duplicates(std::move(all));
}

const std::vector<const YamlNode*>& YamlReader::items(const YamlNode& node) {
  static const std::vector<const YamlNode*> k_none;
  if (!spend(node.size() + 1, node)) {
    return k_none;
  }
  for (const YamlNode* item : node.children) {
    check_tab_before(*item);
  }
  return node.children;
}

void YamlReader::reject_unknown(const std::vector<Field>& fields,
                                std::initializer_list<std::string_view> known,
                                std::string_view where) {
  for (const Field& f : fields) {
    if (std::find(known.begin(), known.end(), f.key) != known.end()) {
      continue;
    }
    std::string message = "unknown field `" + std::string(f.key) + "` in " + std::string(where);
    std::string kebab(f.key);
    std::replace(kebab.begin(), kebab.end(), '_', '-');
    if (std::find(known.begin(), known.end(), kebab) != known.end()) {
      message += " (did you mean `" + kebab + "`?)";
    }
    error(mark(*f.key_node), std::move(message));
  }
}

std::optional<Value> YamlReader::value(const YamlNode& node) {
  if (m_stopped) {
    return std::nullopt;
  }
  const std::size_t before = m_budget;
  auto v = yaml_to_value(node, m_file, m_budget);
  if (v) {
    return std::move(*v);
  }
  // The message is "<file>:<line>:<col>: <what>"; split the position back off.
  const std::string& message = v.error().message;
  Mark where = mark(node);
  std::string_view rest = message;
  const std::string prefix = m_file + ":";
  if (rest.starts_with(prefix)) {
    rest.remove_prefix(prefix.size());
    int line = 0;
    int column = 0;
    auto r = std::from_chars(rest.data(), rest.data() + rest.size(), line);
    if (r.ec == std::errc() && *r.ptr == ':') {
      r = std::from_chars(r.ptr + 1, rest.data() + rest.size(), column);
      if (r.ec == std::errc() &&
          rest.substr(static_cast<std::size_t>(r.ptr - rest.data())).starts_with(": ")) {
        where = Mark{m_file, line, column};
        rest.remove_prefix(static_cast<std::size_t>(r.ptr - rest.data()) + 2);
      }
    }
  }
  error(where, std::string(rest));
  if (m_budget == 0 && before > 0) {
    m_stopped = true;
  }
  return std::nullopt;
}

std::string YamlReader::describe(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::null:
      return "null";
    case YamlNode::Kind::mapping:
      return "a mapping";
    case YamlNode::Kind::sequence:
      return "a list";
    case YamlNode::Kind::scalar:
      break;
  }
  std::size_t budget = 1;
  auto v = yaml_to_value(node, m_file, budget);
  const std::string text = shorten(node.text);
  if (!v) {
    return "'" + text + "'";
  }
  if (v->is_string()) {
    return "the string '" + text + "'";
  }
  if (v->is_bool()) {
    return "the boolean " + text;
  }
  if (v->is_int()) {
    return "the integer " + text;
  }
  if (v->is_float()) {
    return "the float " + text;
  }
  return "null";
}

bool YamlReader::type_error(const Field& field, std::string_view expected) {
  error(mark(field), "`" + std::string(field.key) + "` must be " + std::string(expected) +
                         ", not " + describe(*field.value));
  return false;
}

bool YamlReader::expect_map(const Field& field) {
  if (field.value->is_map()) {
    return true;
  }
  if (!field.value->is_null()) {
    type_error(field, "a mapping");
  }
  return false;
}

bool YamlReader::expect_list(const Field& field) {
  if (field.value->is_sequence()) {
    return true;
  }
  if (!field.value->is_null()) {
    type_error(field, "a list");
  }
  return false;
}

std::optional<std::string> YamlReader::string(const Field& field) {
  if (field.value->is_null()) {
    return std::nullopt;
  }
  // Fast path for the common case, a quoted or plain string.
  if (field.value->is_scalar()) {
    const std::string& tag = field.value->tag;
    if (tag == "!" || (tag == "?" && yaml11::is_plain_string(field.value->text))) {
      return field.value->text;
    }
  }
  if (field.value->is_scalar()) {
    auto v = value(*field.value);
    if (v && v->is_string()) {
      return v->as_string();
    }
    if (!v) {
      return std::nullopt;
    }
  }
  type_error(field, "a string");
  return std::nullopt;
}

std::optional<bool> YamlReader::boolean(const Field& field) {
  if (field.value->is_null()) {
    return std::nullopt;
  }
  if (field.value->is_scalar()) {
    auto v = value(*field.value);
    if (v && v->is_bool()) {
      return v->as_bool();
    }
    if (!v) {
      return std::nullopt;
    }
  }
  type_error(field, "true or false");
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const Field& field) {
  if (field.value->is_null()) {
    return std::nullopt;
  }
  if (field.value->is_scalar()) {
    auto v = value(*field.value);
    if (v && v->is_int()) {
      return v->as_int();
    }
    if (!v) {
      return std::nullopt;
    }
  }
  type_error(field, "an integer");
  return std::nullopt;
}

std::optional<Number> YamlReader::number(const Field& field) {
  if (field.value->is_null()) {
    return std::nullopt;
  }
  if (field.value->is_scalar()) {
    auto v = value(*field.value);
    if (v && v->is_number()) {
      std::string text = field.value->is_plain() ? number_source_text(field.value->text, *v)
                         : v->is_int()           ? std::to_string(v->as_int())
                                                 : python_repr(v->as_float());
      return Number{std::move(text), std::move(*v)};
    }
    if (!v) {
      return std::nullopt;
    }
  }
  type_error(field, "a number");
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const Field& field) {
  if (!expect_list(field)) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const YamlNode* item : items(*field.value)) {
    auto v = item->is_scalar() ? value(*item) : std::nullopt;
    if (v && v->is_string()) {
      out.push_back(v->as_string());
      continue;
    }
    ok = false;
    if (v || !item->is_scalar()) {
      error(mark(*item),
            "`" + std::string(field.key) + "` items must be strings, not " + describe(*item));
    }
  }
  return ok ? std::optional(std::move(out)) : std::nullopt;
}

}  // namespace vhtask::common::yaml
