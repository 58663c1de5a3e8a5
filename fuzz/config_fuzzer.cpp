// libFuzzer target: the valohai.yaml loader and the command renderer. The input is valohai.yaml
// text; every step it yields is rendered with its defaults, then with NAME=VALUE arguments cut
// from the input's last bytes (so values follow the input too). Nothing may crash, leak or hit
// UB, whatever the diagnostics say.

#include "common/render/render.h"
#include "common/valohai/config_loader.h"
#include "common/valohai/parameter_values.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace vhtask::common;
using namespace vhtask::common::valohai;
using namespace vhtask::common::render;

constexpr std::size_t k_value_bytes = 64;  // the input's tail that values are cut from
constexpr std::size_t k_max_args = 4;

// NAME=VALUE arguments for `step`: the input's tail split at '\n', each piece given to the next
// parameter in turn; a piece starting with '!' is passed raw (no name, maybe no '=').
std::vector<std::string> derive_args(const Step& step, std::string_view text) {
  std::vector<std::string> args;
  std::string_view tail = text.substr(text.size() - std::min(text.size(), k_value_bytes));
  std::size_t param = 0;
  while (args.size() < k_max_args && !tail.empty()) {
    const auto end = std::min(tail.find('\n'), tail.size());
    const auto piece = tail.substr(0, end);
    tail.remove_prefix(std::min(end + 1, tail.size()));
    if (!piece.empty() && piece.front() == '!') {
      args.emplace_back(piece.substr(1));
    } else if (!step.parameters.empty()) {
      const auto& name = step.parameters[param++ % step.parameters.size()].name;
      args.push_back(name + "=" + std::string(piece));
    }
  }
  return args;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto loaded = load_config(text, "fuzz.yaml");
  for (const auto& step : loaded.config.steps) {
    (void)render_command(step, {});
    const auto given = parse_parameter_args(step, derive_args(step, text));
    if (given) {
      (void)render_command(step, *given);
      (void)validate_values(step, effective_values(step, *given));
    }
  }
  return 0;
}
