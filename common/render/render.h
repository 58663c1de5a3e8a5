#pragma once

// Rendering a step's command byte-for-byte as Valohai does (spec 2.3). Pure; thread-safe.
// One-shot forms; to render many executions of one step, build a CommandRenderer
// (common/render/command_renderer.h) once.

#include "common/result.h"
#include "common/valohai/config.h"
#include "common/valohai/parameter_values.h"

#include <string>
#include <vector>

namespace vhtask::common::render {

// One parameter's words for the command line (`format_cli`): the pass-as template split on
// whitespace and filled per value, flags by pass-true-as/pass-false-as, multiple repeat/separate.
// Words are not yet shell-quoted. Error::invalid_argument for an unknown `{key}` or a format spec
// that does not apply to the value.
Result<std::vector<std::string>> format_cli(const valohai::Parameter& parameter,
                                            const Value& value);

// The full command of `step` with `given` values (defaults applied): placeholders filled, each
// word quoted like shlex.quote; a list command is one script: items trimmed, empty ones
// dropped, one item a line (spec 2.3 item 5).
Result<std::string> render_command(const valohai::Step& step,
                                   const valohai::ParameterValues& given);

}  // namespace vhtask::common::render
