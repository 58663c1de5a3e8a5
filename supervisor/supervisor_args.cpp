// The command line of vhtask-supervise (supervisor/supervisor.h).
#include "supervisor/supervisor.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace vhtask::supervisor {

namespace {

using std::chrono::milliseconds;

Result<milliseconds> parse_seconds(const std::string& option, const std::string& text,
                                   bool allow_zero) {
  char* end = nullptr;
  errno = 0;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(seconds) ||
      seconds < 0 || (seconds == 0 && !allow_zero) || seconds > 1e9) {
    return fail(
        Error::invalid_argument(option + ": expected a number of seconds, got '" + text + "'"));
  }
  return milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000.0)));
}

}  // namespace

Result<SuperviseOptions> parse_supervise_args(const std::vector<std::string>& args) {
  SuperviseOptions options;
  bool have_dir = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool takes_value =
        arg == "--cwd" || arg == "--time-limit" || arg == "--no-output-timeout" || arg == "--grace";
    if (takes_value && i + 1 >= args.size()) {
      return fail(Error::invalid_argument(arg + ": missing value"));
    }
    if (arg == "--cwd") {
      options.cwd = args[++i];
    } else if (arg == "--time-limit") {
      options.time_limit = VHTASK_TRY(parse_seconds(arg, args[++i], false));
    } else if (arg == "--no-output-timeout") {
      options.no_output_timeout = VHTASK_TRY(parse_seconds(arg, args[++i], false));
    } else if (arg == "--grace") {
      options.grace = VHTASK_TRY(parse_seconds(arg, args[++i], true));
    } else if (arg.empty() || arg[0] == '-' || have_dir) {
      return fail(Error::invalid_argument("unexpected argument '" + arg + "'"));
    } else {
      options.exec_dir = arg;
      have_dir = true;
    }
  }
  if (!have_dir) {
    return fail(Error::invalid_argument("missing EXEC_DIR"));
  }
  return options;
}

}  // namespace vhtask::supervisor
