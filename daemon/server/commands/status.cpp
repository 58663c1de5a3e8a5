// `status`: recent tasks, or one task's executions; with `watch`, updates as things change.

#include "daemon/server/command_table.h"
#include "daemon/server/params.h"
#include "daemon/server/reply_budget.h"
#include "daemon/server/views.h"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>

namespace vhtask::daemon::server {

namespace {

struct StatusQuery {
  std::optional<TaskId> task;
  std::string state;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
};

// The most rows one answer carries, so a message stays well under the 1 MiB frame limit; clients
// page through bigger tasks with `offset`.
constexpr std::int64_t k_max_rows = 1000;

// The most recent `limit` tasks, newest first, while they fit the byte budget; `truncated` says
// when older ones were left out for space.
Result<boost::json::object> task_list(store::Store& store, std::int64_t limit) {
  auto tasks = VHTASK_TRY(store.list_tasks());
  boost::json::array out;
  ReplyBudget budget;
  bool truncated = false;
  for (auto it = tasks.rbegin();
       it != tasks.rend() && static_cast<std::int64_t>(out.size()) < limit; ++it) {
    boost::json::value view = VHTASK_TRY(task_view(store, *it));
    if (!budget.admit(view)) {
      truncated = true;
      break;
    }
    out.push_back(std::move(view));
  }
  return boost::json::object{{"tasks", std::move(out)}, {"truncated", truncated}};
}

Result<boost::json::object> one_task(store::Store& store, const StatusQuery& q) {
  const store::TaskRecord task = VHTASK_TRY(store.task_by_id(*q.task));
  std::optional<ExecutionState> state;
  if (!q.state.empty()) {
    state = parse_execution_state(q.state);
    if (!state) {
      return Error::invalid_argument("unknown execution state '" + q.state + "'");
    }
  }
  const std::int64_t limit = std::clamp<std::int64_t>(q.limit.value_or(k_max_rows), 0, k_max_rows);
  std::int64_t offset = q.offset.value_or(0);
  if (!q.offset && q.limit) {
    // `limit` alone asks for the last rows.
    const auto total = VHTASK_TRY(store.executions_page(*q.task, state, 0, 0)).total;
    offset = std::max<std::int64_t>(0, total - std::max<std::int64_t>(0, *q.limit));
  }
  const auto page =
      VHTASK_TRY(store.executions_page(*q.task, state, std::max<std::int64_t>(offset, 0), limit));
  // Rows up to the byte budget too (daemon/server/reply_budget.h); `next_offset` says where the
  // rest of the asked range starts.
  boost::json::array rows;
  ReplyBudget budget;
  for (const auto& execution : page.rows) {
    boost::json::value row = execution_view(execution);
    if (!budget.admit(row)) {
      break;
    }
    rows.push_back(std::move(row));
  }
  const auto sent = static_cast<std::int64_t>(rows.size());
  boost::json::value next = nullptr;
  if (sent < static_cast<std::int64_t>(page.rows.size())) {
    next = page.offset + sent;
  }
  return boost::json::object{{"task", VHTASK_TRY(task_view(store, task))},
                             {"executions", std::move(rows)},
                             {"offset", page.offset},
                             {"next_offset", std::move(next)},
                             {"total", page.total}};
}

// The daemon-wide `stalled` member: why nothing new starts, or null.
boost::json::value stall_view(const Engine& engine) {
  const auto stall = engine.stall();
  if (!stall) {
    return nullptr;
  }
  return boost::json::object{{"reason", stall->reason},
                             {"since", format_timestamp(stall->since)},
                             {"pending_writes", stall->pending_writes}};
}

Result<boost::json::object> snapshot(const CommandContext& ctx, const StatusQuery& q) {
  store::Store& store = ctx.engine.store();
  auto view = VHTASK_TRY(q.task ? one_task(store, q) : task_list(store, q.limit.value_or(20)));
  if (!ctx.warnings.empty()) {
    boost::json::array warnings;
    for (const auto& warning : ctx.warnings) {
      warnings.emplace_back(warning);
    }
    view["warnings"] = std::move(warnings);
  }
  view["stalled"] = stall_view(ctx.engine);
  return view;
}

// A `status --watch` stream: one update at once, then at most one per 100 ms while things change,
// and the final result when the watched task ends. A client that does not read gets no more
// updates until it has read the queued ones (then the newest), so they cannot pile up.
class StatusWatch : public std::enable_shared_from_this<StatusWatch> {
public:
  StatusWatch(CommandContext& ctx, StatusQuery query, std::shared_ptr<Reply> reply)
      : m_ctx(ctx), m_query(std::move(query)), m_reply(std::move(reply)), m_timer(ctx.io) {}

  void start() {
    auto self = shared_from_this();
    m_subscription =
        m_ctx.engine.subscribe([self](const EngineEvent& event) { self->on_event(event); });
    m_reply->on_disconnect([self] { self->end(); });
    send_update();
  }

private:
  void on_event(const EngineEvent& event) {
    if (m_query.task && event.task != *m_query.task) {
      return;
    }
    if (m_query.task && event.task_ended) {
      send_update();
      finish();
      return;
    }
    if (m_timer_armed) {
      return;
    }
    m_timer_armed = true;
    m_timer.expires_after(std::chrono::milliseconds(100));
    m_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      self->m_timer_armed = false;
      if (!ec && !self->m_ended) {
        self->send_update();
      }
    });
  }

  void send_update() {
    if (m_reply->congested()) {
      // The client is behind: one update, the newest, once it has read the others. Updates are
      // snapshots, so skipping the ones in between loses nothing.
      if (!m_waiting_for_drain) {
        m_waiting_for_drain = true;
        m_reply->when_drained([self = shared_from_this()] {
          self->m_waiting_for_drain = false;
          if (!self->m_ended) {
            self->send_update();
          }
        });
      }
      return;
    }
    auto view = snapshot(m_ctx, m_query);
    if (!view) {
      m_reply->fail(view.error());
      end();
      return;
    }
    m_reply->notify("status.update", std::move(*view));
  }

  void finish() {
    auto view = snapshot(m_ctx, m_query);
    view ? m_reply->result(std::move(*view)) : m_reply->fail(view.error());
    end();
  }

  void end() {
    if (m_ended) {
      return;
    }
    m_ended = true;
    m_timer.cancel();
    m_ctx.engine.unsubscribe(m_subscription);
  }

  CommandContext& m_ctx;
  StatusQuery m_query;
  std::shared_ptr<Reply> m_reply;
  boost::asio::steady_timer m_timer;
  std::uint64_t m_subscription = 0;
  bool m_timer_armed = false;
  bool m_waiting_for_drain = false;
  bool m_ended = false;
};

}  // namespace

void handle_status(CommandContext& ctx, const boost::json::object& params,
                   const std::shared_ptr<Reply>& reply) {
  const Params p(params);
  const auto task = p.optional_int("task");
  const auto state = p.optional_string("state");
  const auto limit = p.optional_int("limit");
  const auto offset = p.optional_int("offset");
  const auto watch = p.optional_bool("watch");
  if (!task || !state || !limit || !offset || !watch) {
    reply->invalid_params(
        "status: params.task, params.limit and params.offset are integers, "
        "params.state a string, params.watch a boolean");
    return;
  }
  StatusQuery query{*task, *state, *limit, *offset};
  if (*watch) {
    if (query.task) {
      // Validate the task before streaming.
      if (auto found = ctx.engine.store().task_by_id(*query.task); !found) {
        reply->fail(found.error());
        return;
      }
    }
    std::make_shared<StatusWatch>(ctx, std::move(query), reply)->start();
    return;
  }
  auto view = snapshot(ctx, query);
  view ? reply->result(std::move(*view)) : reply->fail(view.error());
}

}  // namespace vhtask::daemon::server
