#pragma once

// Where tests find their data and the binaries under test. Paths are fixed at build time;
// VHTASK_CLIENT_BINARY / VHTASK_DAEMON_BINARY in the environment override the built ones, so the
// same tests can drive an installed copy.

#include <string>

namespace vhtask::test {

// tests/data in the source tree, and the source tree's root.
std::string data_dir();
std::string source_dir();

// The vhtask client and vhtaskd daemon binaries to run.
std::string client_binary();
std::string daemon_binary();

// The whole content of a file; fails the current test (and returns "") if it can't be read.
std::string read_file(const std::string& path);

}  // namespace vhtask::test
