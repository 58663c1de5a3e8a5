#include "tests/support/start_params.h"

#include <algorithm>

namespace vhtask::test {

std::string yaml_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

namespace {

// `command` as the step's `command:` value: one single-quoted line, or a literal block (`|`)
// when it has several lines.
std::string command_yaml(const std::string& command) {
  if (command.find('\n') == std::string::npos) {
    return " " + yaml_quote(command) + "\n";
  }
  std::string block = " |\n";
  std::size_t begin = 0;
  while (begin < command.size()) {
    const auto end = std::min(command.find('\n', begin), command.size());
    block += "      " + command.substr(begin, end - begin) + "\n";
    begin = end + 1;
  }
  return block;
}

}  // namespace

boost::json::object grid_task(int count, const std::string& command,
                              const std::string& extra_parameters) {
  const std::string yaml =
      "- step:\n    name: s\n    image: busybox\n    command:" + command_yaml(command) +
      "    parameters:\n      - name: i\n        type: integer\n" + extra_parameters;
  const std::string grid =
      "parameters:\n  - name: i\n    style: linear\n    rules: {start: 0, end: " +
      std::to_string(count - 1) + ", step: 1}\n";
  return {{"config_text", yaml},
          {"config_file", "valohai.yaml"},
          {"step", "s"},
          {"grid_text", grid},
          {"grid_file", "grid.yaml"},
          {"cwd", "/tmp"},
          {"env", boost::json::object{{"PATH", "/usr/bin:/bin"}}}};
}

}  // namespace vhtask::test
