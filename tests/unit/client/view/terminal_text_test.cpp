#include "client/view/terminal_text.h"

#include "client/view/table.h"

#include <gtest/gtest.h>

namespace vhtask::client::view {
namespace {

TEST(TerminalText, EscapesEveryControlCharacterVisibly) {
  EXPECT_EQ(escape_controls("\x1b]0;title\a"), "\\x1b]0;title\\x07");
  EXPECT_EQ(escape_controls("\x1b[1;31mred"), "\\x1b[1;31mred");
  EXPECT_EQ(escape_controls("a\r\nb\tc"), "a\\r\\nb\\tc");
  EXPECT_EQ(escape_controls(std::string("nul\0del\x7f", 8)), "nul\\x00del\\x7f");
  // C1 controls as UTF-8 (U+009B is CSI on terminals that take 8-bit controls).
  EXPECT_EQ(escape_controls("\xc2\x9b"
                            "31m \xc2\x80"),
            "\\u009b31m \\u0080");
  // Bytes that are not UTF-8: a lone C1 byte, a truncated sequence, an overlong form.
  EXPECT_EQ(escape_controls("\x9b"
                            "1m"),
            "\\x9b1m");
  EXPECT_EQ(escape_controls("\xe2\x82"), "\\xe2\\x82");
  EXPECT_EQ(escape_controls("\xc0\xaf"), "\\xc0\\xaf");
}

TEST(TerminalText, KeepsPrintableTextAndUnicode) {
  EXPECT_EQ(escape_controls("loss = 0.5, é ✓ 😀 \xc2\xa0"), "loss = 0.5, é ✓ 😀 \xc2\xa0");
  EXPECT_EQ(escape_controls("C:\\path"), "C:\\path");
}

TEST(TerminalText, KeepsNewlinesOnlyWhenAsked) {
  EXPECT_EQ(escape_controls_keep_newlines("line 1\nline\x1b[2K 2\r"), "line 1\nline\\x1b[2K 2\\r");
}

TEST(TerminalText, TableCellsAndHeadersAreEscapedButPreformattedCellsAreNot) {
  Table table({{"ID"}, {"P\x1b[1m"}, {"COUNTS"}});
  table.add_row({"1", "a\r\nFORGED  row", Cell::preformatted("\x1b[32m1 complete\x1b[0m")});
  const std::string out = table.render(Style{});
  EXPECT_EQ(out,
            "ID  P\\x1b[1m          COUNTS\n"
            "1   a\\r\\nFORGED  row  \x1b[32m1 complete\x1b[0m\n");
}

}  // namespace
}  // namespace vhtask::client::view
