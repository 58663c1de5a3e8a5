#include "client/app/run.h"

#include "client/commands/commands.h"
#include "client/rpc/global_options.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

namespace vhtask::client::app {

int run(int argc, char** argv) {
  CLI::App app{"vhtask: run valohai.yaml steps over parameter grids"};
  app.set_version_flag("--version", std::string("vhtask ") + VHTASK_VERSION);
  app.require_subcommand(1);
  // Global options may also follow the subcommand: `vhtask status --socket S`.
  app.fallthrough();
  app.footer(
      "Exit status: 0 success; 1 executions failed (start --wait, wait, logs -f); 2 usage or "
      "validation error; 3 the daemon can't be reached.");
  rpc::GlobalOptions global;
  rpc::add_global_options(app, global);
  int exit_code = rpc::k_exit_ok;
  commands::register_lint(app, exit_code);
  commands::register_render(app, exit_code);
  commands::register_start(app, global, exit_code);
  commands::register_status(app, global, exit_code);
  commands::register_show(app, global, exit_code);
  commands::register_outputs(app, global, exit_code);
  commands::register_compare(app, global, exit_code);
  commands::register_logs(app, global, exit_code);
  commands::register_rerun(app, global, exit_code);
  commands::register_wait(app, global, exit_code);
  commands::register_stop(app, global, exit_code);
  commands::register_parallel(app, global, exit_code);
  commands::register_shutdown(app, global, exit_code);
  commands::register_daemon(app, global, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? rpc::k_exit_ok : rpc::k_exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "vhtask: " << e.what() << "\n";
    return rpc::k_exit_usage;
  }
  return exit_code;
}

}  // namespace vhtask::client::app
