#include "tests/support/malformed_corpus.h"

#include "tests/support/test_paths.h"

#include <sstream>

namespace vhtask::test {

std::string malformed_dir() {
  return data_dir() + "/malformed";
}

std::vector<MalformedCase> malformed_corpus() {
  std::vector<MalformedCase> out;
  std::istringstream in(read_file(malformed_dir() + "/EXPECTED.txt"));
  std::string text;
  while (std::getline(in, text)) {
    if (text.empty() || text[0] == '#') {
      continue;
    }
    std::istringstream fields(text);
    MalformedCase c;
    fields >> c.file >> c.line;
    std::getline(fields >> std::ws, c.substring);
    out.push_back(c);
  }
  return out;
}

}  // namespace vhtask::test
