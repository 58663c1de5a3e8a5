#pragma once

// What PyYAML (the reference's YAML reader) rejects but yaml-cpp accepts, found by a scan of the
// text that follows PyYAML's scanner rules closely enough for valohai.yaml files:
// - a quoted scalar ('...' or "...") that is not closed before the end of the text
//   (PyYAML: "while scanning a quoted scalar ... found unexpected end of stream");
// - a tab anywhere outside a quoted scalar, a comment or a block scalar's content (PyYAML skips
//   only spaces between tokens and ends plain scalars at a tab: "found character '\t' that
//   cannot start any token");
// - an anchor (`&name`) defined twice in one document ("found duplicate anchor");
// - a `%` directive that is not followed by `---`, or that comes after a document's content
//   without `...` ("expected '<document start>'").
// Run after yaml-cpp accepted the text (its own errors come first). Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace vhtask::common::yaml {

struct YamlStrictProblem {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
  std::string message;
};

// The first problem in `text` (UTF-8, without a BOM), or nullopt.
std::optional<YamlStrictProblem> find_pyyaml_strictness_problem(std::string_view text);

}  // namespace vhtask::common::yaml
