#include "common/render/parameter_words.h"

#include "common/python_format.h"
#include "common/render/shell_quote.h"
#include "common/valohai/parameter_values.h"
#include "common/value_text.h"

namespace vhtask::common::render {

std::string& WordSink::begin() {
  if (m_line == nullptr) {
    m_scratch.clear();
    return m_scratch;
  }
  if (m_count > 0) {
    *m_line += ' ';
  }
  m_start = m_line->size();
  return *m_line;
}

void WordSink::end() {
  ++m_count;
  if (m_line == nullptr) {
    m_words->push_back(m_scratch);
    return;
  }
  shell_quote_tail(*m_line, m_start);
}

namespace {

// A flag's truth: bools as they are, flag texts (yes/no/1/0...) as convert_text reads them,
// other texts and numbers by Python truthiness.
bool flag_truth(const Value& value) {
  if (value.is_bool()) {
    return value.as_bool();
  }
  if (value.is_string()) {
    static const valohai::Parameter k_flag = [] {
      valohai::Parameter p;
      p.type = valohai::ParameterType::flag;
      return p;
    }();
    auto converted = valohai::convert_text(k_flag, value.as_string());
    return converted ? converted->as_bool() : !value.as_string().empty();
  }
  if (value.is_number()) {
    return value.to_double() != 0.0;
  }
  return false;
}

// Writes one word per piece, each field filled with `value`: the empty spec straight onto the
// output (str() of the value), others through python_format.
Result<void> write_pieces(WordSink& sink, const std::vector<ParsedPiece>& pieces,
                          const Value& value) {
  for (const auto& piece : pieces) {
    VHTASK_TRY(fill_piece(sink.begin(), piece,
                          [&](std::string& out, const std::string& spec) -> Result<void> {
                            if (spec.empty()) {
                              append_python_str(out, value);
                            } else {
                              out += VHTASK_TRY(python_format(value, spec));
                            }
                            return {};
                          }));
    sink.end();
  }
  return {};
}

// `multiple: separate`: the items' str() joined by `separator`, as one string value.
Result<void> write_joined(WordSink& sink, const std::vector<ParsedPiece>& pieces,
                          const ValueList& items, const std::string& separator) {
  const auto append_joined = [&](std::string& out) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) {
        out += separator;
      }
      append_python_str(out, items[i]);
    }
  };
  for (const auto& piece : pieces) {
    VHTASK_TRY(fill_piece(sink.begin(), piece,
                          [&](std::string& out, const std::string& spec) -> Result<void> {
                            if (spec.empty()) {
                              append_joined(out);
                              return {};
                            }
                            std::string joined;
                            append_joined(joined);
                            out += VHTASK_TRY(python_format(Value(std::move(joined)), spec));
                            return {};
                          }));
    sink.end();
  }
  return {};
}

}  // namespace

ParameterWords::ParameterWords(const valohai::Parameter& p)
    : m_type(p.type),
      m_multiple(p.multiple),
      m_separator(p.multiple_separator.empty() ? "," : p.multiple_separator) {
  if (p.type == valohai::ParameterType::flag) {
    m_true_set = p.pass_true_as.has_value();
    m_false_set = p.pass_false_as.has_value();
    m_true = parse_template(p.pass_true_as.value_or(""), p.name);
    m_false = parse_template(p.pass_false_as.value_or(""), p.name);
    m_template = parse_template(p.pass_as.value_or("--{name}"), p.name);
    return;
  }
  m_template = parse_template(p.pass_as.value_or("--{name}={v}"), p.name);
}

Result<void> ParameterWords::write(WordSink& sink, const Value& value) const {
  if (m_type == valohai::ParameterType::flag) {
    const bool truth = flag_truth(value);
    if (m_true_set || m_false_set) {
      if (truth ? m_true_set : m_false_set) {
        return write_pieces(sink, truth ? m_true : m_false, Value(truth));
      }
    } else if (truth) {
      return write_pieces(sink, m_template, Value(truth));
    }
    return {};
  }
  if (m_multiple == valohai::MultipleMode::none || !value.is_list()) {
    return write_pieces(sink, m_template, value);
  }
  const ValueList& items = value.as_list();
  if (items.empty()) {
    return {};
  }
  if (m_multiple == valohai::MultipleMode::repeat) {
    for (const auto& item : items) {
      VHTASK_TRY(write_pieces(sink, m_template, item));
    }
    return {};
  }
  return write_joined(sink, m_template, items, m_separator);
}

}  // namespace vhtask::common::render
