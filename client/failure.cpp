#include "client/failure.h"

#include <iostream>

namespace vhtask::client {

int report(const Failure& failure) {
  std::cout.flush();
  std::cerr << "vhtask: " << failure.message << "\n";
  if (!failure.hint.empty()) {
    std::cerr << "hint: " << failure.hint << "\n";
  }
  return failure.exit_code;
}

}  // namespace vhtask::client
