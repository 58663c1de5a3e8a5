#include "daemon/app/repeat_limit_sink.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vhtask::daemon {
namespace {

using namespace std::chrono_literals;

// Records the payload of every line that reaches it.
class RecordingSink : public spdlog::sinks::sink {
public:
  std::vector<std::string>* lines;
  explicit RecordingSink(std::vector<std::string>* out) : lines(out) {}
  void log(const spdlog::details::log_msg& msg) override {
    lines->emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush() override {}
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}
};

spdlog::details::log_msg message(spdlog::log_clock::time_point at, const std::string& text,
                                 spdlog::level::level_enum level = spdlog::level::warn) {
  return spdlog::details::log_msg(at, {}, "test", level, text);
}

TEST(RepeatLimitSink, RepeatsBeyondTheBurstAreCountedAndReportedOnTheNextLinePassed) {
  std::vector<std::string> lines;
  const auto t0 = spdlog::log_clock::now();
  {
    app::RepeatLimitSink sink(std::make_shared<RecordingSink>(&lines), 2, 1000ms);
    for (int i = 0; i < 1000; ++i) {
      sink.log(message(t0 + std::chrono::microseconds(i), "accept: Too many open files"));
    }
    sink.log(message(t0 + 10ms, "another line"));  // other texts are not held back
    sink.log(message(t0 + 10ms, "accept: Too many open files", spdlog::level::err));
    sink.log(message(t0 + 1500ms, "accept: Too many open files"));
    sink.log(message(t0 + 1501ms, "accept: Too many open files"));
    sink.log(message(t0 + 1502ms, "accept: Too many open files"));  // dropped: reported at exit
  }
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "accept: Too many open files",
                       "accept: Too many open files",
                       "another line",
                       "accept: Too many open files",  // another level is another line
                       "accept: Too many open files (repeated 998 times)",
                       "accept: Too many open files",
                       "accept: Too many open files (repeated 1 times)",
                   }));
}

TEST(RepeatLimitSink, ManyDistinctLinesAreAllPassedAndMemoryStaysBounded) {
  std::vector<std::string> lines;
  const auto t0 = spdlog::log_clock::now();
  app::RepeatLimitSink sink(std::make_shared<RecordingSink>(&lines), 1, 1000ms);
  for (int i = 0; i < 3 * static_cast<int>(app::RepeatLimitSink::k_max_tracked); ++i) {
    sink.log(message(t0, "line " + std::to_string(i)));
  }
  EXPECT_EQ(lines.size(), 3 * app::RepeatLimitSink::k_max_tracked);
}

}  // namespace
}  // namespace vhtask::daemon
