#include "client/rpc/failure.h"

#include "client/view/terminal_text.h"

#include <iostream>

namespace vhtask::client::rpc {

int report(const Failure& failure) {
  std::cout.flush();
  // Messages echo user input (names, values) and the daemon's words: no raw control bytes.
  std::cerr << "vhtask: " << view::escape_controls_keep_newlines(failure.message) << "\n";
  if (!failure.hint.empty()) {
    std::cerr << "hint: " << view::escape_controls_keep_newlines(failure.hint) << "\n";
  }
  return failure.exit_code;
}

}  // namespace vhtask::client::rpc
