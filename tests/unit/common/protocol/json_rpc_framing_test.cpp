#include "common/protocol/json_rpc_framing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vhtask::common::protocol {
namespace {

std::vector<Frame> drain(LineBuffer& buffer) {
  std::vector<Frame> frames;
  while (auto frame = buffer.next()) {
    frames.push_back(std::move(*frame));
  }
  return frames;
}

Frame line(std::string text) {
  return {Frame::Kind::line, std::move(text)};
}
const Frame k_oversize{Frame::Kind::oversize, {}};

TEST(LineBuffer, SplitsLinesAcrossReads) {
  LineBuffer buffer;
  buffer.append("{\"a\":");
  EXPECT_FALSE(buffer.next());
  EXPECT_EQ(buffer.partial_bytes(), 5u);
  buffer.append("1}\n{\"b\":2}\r\n\n{\"c\"");
  EXPECT_EQ(drain(buffer), (std::vector<Frame>{line("{\"a\":1}"), line("{\"b\":2}")}));
  buffer.append(":3}\n");
  EXPECT_EQ(drain(buffer), (std::vector<Frame>{line("{\"c\":3}")}));
  EXPECT_EQ(buffer.partial_bytes(), 0u);
}

TEST(LineBuffer, AnOversizeLineIsReportedOnceAndSkipped) {
  LineBuffer buffer(10);
  buffer.append("0123456789\n");  // exactly the limit: fine
  // Over the limit with no newline yet: reported at once. (One byte of slack is kept for a '\r'.)
  buffer.append("0123456789AB");
  EXPECT_EQ(drain(buffer), (std::vector<Frame>{line("0123456789"), k_oversize}));
  EXPECT_TRUE(buffer.discarding());
  buffer.append(std::string(1000, 'x'));
  EXPECT_FALSE(buffer.next());
  EXPECT_EQ(buffer.partial_bytes(), 0u);  // memory stays bounded
  buffer.append("yyy\nok\n");
  EXPECT_EQ(drain(buffer), (std::vector<Frame>{line("ok")}));
  EXPECT_FALSE(buffer.discarding());
}

TEST(LineBuffer, AnOversizeLineInOneReadKeepsItsNeighbours) {
  LineBuffer buffer(4);
  buffer.append("a\n0123456789\nb\n12345\r\n1234\r\n");
  EXPECT_EQ(drain(buffer),
            (std::vector<Frame>{line("a"), k_oversize, line("b"), k_oversize, line("1234")}));
}

TEST(LineBuffer, TheDefaultLimitIsOneMebibyte) {
  LineBuffer buffer;
  const std::string big(k_max_message_bytes, 'x');
  buffer.append(big + "\n" + big + "x\nnext\n");
  const auto frames = drain(buffer);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].text.size(), k_max_message_bytes);
  EXPECT_EQ(frames[1], k_oversize);
  EXPECT_EQ(frames[2], line("next"));
}

}  // namespace
}  // namespace vhtask::common::protocol
