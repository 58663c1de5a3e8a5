#include "daemon/follow/metadata_scanner.h"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vhtask::daemon {
namespace {

using Kind = store::MetadataLine::Kind;

// Feeds `log` in pieces of `piece` bytes (the whole at once when 0), then finish() if asked.
std::vector<store::MetadataLine> scan(
    const std::string& log, std::size_t piece = 0, bool finish = true,
    std::size_t max_line = follow::MetadataScanner::k_default_max_line,
    follow::MetadataScanner* keep = nullptr) {
  follow::MetadataScanner local(0, max_line);
  follow::MetadataScanner& scanner = keep != nullptr ? *keep : local;
  std::vector<store::MetadataLine> out;
  const std::size_t step = piece == 0 ? log.size() : piece;
  for (std::size_t at = 0; at < log.size(); at += step) {
    scanner.feed(std::string_view(log).substr(at, step), out);
  }
  if (finish) {
    scanner.finish(out);
  }
  return out;
}

std::vector<std::string> texts(const std::vector<store::MetadataLine>& lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) {
    out.push_back(line.kind == Kind::event ? line.text : "<dropped>");
  }
  return out;
}

TEST(MetadataScanner, FindsObjectLinesAmongOrdinaryOutput) {
  const std::string log =
      "epoch 1\n{\"loss\": 0.5}\nnot {\"json\": 1} here\n  \t{\"acc\": 1}  \r\n[1, 2]\n{bad\n";
  const auto lines = scan(log);
  EXPECT_EQ(texts(lines), (std::vector<std::string>{"{\"loss\": 0.5}", "{\"acc\": 1}"}));
  EXPECT_EQ(lines[0].object.at("loss").as_double(), 0.5);
  EXPECT_EQ(lines[0].end, 22);  // just past its '\n'
}

TEST(MetadataScanner, SameLinesWhateverTheReadSizes) {
  std::string log;
  for (int i = 0; i < 200; ++i) {
    log += "step " + std::to_string(i) + " {not metadata}\n";
    log += (i % 3 == 0 ? "   " : "") + std::string("{\"i\": ") + std::to_string(i) + "}\n";
  }
  const auto whole = texts(scan(log));
  ASSERT_EQ(whole.size(), 200U);
  for (const std::size_t piece : {1U, 2U, 3U, 7U, 64U, 4096U}) {
    EXPECT_EQ(texts(scan(log, piece)), whole) << "piece " << piece;
  }
}

TEST(MetadataScanner, KeepsAPartialLastLineUntilItEndsOrTheLogDoes) {
  follow::MetadataScanner scanner;
  std::vector<store::MetadataLine> out;
  scanner.feed("x\n{\"a\": ", out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(scanner.consumed(), 2);  // the partial line starts after "x\n"
  scanner.feed("1}", out);
  EXPECT_TRUE(out.empty());
  scanner.finish(out);  // the execution ended without a final '\n'
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].text, "{\"a\": 1}");
  EXPECT_EQ(scanner.consumed(), 10);
}

TEST(MetadataScanner, ConsumedIsAlwaysALineStartToResumeFrom) {
  const std::string log = "{\"a\": 1}\nplain text\n{\"b\": 2}\n{\"c\":";
  follow::MetadataScanner first;
  std::vector<store::MetadataLine> out;
  first.feed(log, out);
  EXPECT_EQ(out.size(), 2U);
  const auto resume = first.consumed();
  EXPECT_EQ(log.substr(static_cast<std::size_t>(resume)), "{\"c\":");
  // A new scanner (a restarted daemon) resumes there and sees the rest once.
  follow::MetadataScanner second(resume);
  std::vector<store::MetadataLine> rest;
  second.feed(std::string_view(log).substr(static_cast<std::size_t>(resume)), rest);
  second.feed(" 3}\n", rest);
  ASSERT_EQ(rest.size(), 1U);
  EXPECT_EQ(rest[0].text, "{\"c\": 3}");
}

TEST(MetadataScanner, SkipsAndCountsOverlongLinesWithoutKeepingThem) {
  const std::string huge = "{\"blob\": \"" + std::string(5000, 'x') + "\"}";
  const std::string log = "{\"a\": 1}\n" + huge + "\n{\"b\": 2}\n" + huge;
  for (const std::size_t piece : {0U, 100U}) {
    const auto lines = scan(log, piece, true, 1000);
    EXPECT_EQ(texts(lines),
              (std::vector<std::string>{"{\"a\": 1}", "<dropped>", "{\"b\": 2}", "<dropped>"}))
        << "piece " << piece;
  }
  // A line that is not a candidate is never counted, however long.
  EXPECT_TRUE(scan(std::string(5000, 'y') + "\n", 100, true, 1000).empty());
}

TEST(MetadataScanner, IgnoresWhatIsNotOneJsonObject) {
  const std::string log =
      "{}\n{\"a\": 1} {\"b\": 2}\n\"{}\"\n{\"bad\": \"\xff\xfe\"}\n{\"nested\": {\"x\": [1]}}\n";
  EXPECT_EQ(texts(scan(log)), (std::vector<std::string>{"{}", "{\"nested\": {\"x\": [1]}}"}));
}

TEST(MetadataScanner, BraceOnlyAfterSpacesOrTabsBeginsALine) {
  EXPECT_EQ(texts(scan("x{\"a\": 1}\n\t {\"b\": 2}\n")), (std::vector<std::string>{"{\"b\": 2}"}));
  EXPECT_TRUE(scan("{\"a\": 1}", 0, false).empty());  // not finished: still partial
}

}  // namespace
}  // namespace vhtask::daemon
