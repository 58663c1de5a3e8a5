#include "common/python_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace vhtask::common {
namespace {

TEST(PythonRepr, MatchesPythonForTheSpecExamples) {
  EXPECT_EQ(python_repr(300.0), "300.0");
  EXPECT_EQ(python_repr(0.0001), "0.0001");
  EXPECT_EQ(python_repr(1e-05), "1e-05");
  EXPECT_EQ(python_repr(1.2e-05), "1.2e-05");
  EXPECT_EQ(python_repr(1e16), "1e+16");
  EXPECT_EQ(python_repr(1000000000000000.0), "1000000000000000.0");
  EXPECT_EQ(python_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(python_repr(-0.0), "-0.0");
  EXPECT_EQ(python_repr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(python_repr(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(python_repr(std::numeric_limits<double>::quiet_NaN()), "nan");
}

}  // namespace
}  // namespace vhtask::common
