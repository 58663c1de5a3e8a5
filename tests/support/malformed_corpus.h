#pragma once

// The malformed valohai.yaml corpus (tests/data/malformed/): each file with the line and a
// message substring its first error must have, as listed in EXPECTED.txt. Shared by the loader's
// unit test and the `vhtask lint` integration test.

#include <string>
#include <vector>

namespace vhtask::test {

struct MalformedCase {
  std::string file;  // a name in malformed_dir()
  int line = 0;
  std::string substring;
};

std::string malformed_dir();
std::vector<MalformedCase> malformed_corpus();

}  // namespace vhtask::test
