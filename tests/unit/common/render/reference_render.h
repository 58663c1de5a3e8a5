#pragma once

// The pre-CommandRenderer implementation of spec 2.3, kept as a test oracle: every value goes
// through std::map lookups, split_template/fill_template per execution and python_format.
// Pure; thread-safe. Test-only.

#include "common/result.h"
#include "common/valohai/config.h"
#include "common/valohai/parameter_values.h"

#include <string>
#include <vector>

namespace vhtask::common::reference {

Result<std::vector<std::string>> format_cli(const valohai::Parameter& parameter,
                                            const Value& value);

Result<std::string> render_command(const valohai::Step& step,
                                   const valohai::ParameterValues& given);

}  // namespace vhtask::common::reference
