#include "tests/support/start_params.h"

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

boost::json::object grid_task(int count, const std::string& command,
                              const std::string& extra_parameters) {
  const std::string yaml = "- step:\n    name: s\n    image: busybox\n    command: " +
                           yaml_quote(command) +
                           "\n    parameters:\n      - name: i\n        type: integer\n" +
                           extra_parameters;
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
