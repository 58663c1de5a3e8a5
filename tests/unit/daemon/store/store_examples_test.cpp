// schema/README.md's example queries: they are schema/examples.sql verbatim, and each one runs
// against a database the Store filled, giving the same numbers as the Store.

#include "daemon/follow/metadata_scanner.h"
#include "daemon/store/store.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"
#include "tests/unit/daemon/store/store_fixture.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

namespace vhtask::daemon::test {
namespace {

std::string schema_file(const std::string& name) {
  return vhtask::test::read_file(vhtask::test::source_dir() + "/schema/" + name);
}

// The contents of every ```sql fenced block of a Markdown text, joined by blank lines.
std::string sql_blocks_of(const std::string& markdown) {
  const std::string open = "```sql\n";
  const std::string close = "```\n";
  std::string joined;
  for (auto start = markdown.find(open); start != std::string::npos;
       start = markdown.find(open, start)) {
    start += open.size();
    const auto end = markdown.find(close, start);
    if (end == std::string::npos) {
      break;
    }
    joined += (joined.empty() ? "" : "\n") + markdown.substr(start, end - start);
    start = end + close.size();
  }
  return joined;
}

using Rows = std::vector<std::vector<std::string>>;

// Runs every statement of `script`; returns each statement's rows (NULL reads as "NULL").
std::vector<Rows> run_script(sqlite3* db, const std::string& script) {
  std::vector<Rows> results;
  const char* tail = script.c_str();
  while (*tail != '\0') {
    sqlite3_stmt* stmt = nullptr;
    const char* rest = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, tail, -1, &stmt, &rest), SQLITE_OK)
        << sqlite3_errmsg(db) << "\nin: " << tail;
    if (stmt == nullptr) {
      break;  // only comments / whitespace left, or a failure reported above
    }
    Rows rows;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* text = sqlite3_column_text(stmt, i);
        row.emplace_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
      }
      rows.push_back(std::move(row));
    }
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db) << "\nin: " << sqlite3_sql(stmt);
    sqlite3_finalize(stmt);
    results.push_back(std::move(rows));
    tail = rest;
  }
  return results;
}

class StoreExamplesTest : public StoreTest {
protected:
  static std::vector<store::MetadataLine> events(const std::vector<std::string>& lines) {
    std::vector<store::MetadataLine> out;
    follow::MetadataScanner scanner;
    for (const auto& line : lines) {
      scanner.feed(line + "\n", out);
    }
    return out;
  }

  // Task 1: 6 indices, 0 completed, 1 failed, 2 running, 3 failed then rerun and completed,
  // 4..5 queued. Task 2: 3 indices, 0 failed, stopped.
  void fill() {
    const auto one = task_with_started(6, 4);
    const auto rows = store().executions_of_task(one).value();
    ASSERT_TRUE(store().finish_execution(rows[0].id, exited(0)));
    ASSERT_TRUE(store().finish_execution(rows[1].id, exited(3)));
    ASSERT_TRUE(store().finish_execution(rows[3].id, exited(1)));
    const auto rerun = store().request_rerun(one, 3, at(2)).value();
    ASSERT_TRUE(store().start_rerun(rerun.id, {77, 3, "/tmp/logs/3.2.log", at(3)}));
    ASSERT_TRUE(store().finish_execution(rerun.id, exited(0, 4.25)));

    // Metadata: index 0 printed two lines (loss 0.5, then 0.25), index 1 one (loss 0.1).
    ASSERT_TRUE(store().append_metadata(
        rows[0].id, events({"{\"loss\": 0.5}", "{\"loss\": 0.25, \"acc\": 0.9}"}), 40, at(1)));
    ASSERT_TRUE(store().append_metadata(rows[1].id, events({"{\"loss\": 0.1}"}), 14, at(1)));

    const auto two = task_with_started(3, 1);
    ASSERT_TRUE(store().finish_execution(store().executions_of_task(two)->front().id, exited(2)));
    ASSERT_TRUE(store().cancel_queue(two, "stopped", at(5)));
    ASSERT_TRUE(store().mark_task_state(two, TaskState::stopped, "stopped", at(5)));
  }
};

TEST_F(StoreExamplesTest, ReadmeQueriesAreExamplesSqlVerbatim) {
  const auto examples = schema_file("examples.sql");
  ASSERT_FALSE(examples.empty());
  EXPECT_EQ(sql_blocks_of(schema_file("README.md")), examples);
}

TEST_F(StoreExamplesTest, EveryExampleQueryRunsAndAgreesWithTheStore) {
  fill();
  RawDb raw(db_path());
  const auto results = run_script(raw.get(), schema_file("examples.sql"));
  ASSERT_EQ(results.size(), 8u);

  // Tasks and their progress: task 1 has 2 queued, task 2 none (cancelled).
  ASSERT_EQ(results[0].size(), 2u);
  EXPECT_EQ(results[0][0][6], "2");
  EXPECT_EQ(results[0][1][6], "0");

  // Per-state counts equal Store::task_counts for both tasks.
  std::map<std::pair<std::string, std::string>, std::int64_t> from_sql;
  for (const auto& row : results[1]) {
    from_sql[{row[0], row[1]}] = std::stoll(row[2]);
  }
  for (const TaskId task : {1, 2}) {
    const auto counts = store().task_counts(task).value();
    for (const auto state : all_execution_states()) {
      const auto found = from_sql.find({std::to_string(task), std::string(to_string(state))});
      EXPECT_EQ(found == from_sql.end() ? 0 : found->second, counts[state])
          << "task " << task << " " << to_string(state);
    }
  }

  // Failed, newest attempt: task 1 index 1 and task 2 index 0 (index 3 was rerun).
  ASSERT_EQ(results[2].size(), 2u);
  EXPECT_EQ(results[2][0][1], "1");
  EXPECT_EQ(results[2][1][0], "2");

  // History of task 1 index 3: failed, then completed after 1.25 s.
  ASSERT_EQ(results[3].size(), 2u);
  EXPECT_EQ(results[3][0][1], "error");
  EXPECT_EQ(results[3][1][1], "complete");
  EXPECT_EQ(results[3][1][6], "1.25");

  // Running now: task 1 index 2.
  ASSERT_EQ(results[4].size(), 1u);
  EXPECT_EQ(results[4][0][2], "2");

  // Parameters as columns: one row per started index of task 1.
  ASSERT_EQ(results[5].size(), 4u);
  EXPECT_EQ(results[5][0][1], "0.1");

  // Latest loss, best first: index 1 (0.1), index 0 (0.25, its latest), then those without.
  ASSERT_EQ(results[6].size(), 4u);
  EXPECT_EQ(results[6][0][1], "1");
  EXPECT_EQ(results[6][0][3], "0.1");
  EXPECT_EQ(results[6][1][1], "0");
  EXPECT_EQ(results[6][1][3], "0.25");
  EXPECT_EQ(results[6][2][3], "NULL");

  // The events of execution 1, in order; the Store agrees on the latest values and progress.
  ASSERT_EQ(results[7].size(), 2u);
  EXPECT_EQ(results[7][0][0], "0");
  EXPECT_EQ(results[7][1][2], "{\"loss\": 0.25, \"acc\": 0.9}");
  const auto latest = store().latest_metadata(1).value();
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].key, "acc");
  EXPECT_EQ(latest[1].key, "loss");
  EXPECT_EQ(latest[1].value_json, "0.25");
  EXPECT_EQ(latest[1].seq, 1);
  const auto progress = store().metadata_progress(1).value();
  EXPECT_EQ(progress.offset, 40);
  EXPECT_EQ(progress.count, 2);
  EXPECT_EQ(progress.dropped, 0);
}

TEST_F(StoreExamplesTest, ExamplesRunInTheSqlite3Shell) {
  if (!std::filesystem::exists("/usr/bin/sqlite3")) {
    GTEST_SKIP() << "no sqlite3 shell";
  }
  fill();
  vhtask::test::RunOptions options;
  options.stdin_text = schema_file("examples.sql");
  const auto run = vhtask::test::run_process({"sqlite3", "-bail", "-readonly", db_path()}, options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.err.empty()) << run.err;
}

}  // namespace
}  // namespace vhtask::daemon::test
