#include "daemon/run.h"

#include <cstdio>
#include <cstring>

namespace vhtask::daemon {

int run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("vhtaskd %s\n", VHTASK_VERSION);
      return 0;
    }
  }
  std::fprintf(stderr, "vhtaskd: the daemon is not implemented yet\n");
  return 2;
}

}  // namespace vhtask::daemon
