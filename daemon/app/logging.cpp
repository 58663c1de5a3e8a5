#include "daemon/app/logging.h"

#include "daemon/app/repeat_limit_sink.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>

namespace vhtask::daemon::app {

namespace {

// True when stderr is the journal's stream: JOURNAL_STREAM is "DEV:INODE" of that stream.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (stream == nullptr || fstat(2, &st) != 0) {
    return false;
  }
  const std::string expected = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  return expected == stream;
}

}  // namespace

void setup_logging(const std::string& level) {
  // A line repeated in a loop (accept failing with EMFILE) is printed at most 5 times a second.
  auto sink = std::make_shared<RepeatLimitSink>(std::make_shared<spdlog::sinks::stderr_sink_st>(),
                                                5, std::chrono::seconds(1));
  auto logger = std::make_shared<spdlog::logger>("vhtaskd", std::move(sink));
  logger->set_pattern(stderr_is_journal() ? "%l: %v" : "%Y-%m-%dT%H:%M:%S.%e %l: %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

}  // namespace vhtask::daemon::app
