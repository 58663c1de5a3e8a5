#include "client/view/output.h"

#include "client/view/execution_view.h"
#include "client/view/progress.h"
#include "client/view/table.h"
#include "client/view/task_view.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>

namespace vhtask::client::view {
namespace {

using std::chrono::milliseconds;

TEST(FormatDuration, PicksTheUnitsPeopleRead) {
  EXPECT_EQ(format_duration(milliseconds(0)), "0.0s");
  EXPECT_EQ(format_duration(milliseconds(412)), "0.4s");
  EXPECT_EQ(format_duration(milliseconds(3'250)), "3.2s");
  EXPECT_EQ(format_duration(milliseconds(59'960)), "59.9s");  // never "60.0s"
  EXPECT_EQ(format_duration(milliseconds(60'000)), "1m 00s");
  EXPECT_EQ(format_duration(milliseconds(72'000)), "1m 12s");
  EXPECT_EQ(format_duration(milliseconds(65'500)), "1m 05s");
  EXPECT_EQ(format_duration(milliseconds(3'599'999)), "59m 59s");
  EXPECT_EQ(format_duration(milliseconds(7'500'000)), "2h 05m");
  EXPECT_EQ(format_duration(milliseconds(3LL * 86'400'000 + 4 * 3'600'000)), "3d 04h");
  EXPECT_EQ(format_duration(milliseconds(-5)), "0.0s");
}

TEST(Colour, NoColorAndNeverAlwaysWin) {
  EXPECT_TRUE(use_color("auto", true, false));
  EXPECT_FALSE(use_color("auto", false, false));
  EXPECT_TRUE(use_color("always", false, false));
  EXPECT_FALSE(use_color("never", true, false));
  EXPECT_FALSE(use_color("auto", true, true));
  EXPECT_FALSE(use_color("always", true, true));  // NO_COLOR, whatever its value
}

TEST(Colour, StyleForStdoutHonoursNoColorEvenWhenEmpty) {
  ::setenv("NO_COLOR", "", 1);
  EXPECT_FALSE(Style::for_stdout("always").color);
  ::unsetenv("NO_COLOR");
  EXPECT_TRUE(Style::for_stdout("always").color);
  EXPECT_FALSE(Style::for_stdout("never").color);
}

TEST(Colour, StatesGetTheirColoursOnlyWhenEnabled) {
  const Style on{true, false};
  const Style off{false, false};
  EXPECT_EQ(on.paint("complete", state_color("complete")), "\x1b[32mcomplete\x1b[0m");
  EXPECT_EQ(on.paint("error", state_color("error")), "\x1b[31merror\x1b[0m");
  EXPECT_EQ(on.paint("crashed", state_color("crashed")), "\x1b[31mcrashed\x1b[0m");
  EXPECT_EQ(on.paint("started", state_color("started")), "\x1b[33mstarted\x1b[0m");
  EXPECT_EQ(on.paint("stopped", state_color("stopped")), "\x1b[90mstopped\x1b[0m");
  EXPECT_EQ(on.paint("queued", state_color("queued")), "queued");
  EXPECT_EQ(off.paint("complete", state_color("complete")), "complete");
}

TEST(VisibleWidth, SkipsEscapesAndCountsCodePoints) {
  EXPECT_EQ(visible_width("abc"), 3u);
  EXPECT_EQ(visible_width("\x1b[32mabc\x1b[0m"), 3u);
  EXPECT_EQ(visible_width("päivä"), 5u);
  EXPECT_EQ(truncate_visible("abcdef", 3), "abc");
  EXPECT_EQ(truncate_visible("\x1b[32mabcdef\x1b[0m", 2), "\x1b[32mab\x1b[0m\x1b[0m");
  EXPECT_EQ(truncate_visible("päivä", 2), "pä");
  EXPECT_EQ(truncate_visible("ab", 5), "ab");
}

TEST(Table, AlignsColumnsWithoutTrailingSpaces) {
  Table table({{"ID", Align::right}, {"STATE"}, {"LR"}});
  table.add_row({"7", "complete", "0.1"});
  table.add_row({"12", "error", "-"});
  EXPECT_EQ(table.render(Style{}),
            "ID  STATE     LR\n"
            " 7  complete  0.1\n"
            "12  error     -\n");
}

TEST(Table, ColouredCellsAlignByWhatIsVisible) {
  Table table({{"STATE"}, {"N", Align::right}});
  table.add_row({{"complete", Color::green}, "1"});
  table.add_row({{"error", Color::red}, "10"});
  EXPECT_EQ(table.render(Style{true, false}),
            "STATE      N\n"
            "\x1b[32mcomplete\x1b[0m   1\n"
            "\x1b[31merror\x1b[0m     10\n");
}

TEST(Timestamps, ParseTheProtocolsFormat) {
  const auto t = parse_timestamp("2024-05-01T12:00:00.123Z");
  ASSERT_TRUE(t);
  const auto base = parse_timestamp("2024-05-01T12:00:00Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(*t - *base).count(), 123);
  EXPECT_FALSE(parse_timestamp(""));
  EXPECT_FALSE(parse_timestamp("yesterday"));
  EXPECT_FALSE(parse_timestamp("2024-05-01T12:00:00.1Zjunk"));
  EXPECT_EQ(elapsed_between("2024-05-01T12:00:00.000Z", "2024-05-01T12:01:12.500Z"),
            milliseconds(72'500));
  EXPECT_FALSE(elapsed_between("", "2024-05-01T12:01:12.500Z"));
}

boost::json::object summary() {
  return boost::json::parse(R"({"id": 12, "step": "train", "type": "grid_search", "state": "error",
      "count": 10, "counts": {"queued": 3, "complete": 5, "error": 1, "started": 1},
      "created_at": "2024-05-01T12:00:00.000Z", "finished_at": "2024-05-01T12:01:12.000Z",
      "varying": ["lr"]})")
      .as_object();
}

TEST(Progress, CountsInStateOrderAndABar) {
  const auto progress = TaskProgress::from_summary(summary());
  EXPECT_EQ(progress.finished(), 6);
  EXPECT_EQ(counts_text(progress, Style{}), "5 complete, 1 error, 1 started, 3 queued");
  EXPECT_EQ(progress_line(progress, Style{}, 200),
            "[==============>         ] 6/10  5 complete, 1 error, 1 started, 3 queued  1m 12s");
  EXPECT_EQ(visible_width(progress_line(progress, Style{true, true}, 20)), 20u);
}

TEST(TaskView, OutcomeLineAndList) {
  EXPECT_EQ(render_task_outcome(summary(), Style{}),
            "Task 12 error: 5 complete, 1 error, 1 started, 3 queued in 1m 12s\n");
  boost::json::array tasks{summary()};
  const auto text = render_task_list(tasks, Style{});
  EXPECT_NE(text.find("ID  STEP   STATE  DONE  COUNTS"), std::string::npos) << text;
  EXPECT_NE(text.find("12  train  error  6/10  5 complete"), std::string::npos) << text;
  EXPECT_EQ(render_task_list({}, Style{}), "No tasks yet; start one with `vhtask start STEP`.\n");
}

TEST(ExecutionView, TableShowsVaryingParametersAndExitOrSignal) {
  const auto executions = boost::json::parse(R"([
      {"id": 301, "index": 0, "attempt": 1, "state": "complete", "exit_code": 0, "signal": null,
       "parameters": {"lr": 0.1, "epochs": 10}, "started_at": "2024-05-01T12:00:00.000Z",
       "finished_at": "2024-05-01T12:00:03.200Z"},
      {"id": 302, "index": 1, "attempt": 1, "state": "crashed", "exit_code": null, "signal": 9,
       "parameters": {"lr": 1e-05, "epochs": 10}, "started_at": "2024-05-01T12:00:00.000Z",
       "finished_at": "2024-05-01T12:02:05.000Z"},
      {"id": 303, "index": 2, "attempt": 1, "state": "queued", "exit_code": null,
       "parameters": {"lr": 300.0, "epochs": 10}}])")
                              .as_array();
  EXPECT_EQ(render_execution_table(executions, {"lr"}, Style{}),
            "EXEC  INDEX  STATE        EXIT  DURATION  lr\n"
            " 301      0  complete        0      3.2s  0.1\n"
            " 302      1  crashed   SIGKILL    2m 05s  1e-05\n"
            " 303      2  queued          -         -  300.0\n")
      << "EXIT is right-aligned to its widest cell";
}

}  // namespace
}  // namespace vhtask::client::view
