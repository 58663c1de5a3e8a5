#include "common/render/render.h"

#include "common/render/command_renderer.h"
#include "common/render/parameter_words.h"

namespace vhtask::common::render {

Result<std::vector<std::string>> format_cli(const valohai::Parameter& parameter,
                                            const Value& value) {
  std::vector<std::string> words;
  WordSink sink(words);
  VHTASK_TRY(ParameterWords(parameter).write(sink, value));
  return words;
}

Result<std::string> render_command(const valohai::Step& step,
                                   const valohai::ParameterValues& given) {
  return CommandRenderer(step).render(given);
}

}  // namespace vhtask::common::render
