#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vhtask::test {

namespace {

std::string from_env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return (value != nullptr && *value != '\0') ? value : fallback;
}

}  // namespace

std::string data_dir() {
  return VHTASK_TEST_DATA_DIR;
}
std::string source_dir() {
  return VHTASK_SOURCE_DIR;
}
std::string client_binary() {
  return from_env_or("VHTASK_CLIENT_BINARY", VHTASK_CLIENT_BINARY);
}
std::string daemon_binary() {
  return from_env_or("VHTASK_DAEMON_BINARY", VHTASK_DAEMON_BINARY);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace vhtask::test
