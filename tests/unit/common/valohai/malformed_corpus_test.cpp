// The malformed-file corpus: tests/data/malformed/*.yaml, one concept each, with the line and a
// message substring of the first error listed in tests/data/malformed/EXPECTED.txt.

#include "tests/support/malformed_corpus.h"

#include "common/valohai/config_loader.h"
#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace vhtask::common {
namespace {

TEST(MalformedCorpus, EachFileFailsAtTheExpectedLineWithTheExpectedMessage) {
  const std::string dir = test::malformed_dir();
  const auto expectations = test::malformed_corpus();
  ASSERT_GE(expectations.size(), 35u);
  std::set<std::string> listed;
  for (const auto& e : expectations) {
    listed.insert(e.file);
    auto loaded = valohai::load_config_file(dir + "/" + e.file);
    ASSERT_TRUE(loaded.has_value()) << e.file;
    const Diagnostics& d = loaded->diagnostics;
    ASSERT_TRUE(d.has_errors()) << e.file;
    const auto first = std::find_if(d.all().begin(), d.all().end(), [](const Diagnostic& x) {
      return x.severity == Diagnostic::Severity::error;
    });
    EXPECT_EQ(first->mark.line, e.line) << e.file << ": " << first->to_string();
    EXPECT_GT(first->mark.column, 0) << e.file << ": " << first->to_string();
    EXPECT_NE(first->message.find(e.substring), std::string::npos)
        << e.file << ": " << first->to_string() << "\n  expected to contain: " << e.substring;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") {
      EXPECT_TRUE(listed.count(entry.path().filename().string())) << entry.path() << " unlisted";
    }
  }
}

}  // namespace
}  // namespace vhtask::common
