// Store: execution metadata (metadata_events, metadata_latest, executions.metadata_*) and the
// tasks' stop conditions. schema/0003_metadata.sql.

#include "common/json_text.h"
#include "daemon/store/store.h"
#include "daemon/store/transaction.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <unordered_map>

namespace vhtask::daemon::store {

namespace {

// `_time` of an event: UTC ISO-8601 with microseconds.
std::string micro_timestamp(Timestamp time) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<microseconds>(time.time_since_epoch());
  const auto seconds_part = floor<seconds>(since_epoch);
  const auto micros = (since_epoch - seconds_part).count();
  const std::time_t whole = static_cast<std::time_t>(seconds_part.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, micros);
}

}  // namespace

Result<MetadataProgress> Store::metadata_progress(ExecutionId id) {
  auto stmt = VHTASK_TRY(cached(
      "SELECT metadata_offset, metadata_count, metadata_dropped FROM executions WHERE id = ?"));
  VHTASK_TRY(stmt->bind_all(id));
  if (!VHTASK_TRY(stmt->step())) {
    return Error::not_found(fmt::format("execution {} does not exist", id));
  }
  return MetadataProgress{stmt->column_int64(0), stmt->column_int64(1), stmt->column_int64(2)};
}

Result<MetadataProgress> Store::append_metadata(ExecutionId id, std::span<const MetadataLine> lines,
                                                std::int64_t offset, Timestamp now) {
  auto transaction = VHTASK_TRY(Transaction::begin(m_db.get()));
  MetadataProgress progress = VHTASK_TRY(metadata_progress(id));
  const std::string time = micro_timestamp(now);
  // key -> (value, seq) of the newest event in this batch that has it: one upsert per key.
  std::unordered_map<std::string, std::pair<std::string, std::int64_t>> latest;
  {
    auto insert = VHTASK_TRY(
        cached("INSERT INTO metadata_events (execution_id, seq, time, json) VALUES (?, ?, ?, ?)"));
    for (const auto& line : lines) {
      if (line.kind == MetadataLine::Kind::dropped) {
        ++progress.dropped;
        continue;
      }
      const std::int64_t seq = progress.count++;
      VHTASK_TRY(insert->bind_all(id, seq, time, line.text));
      VHTASK_TRY(insert->run());
      insert->reset();
      for (const auto& [key, value] : line.object) {
        if (key != "_time") {
          latest[std::string(key)] = {common::dump_json(value), seq};
        }
      }
    }
  }
  {
    auto upsert = VHTASK_TRY(
        cached("INSERT INTO metadata_latest (execution_id, key, value, seq, time) "
               "VALUES (?, ?, ?, ?, ?) ON CONFLICT (execution_id, key) "
               "DO UPDATE SET value = excluded.value, seq = excluded.seq, time = excluded.time"));
    for (const auto& [key, value] : latest) {
      VHTASK_TRY(upsert->bind_all(id, key, value.first, value.second, time));
      VHTASK_TRY(upsert->run());
      upsert->reset();
    }
  }
  {
    auto update =
        VHTASK_TRY(cached("UPDATE executions SET metadata_offset = ?, metadata_count = ?, "
                          "metadata_dropped = ? WHERE id = ?"));
    VHTASK_TRY(update->bind_all(offset, progress.count, progress.dropped, id));
    VHTASK_TRY(update->run());
  }
  VHTASK_TRY(transaction.commit());
  progress.offset = offset;
  return progress;
}

Result<std::vector<MetadataValue>> Store::latest_metadata(ExecutionId id) {
  auto stmt = VHTASK_TRY(cached(
      "SELECT key, value, seq, time FROM metadata_latest WHERE execution_id = ? ORDER BY key"));
  VHTASK_TRY(stmt->bind_all(id));
  std::vector<MetadataValue> values;
  while (VHTASK_TRY(stmt->step())) {
    values.push_back(MetadataValue{stmt->column_text(0), stmt->column_text(1),
                                   stmt->column_int64(2), stmt->column_text(3)});
  }
  return values;
}

Result<std::vector<std::pair<ExecutionId, MetadataValue>>> Store::task_metadata(TaskId task) {
  auto stmt =
      VHTASK_TRY(cached("SELECT m.execution_id, m.key, m.value, m.seq, m.time "
                        "FROM executions AS e JOIN metadata_latest AS m ON m.execution_id = e.id "
                        "WHERE e.task_id = ? ORDER BY m.execution_id, m.key"));
  VHTASK_TRY(stmt->bind_all(task));
  std::vector<std::pair<ExecutionId, MetadataValue>> values;
  while (VHTASK_TRY(stmt->step())) {
    values.emplace_back(stmt->column_int64(0),
                        MetadataValue{stmt->column_text(1), stmt->column_text(2),
                                      stmt->column_int64(3), stmt->column_text(4)});
  }
  return values;
}

Result<void> Store::set_stop_reason(TaskId id, const std::string& reason) {
  auto stmt = VHTASK_TRY(cached("UPDATE tasks SET stop_reason = ? WHERE id = ?"));
  VHTASK_TRY(stmt->bind_all(reason, id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("task {}", id));
}

Result<void> Store::clear_stop_reason(TaskId id) {
  auto stmt = VHTASK_TRY(cached("UPDATE tasks SET stop_reason = NULL WHERE id = ?"));
  VHTASK_TRY(stmt->bind_all(id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("task {}", id));
}

Result<void> Store::mark_condition_met(ExecutionId id, const std::string& reason) {
  auto stmt =
      VHTASK_TRY(cached("UPDATE executions SET state = 'stopping', reason = ?, condition_met = 1 "
                        "WHERE id = ? AND state = 'started'"));
  VHTASK_TRY(stmt->bind_all(reason, id));
  VHTASK_TRY(stmt->run());
  return expect_one_change(fmt::format("started execution {}", id));
}

Result<std::int64_t> Store::condition_met_count(TaskId id) {
  auto stmt = VHTASK_TRY(
      cached("SELECT count(*) FROM executions AS e WHERE e.task_id = ? AND e.condition_met = 1 "
             "AND e.state = 'stopped' "
             "AND e.attempt = (SELECT max(x.attempt) FROM executions AS x "
             "WHERE x.task_id = e.task_id AND x.idx = e.idx)"));
  VHTASK_TRY(stmt->bind_all(id));
  VHTASK_TRY(stmt->step());
  return stmt->column_int64(0);
}

Result<std::optional<std::string>> Store::stop_reason(TaskId id) {
  auto stmt = VHTASK_TRY(cached("SELECT stop_reason FROM tasks WHERE id = ?"));
  VHTASK_TRY(stmt->bind_all(id));
  if (!VHTASK_TRY(stmt->step())) {
    return Error::not_found(fmt::format("task {} does not exist", id));
  }
  return stmt->column_optional_text(0);
}

}  // namespace vhtask::daemon::store
