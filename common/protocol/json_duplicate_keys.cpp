#include "common/protocol/json_duplicate_keys.h"

#include <boost/json/basic_parser_impl.hpp>

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace vhtask::common::protocol {

namespace {

namespace json = boost::json;

// One open object or array: the keys seen so far (objects), or the next element's index.
struct Frame {
  bool object = false;
  std::unordered_set<std::string> keys;
  std::string key;  // the key whose value is being read (objects)
  std::size_t index = 0;
};

// basic_parser's handler: records the path of the first repeated key and stops the parse there.
class DuplicateFinder {
public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::optional<std::string> duplicate;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    begin_value();
    m_stack.push_back(Frame{true, {}, {}, 0});
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    m_stack.pop_back();
    return true;
  }
  bool on_array_begin(json::error_code&) {
    begin_value();
    m_stack.push_back(Frame{false, {}, {}, 0});
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    m_stack.pop_back();
    return true;
  }
  bool on_key_part(json::string_view part, std::size_t, json::error_code&) {
    m_key.append(part.data(), part.size());
    return true;
  }
  bool on_key(json::string_view part, std::size_t, json::error_code& ec) {
    m_key.append(part.data(), part.size());
    Frame& frame = m_stack.back();
    if (!frame.keys.insert(m_key).second) {
      frame.key = std::move(m_key);
      duplicate = path();
      ec = make_error_code(boost::system::errc::invalid_argument);
      return false;
    }
    frame.key = std::move(m_key);
    m_key.clear();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return scalar(); }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return scalar(); }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return scalar(); }
  bool on_double(double, json::string_view, json::error_code&) { return scalar(); }
  bool on_bool(bool, json::error_code&) { return scalar(); }
  bool on_null(json::error_code&) { return scalar(); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

private:
  // A value starts: in an array it takes the next index.
  void begin_value() {
    if (!m_stack.empty() && !m_stack.back().object) {
      m_stack.back().key = std::to_string(m_stack.back().index++);
    }
  }
  bool scalar() {
    begin_value();
    return true;
  }
  std::string path() const {
    std::string out;
    for (const Frame& frame : m_stack) {
      if (frame.object) {
        if (!out.empty()) {
          out += '.';
        }
        out += frame.key;
      } else {
        out += '[' + frame.key + ']';
      }
    }
    return out;
  }

  std::vector<Frame> m_stack;
  std::string m_key;  // the key being read, when it comes in parts
};

}  // namespace

std::optional<std::string> find_duplicate_key(std::string_view text) {
  json::basic_parser<DuplicateFinder> parser{json::parse_options{}};
  json::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return std::move(parser.handler().duplicate);
}

}  // namespace vhtask::common::protocol
