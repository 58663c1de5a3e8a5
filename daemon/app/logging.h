#pragma once

// The daemon's log: spdlog to stderr, without timestamps when JOURNAL_STREAM says stderr is the
// systemd journal (which stamps lines itself), with repeated lines rate-limited
// (daemon/app/repeat_limit_sink.h). Called once at start-up.

#include <string>

namespace vhtask::daemon::app {

// `level` is one of trace, debug, info, warn, error (validated by the option parser).
void setup_logging(const std::string& level);

}  // namespace vhtask::daemon::app
