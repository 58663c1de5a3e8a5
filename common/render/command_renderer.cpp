#include "common/render/command_renderer.h"

#include "common/render/shell_quote.h"
#include "common/value_text.h"

#include <algorithm>

namespace vhtask::common::render {

namespace {

// What Python's str.strip() removes here (the reference strips each command item).
bool is_strip_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

CommandRenderer::CommandRenderer(const valohai::Step& step) {
  const auto& params = step.parameters;
  m_slot_of.reserve(params.size());
  m_words.reserve(params.size());
  for (const auto& p : params) {
    const auto known = std::find(m_slot_names.begin(), m_slot_names.end(), p.name);
    const auto slot = static_cast<std::size_t>(known - m_slot_names.begin());
    if (known == m_slot_names.end()) {
      m_slot_names.push_back(p.name);
      m_defaults.emplace_back();
    }
    m_slot_of.push_back(slot);
    m_words.emplace_back(p);
    // As effective_values(): the last non-null default of a name wins.
    if (p.default_value && !p.default_value->is_null()) {
      Value v = *p.default_value;
      if (p.multiple != valohai::MultipleMode::none && !v.is_list()) {
        v = Value(ValueList{v});
      }
      m_defaults[slot] = std::move(v);
    }
  }
  m_slots_by_name.resize(m_slot_names.size());
  for (std::size_t i = 0; i < m_slots_by_name.size(); ++i) {
    m_slots_by_name[i] = i;
  }
  std::sort(m_slots_by_name.begin(), m_slots_by_name.end(),
            [&](std::size_t a, std::size_t b) { return m_slot_names[a] < m_slot_names[b]; });
  for (const auto& item : step.command) {
    m_items.push_back(parse_item(item, step));
  }
}

CommandRenderer::Item CommandRenderer::parse_item(const std::string& item,
                                                  const valohai::Step& step) const {
  Item out;
  const auto literal = [&](std::string_view text) {
    if (out.empty() || out.back().kind != Segment::Kind::literal) {
      out.push_back({Segment::Kind::literal, {}, 0});
    }
    out.back().text += text;
  };
  // Every `{...}` match of the regex `{(.+?)}` with no newline inside, left to right.
  std::size_t i = 0;
  while (i < item.size()) {
    const std::size_t open = item.find('{', i);
    if (open == std::string::npos) {
      literal(std::string_view(item).substr(i));
      break;
    }
    literal(std::string_view(item).substr(i, open - i));
    const std::size_t close = item.find('}', open + 2);
    const std::size_t newline = item.find('\n', open + 1);
    if (close == std::string::npos || (newline != std::string::npos && newline < close)) {
      literal("{");
      i = open + 1;
      continue;
    }
    const std::string key = item.substr(open + 1, close - open - 1);
    const std::string_view written = std::string_view(item).substr(open, close - open + 1);
    i = close + 1;
    if (key == "parameters" || key == "params") {
      out.push_back({Segment::Kind::all_parameters, {}, 0});
    } else if (key.rfind("parameter:", 0) == 0) {
      // The first parameter of that name, as Step::find_parameter() finds it.
      const std::string name = key.substr(10);
      const auto found = std::find_if(step.parameters.begin(), step.parameters.end(),
                                      [&](const valohai::Parameter& p) { return p.name == name; });
      if (found == step.parameters.end()) {
        literal(written);
      } else {
        out.push_back({Segment::Kind::parameter,
                       {},
                       static_cast<std::size_t>(found - step.parameters.begin())});
      }
    } else if (key.rfind("parameter-value:", 0) == 0) {
      const auto known = std::find(m_slot_names.begin(), m_slot_names.end(), key.substr(16));
      if (known == m_slot_names.end()) {
        literal(written);
      } else {
        out.push_back({Segment::Kind::parameter_value, std::string(written),
                       static_cast<std::size_t>(known - m_slot_names.begin())});
      }
    } else if (key == "source-path" && step.source_path) {
      literal(shell_quote(*step.source_path));
    } else {
      literal(written);
    }
  }
  return out;
}

void CommandRenderer::resolve(const valohai::ParameterValues& given,
                              EffectiveValues& effective) const {
  effective.resize(m_slot_names.size());
  // Both sides are in name order: one merge pass instead of a lookup per slot.
  auto it = given.begin();
  for (const std::size_t slot : m_slots_by_name) {
    const std::string& name = m_slot_names[slot];
    int order = -1;
    while (it != given.end() && (order = it->first.compare(name)) < 0) {
      ++it;
    }
    if (it != given.end() && order == 0) {
      effective[slot] = &it->second;
    } else {
      effective[slot] = m_defaults[slot] ? &*m_defaults[slot] : nullptr;
    }
  }
}

void CommandRenderer::resolve(std::span<const Value* const> given,
                              EffectiveValues& effective) const {
  effective.resize(m_slot_names.size());
  for (std::size_t slot = 0; slot < effective.size(); ++slot) {
    const Value* fallback = m_defaults[slot] ? &*m_defaults[slot] : nullptr;
    effective[slot] = given[slot] != nullptr ? given[slot] : fallback;
  }
}

Result<std::string> CommandRenderer::render(const valohai::ParameterValues& given) const {
  EffectiveValues effective;
  resolve(given, effective);
  std::string out;
  VHTASK_TRY(render_to(out, effective));
  return out;
}

Result<void> CommandRenderer::write_parameter(WordSink& sink, std::size_t parameter,
                                              const EffectiveValues& effective) const {
  const Value* value = effective[m_slot_of[parameter]];
  if (value == nullptr) {
    return {};
  }
  return m_words[parameter].write(sink, *value);
}

Result<void> CommandRenderer::render_item(std::string& out, const Item& item,
                                          const EffectiveValues& effective) const {
  for (const auto& segment : item) {
    switch (segment.kind) {
      case Segment::Kind::literal:
        out += segment.text;
        break;
      case Segment::Kind::all_parameters: {
        WordSink sink(out);
        for (std::size_t p = 0; p < m_words.size(); ++p) {
          VHTASK_TRY(write_parameter(sink, p, effective));
        }
        break;
      }
      case Segment::Kind::parameter: {
        WordSink sink(out);
        VHTASK_TRY(write_parameter(sink, segment.index, effective));
        break;
      }
      case Segment::Kind::parameter_value:
        if (const Value* value = effective[segment.index]; value != nullptr) {
          const std::size_t start = out.size();
          append_python_str(out, *value);
          shell_quote_tail(out, start);
        } else {
          out += segment.text;
        }
        break;
    }
  }
  return {};
}

Result<void> CommandRenderer::render_to(std::string& out, const EffectiveValues& effective) const {
  // Each item rendered, stripped and, when not empty, one a line: a list command is one script
  // (spec 2.3 item 5), so a first item that is a shebang is naturally a line of its own.
  std::size_t emitted = 0;
  for (const auto& item : m_items) {
    const std::size_t before = out.size();
    if (emitted > 0) {
      out += '\n';
    }
    const std::size_t start = out.size();
    VHTASK_TRY(render_item(out, item, effective));
    std::size_t end = out.size();
    while (end > start && is_strip_space(out[end - 1])) {
      --end;
    }
    std::size_t first = start;
    while (first < end && is_strip_space(out[first])) {
      ++first;
    }
    if (first == end) {
      out.resize(before);
      continue;
    }
    out.resize(end);
    if (first > start) {
      out.erase(start, first - start);
    }
    ++emitted;
  }
  return {};
}

void CommandRenderer::append_json_object(std::string& out, const EffectiveValues& effective) const {
  out += '{';
  bool first = true;
  for (const std::size_t slot : m_slots_by_name) {
    if (effective[slot] == nullptr) {
      continue;
    }
    out += first ? "" : ",";
    first = false;
    append_json_string(out, m_slot_names[slot]);
    out += ':';
    append_json_value(out, *effective[slot]);
  }
  out += '}';
}

}  // namespace vhtask::common::render
