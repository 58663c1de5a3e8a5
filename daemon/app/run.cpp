#include "daemon/app/run.h"

#include "daemon/app/background.h"
#include "daemon/app/logging.h"
#include "daemon/app/options.h"
#include "daemon/app/systemd_notify.h"
#include "daemon/engine.h"
#include "daemon/executor_router.h"
#include "daemon/runner/fd_limit.h"
#include "daemon/runner/supervised_runner.h"
#include "daemon/server/command_table.h"
#include "daemon/server/server.h"
#include "daemon/slurm/slurm_runner.h"
#include "daemon/store/execution_ids.h"
#include "daemon/store/state_dir.h"
#include "daemon/store/store.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::daemon::app {

namespace {

// The vhtask-supervise binary installed next to this vhtaskd.
std::string supervise_binary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "vhtask-supervise").string();
}

// Everything the daemon owns, in construction order; destroyed in reverse (the store last).
int serve(const Options& options, Background& background) {
  setup_logging(options.log_level);
  const runner::FdLimit fd_limit = runner::raise_fd_limit();
  if (auto dir = store::ensure_private_dir(options.log_dir); !dir) {
    throw Fatal(dir.error().message);
  }
  auto lock = store::DaemonLock::acquire(options.state_dir + "/vhtaskd.lock");
  if (!lock) {
    throw Fatal(lock.error().message);
  }
  auto store = store::Store::open(options.db);
  if (!store) {
    throw Fatal(store.error().message);
  }
  // Before anything can start: no new execution may take the id of a directory already there.
  std::vector<std::string> warnings;
  if (auto unknown = store::reserve_execution_dirs(*store, options.log_dir); !unknown) {
    throw Fatal(unknown.error().message);
  } else if (*unknown) {
    spdlog::warn("{}", **unknown);
    warnings.push_back(std::move(**unknown));
  }
  // Executions never inherit our signal dispositions; SIGPIPE must not kill the daemon when a
  // client vanishes mid-write.
  std::signal(SIGPIPE, SIG_IGN);
  boost::asio::io_context io;
  runner::SupervisedRunner local_runner(io, supervise_binary());
  slurm::SlurmRunner slurm_runner(io, supervise_binary(), options.state_dir + "/slurm");
  ExecutorRouter runner(local_runner, slurm_runner);
  Engine engine(io, *store, runner,
                EngineSettings{options.parallel, options.log_dir, options.grace_seconds,
                               options.executor == "slurm" ? runner::ExecutorKind::slurm
                                                           : runner::ExecutorKind::local});
  if (auto recovered = engine.recover(); !recovered) {
    throw Fatal("recovery failed: " + recovered.error().message);
  }
  SystemdNotifier notifier(engine);
  std::unique_ptr<server::Server> server;
  bool stopping = false;
  auto shutdown = [&] {
    if (stopping) {
      return;
    }
    stopping = true;
    spdlog::info("shutting down; {} executions keep running", engine.running());
    notifier.stopping();
    server->stop([&io] { io.stop(); });
  };
  server::CommandContext context{io, engine, shutdown, std::move(warnings)};
  server = std::make_unique<server::Server>(
      io, [&context](const common::protocol::Request& request,
                     std::shared_ptr<server::Reply> reply) { dispatch(context, request, reply); });
  if (const int fd = systemd_listen_fd(); fd >= 0) {
    if (auto adopted = server->adopt(fd); !adopted) {
      throw Fatal(adopted.error().message);
    }
  } else if (auto listening = server->listen(options.socket); !listening) {
    throw Fatal(listening.error().message);
  }
  boost::asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (!ec) {
      spdlog::info("signal {}", signal);
      shutdown();
    }
  });
  spdlog::info("vhtaskd {} listening on {} (state {}, parallel {}, open files {})", VHTASK_VERSION,
               options.socket, options.state_dir, options.parallel, fd_limit.now);
  notifier.ready();
  background.ready();
  io.run();
  return 0;
}

}  // namespace

int run(int argc, char** argv) {
  try {
    const auto options = parse_options(argc, argv);
    if (!options) {
      std::fprintf(stderr, "vhtaskd: %s\n", options.error().message.c_str());
      return 2;
    }
    if (!*options) {
      return 0;  // --help
    }
    if ((*options)->show_version) {
      std::printf("vhtaskd %s\n", VHTASK_VERSION);
      return 0;
    }
    const Options& o = **options;
    if (auto dir = store::ensure_private_dir(o.state_dir); !dir) {
      throw Fatal(dir.error().message);
    }
    std::optional<Background> background;
    if (!o.foreground && !under_systemd()) {
      auto detached = Background::detach(o.state_dir + "/vhtaskd.log");
      if (!detached) {
        throw Fatal(detached.error().message);
      }
      background.emplace(std::move(*detached));
    } else {
      background.emplace(Background::foreground());
    }
    try {
      return serve(o, *background);
    } catch (const std::exception& e) {
      background->failed(e.what());
      throw;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vhtaskd: %s\n", e.what());
    return 1;
  }
}

}  // namespace vhtask::daemon::app
