// `vhtask daemon`: runs vhtaskd in the foreground in this terminal (replacing this process), with
// the global --socket and --state-dir passed through. vhtaskd is the one next to this vhtask, or
// the first in PATH.

#include "client/commands/commands.h"
#include "client/rpc/daemon_binary.h"
#include "client/rpc/failure.h"
#include "client/rpc/global_options.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace vhtask::client::commands {

namespace {

rpc::Outcome<int> run_daemon(const rpc::GlobalOptions& global) {
  const auto binary = rpc::find_daemon_binary();
  if (!binary) {
    return rpc::Failure::unreachable(
        "vhtaskd was not found next to vhtask or in PATH",
        "install vhtaskd next to vhtask, or add its directory to PATH");
  }
  std::vector<std::string> args = {*binary, "--foreground"};
  if (!global.socket.empty()) {
    args.insert(args.end(), {"--socket", global.socket});
  }
  if (!global.state_dir.empty()) {
    args.insert(args.end(), {"--state-dir", global.state_dir});
  }
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  return rpc::Failure::unreachable(std::string("cannot run ") + *binary + ": " +
                                   std::strerror(errno));
}

}  // namespace

void register_daemon(CLI::App& app, const rpc::GlobalOptions& global, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "daemon", "Run vhtaskd in the foreground here (for debugging, or a service manager)");
  cmd->callback([&global, &exit_code] { exit_code = rpc::exit_status(run_daemon(global)); });
}

}  // namespace vhtask::client::commands
