#include "client/failure.h"

#include "client/terminal_text.h"

#include <iostream>

namespace vhtask::client {

int report(const Failure& failure) {
  std::cout.flush();
  // Messages echo user input (names, values) and the daemon's words: no raw control bytes.
  std::cerr << "vhtask: " << escape_controls_keep_newlines(failure.message) << "\n";
  if (!failure.hint.empty()) {
    std::cerr << "hint: " << escape_controls_keep_newlines(failure.hint) << "\n";
  }
  return failure.exit_code;
}

}  // namespace vhtask::client
