#pragma once

// EngineTest: an Engine on a real Store (a temporary SQLite file), a FakeProcessRunner and a
// FakeClock, for the engine unit tests (engine_test.cpp, engine_recover_test.cpp). Nothing
// waits: drive() runs the io_context's ready work (posted outcomes, retried writes) and returns;
// executions end only when a test ends them through runner(). Header-only; one test's thread.

#include "daemon/engine.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_process_runner.h"
#include "tests/support/temp_dir.h"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace vhtask::daemon::engine_test {

inline constexpr const char* k_yaml =
    "- step:\n    name: s\n    image: busybox\n    command: echo {parameter-value:i}\n"
    "    parameters:\n      - name: i\n        type: integer\n";

// A grid of i = 0..count-1, with `extra` top-level lines (on-child-error, stop-condition).
inline std::string grid(int count, const std::string& extra = "") {
  return "parameters:\n  - name: i\n    style: linear\n    rules: {start: 0, end: " +
         std::to_string(count - 1) + ", step: 1}\n" + extra;
}

class EngineTest : public ::testing::Test {
protected:
  // The engine logs every start and end at info: quiet unless something is wrong.
  EngineTest() : m_log_level(spdlog::get_level()) {
    spdlog::set_level(spdlog::level::err);
    open();
  }
  ~EngineTest() override { spdlog::set_level(m_log_level); }

  // A new engine (and runner) on the same store and clock: what a daemon restart gives.
  void open(std::size_t parallel = 2) {
    m_engine.reset();
    if (!m_store) {
      auto store = store::Store::open((m_dir.path() / "vhtask.db").string());
      EXPECT_TRUE(store) << store.error().message;
      m_store = std::make_unique<store::Store>(std::move(*store));
    }
    m_runner = std::make_unique<test::FakeProcessRunner>(m_io);
    m_runner->clock = m_clock.function();
    m_engine = std::make_unique<Engine>(
        m_io, *m_store, *m_runner,
        EngineSettings{parallel, executions_dir(), 10, runner::ExecutorKind::local},
        m_clock.function());
    m_events.clear();
    m_engine->subscribe([this](const EngineEvent& event) { m_events.push_back(event); });
  }

  std::string executions_dir() const { return (m_dir.path() / "executions").string(); }
  std::filesystem::path exec_dir(ExecutionId id) const {
    return m_dir.path() / "executions" / std::to_string(id);
  }

  StartRequest request(int count, const std::string& extra = "",
                       const std::string& yaml = k_yaml) const {
    StartRequest r;
    r.inputs.config_text = yaml;
    r.inputs.config_file = "valohai.yaml";
    r.inputs.step = "s";
    r.inputs.grid_text = grid(count, extra);
    r.inputs.grid_file = "grid.yaml";
    r.cwd = "/tmp";
    r.name = "t";
    return r;
  }

  TaskId start(int count, const std::string& extra = "") {
    auto started = m_engine->start(request(count, extra));
    EXPECT_TRUE(started) << started.error().message;
    drive();
    return started ? started->task : 0;
  }

  // Runs every handler that is ready now (and what they post), without waiting.
  void drive() {
    m_io.restart();
    m_io.poll();
  }

  // Ends a live execution with exit code `code` and records it.
  void exit(ExecutionId id, int code) {
    m_runner->exit(id, code);
    drive();
  }

  std::vector<ExecutionId> live() const {
    std::vector<ExecutionId> ids;
    for (const auto& [id, spec] : m_runner->live()) {
      ids.push_back(id);
    }
    return ids;
  }

  store::ExecutionRecord row(ExecutionId id) {
    auto r = m_store->execution_by_id(id);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : store::ExecutionRecord{};
  }
  store::TaskRecord task(TaskId id) {
    auto r = m_store->task_by_id(id);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : store::TaskRecord{};
  }
  std::vector<store::ExecutionRecord> rows(TaskId id) {
    auto r = m_store->executions_of_task(id);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<store::ExecutionRecord>{};
  }

  int ended_events(TaskId id) const {
    int n = 0;
    for (const auto& e : m_events) {
      n += e.task == id && e.task_ended ? 1 : 0;
    }
    return n;
  }

  // The fake clock's time as the store writes it.
  std::string stamp() const { return format_timestamp(m_clock.now()); }

  void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  // A RAM disk when there is one: the store syncs on every write.
  static std::filesystem::path fast_temp() {
    std::error_code ec;
    return std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                         : std::filesystem::temp_directory_path();
  }

  spdlog::level::level_enum m_log_level;
  test::TempDir m_dir{fast_temp()};
  boost::asio::io_context m_io;
  test::FakeClock m_clock;
  std::unique_ptr<store::Store> m_store;
  std::unique_ptr<test::FakeProcessRunner> m_runner;
  std::unique_ptr<Engine> m_engine;
  std::vector<EngineEvent> m_events;
};

}  // namespace vhtask::daemon::engine_test
