#include "client/run.h"

#include "client/commands.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

namespace vhtask::client {

int run(int argc, char** argv) {
  CLI::App app{"vhtask: run valohai.yaml steps over parameter grids"};
  app.set_version_flag("--version", std::string("vhtask ") + VHTASK_VERSION);
  app.require_subcommand(1);
  int exit_code = k_exit_ok;
  register_lint(app, exit_code);
  register_render(app, exit_code);
  register_start(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? k_exit_ok : k_exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "vhtask: " << e.what() << "\n";
    return k_exit_usage;
  }
  return exit_code;
}

}  // namespace vhtask::client
