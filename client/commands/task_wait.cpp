#include "client/commands/task_wait.h"

#include "client/commands/commands.h"
#include "client/view/json_fields.h"
#include "client/view/progress.h"
#include "common/protocol/capabilities.h"
#include "common/protocol/protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace vhtask::client::commands {

namespace protocol = common::protocol;

namespace {

// Shows the bar until the daemon ends the watch stream, which it does when the task ends.
rpc::Outcome<void> show_progress(rpc::Session& session, std::int64_t task,
                                 const view::Style& style) {
  view::LiveDisplay live(stdout);
  // limit 1: the stream's final result needs no execution rows; the summary comes from `wait`.
  // Watching again after a daemon restart just redraws the bar from the new daemon's updates.
  auto done = session.resume([&] {
    boost::json::object params{{"task", task}, {"watch", true}, {"limit", 1}};
    return session.stream(
        protocol::k_status, std::move(params),
        [&](const common::protocol::Notification& notification) {
          const auto* summary = view::object_field(notification.params, "task");
          if (notification.method != "status.update" || summary == nullptr) {
            return;
          }
          const auto progress = view::TaskProgress::from_summary(*summary);
          const auto prefix = fmt::format("Task {} ", task);
          const int width =
              std::max(view::terminal_width() - 1 - static_cast<int>(prefix.size()), 10);
          live.show(prefix + view::progress_line(progress, style, static_cast<std::size_t>(width)));
        });
  });
  live.clear();
  if (!done) {
    return done.error();
  }
  return {};
}

}  // namespace

rpc::Outcome<boost::json::object> wait_for_task(rpc::Session& session, std::int64_t task,
                                                const view::Style& style, bool progress) {
  if (progress && style.live && session.has(common::protocol::k_cap_cmd_status) &&
      session.has(common::protocol::k_cap_status_watch)) {
    VHTASK_TRY(show_progress(session, task, style));
  }
  // `wait` is asked again after a daemon restart: the task goes on under the new daemon.
  auto result = VHTASK_TRY(session.resume([&] {
    return session.call(protocol::k_wait, {{"task", task}});
  }));
  const auto* summary = view::object_field(result, "task");
  if (summary == nullptr) {
    return rpc::transport_failure(Error::protocol("vhtaskd's reply to `wait` has no task"));
  }
  return *summary;
}

int task_exit_status(const boost::json::object& summary) {
  // A task may end `complete` with failed executions in it (its on-child-error policy): the
  // exit status reports the executions, as scripts expect.
  // Reaching the goal is a success (spec section 4): a task its stop-condition stopped, and
  // executions their step's stop-condition stopped.
  const auto progress = view::TaskProgress::from_summary(summary);
  const auto* met = summary.if_contains("condition_met");
  if (progress.state == "stopped" && met != nullptr && met->is_bool() && met->get_bool()) {
    return rpc::k_exit_ok;
  }
  const auto stopped_at_goal = view::int_field(summary, "executions_condition_met").value_or(0);
  const bool all_complete = progress.of("complete") + stopped_at_goal == progress.count;
  return progress.state == "complete" && all_complete ? rpc::k_exit_ok : rpc::k_exit_failed;
}

}  // namespace vhtask::client::commands
