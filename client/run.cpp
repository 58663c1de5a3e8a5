#include "client/run.h"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace vhtask::client {

int run(int argc, char** argv) {
  CLI::App app{"vhtask: run valohai.yaml steps over parameter grids"};
  app.set_version_flag("--version", std::string("vhtask ") + VHTASK_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return 0;
}

}  // namespace vhtask::client
