#pragma once

// MetadataLine: one metadata line of an execution's output.log, as the scanner
// (daemon/follow/metadata_scanner.h) finds it and the store (Store::append_metadata) records it
// (schema/README.md, "Metadata"). Plain value; no thread restrictions.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

namespace vhtask::daemon::store {

struct MetadataLine {
  enum class Kind { event, dropped };
  Kind kind = Kind::event;
  std::int64_t end = 0;        // the log offset just past the line (and its '\n')
  std::string text;            // event: the object as printed, whitespace stripped
  boost::json::object object;  // event: the parsed object
};

}  // namespace vhtask::daemon::store
