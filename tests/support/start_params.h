#pragma once

// `start` params for the integration tests that talk JSON-RPC to a real daemon: a one-step
// project given inline (`config_text`, `grid_text`), so a test needs no files on disk.

#include <boost/json/object.hpp>

#include <string>

namespace vhtask::test {

// YAML single-quoted scalar of `text`: only ' needs escaping (as '').
std::string yaml_quote(const std::string& text);

// A step `s` (image busybox) running `command` (a literal block when it has several lines), with an
// integer parameter `i` and the YAML lines `extra_parameters` (indented for the step's
// `parameters:` list), over i = 0..count-1, in /tmp with PATH=/usr/bin:/bin. REQUIRES: count >= 1.
boost::json::object grid_task(int count, const std::string& command,
                              const std::string& extra_parameters = "");

}  // namespace vhtask::test
