#include "daemon/app/options.h"

#include "common/paths.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <thread>

namespace vhtask::daemon::app {

Result<std::optional<Options>> parse_options(int argc, char** argv) {
  Options o;
  o.state_dir = common::default_state_dir();
  o.socket = common::default_socket_path();
  CLI::App app{"vhtaskd: the vhtask daemon (runs executions, keeps their history)"};
  app.add_flag("--version", o.show_version, "Print the version and exit");
  app.add_option("--state-dir", o.state_dir, "Database and execution directories")
      ->capture_default_str();
  app.add_option("--socket", o.socket, "The Unix socket clients connect to")->capture_default_str();
  app.add_option("--db", o.db, "The SQLite database (default: STATE_DIR/vhtask.db)");
  app.add_option("--log-dir", o.log_dir,
                 "Where execution directories go (default: STATE_DIR/executions)");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_option("--parallel", o.parallel, "Executions running at once (default: CPUs)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--grace", o.grace_seconds, "Seconds between SIGTERM and SIGKILL on stop")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--executor", o.executor,
                 "Where tasks run unless `vhtask start --executor` says: local or slurm")
      ->check(CLI::IsMember({"local", "slurm"}))
      ->capture_default_str();
  app.add_flag("--foreground", o.foreground, "Run in the foreground (logs to stderr)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return std::optional<Options>();
  } catch (const CLI::ParseError& e) {
    return Error::invalid_argument(std::string(e.what()) + "\nRun vhtaskd --help for the flags.");
  }
  if (o.db.empty()) {
    o.db = common::database_path(o.state_dir);
  }
  if (o.log_dir.empty()) {
    o.log_dir = common::executions_dir(o.state_dir);
  }
  if (o.parallel == 0) {
    o.parallel = std::max(1u, std::thread::hardware_concurrency());
  }
  return std::optional<Options>(o);
}

}  // namespace vhtask::daemon::app
