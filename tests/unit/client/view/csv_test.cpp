#include "client/view/csv.h"

#include <gtest/gtest.h>

namespace vhtask::client::view {
namespace {

TEST(Csv, QuotesOnlyWhatRfc4180Needs) {
  EXPECT_EQ(csv_field("loss"), "loss");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("0.25"), "0.25");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field(" padded "), "\" padded \"");
  EXPECT_EQ(csv_field("[1, 2]"), "\"[1, 2]\"");
}

TEST(Csv, RecordsEndInCrlf) {
  EXPECT_EQ(csv_record({"id", "loss"}), "id,loss\r\n");
  EXPECT_EQ(csv_record({"1", "", "x,y"}), "1,,\"x,y\"\r\n");
}

}  // namespace
}  // namespace vhtask::client::view
