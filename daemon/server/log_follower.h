#pragma once

// LogFollower: streams one execution's output.log to a client (`vhtask logs`). Output goes
// straight from the command to the file (the daemon never pumps it); the follower reads the file
// when inotify says its directory changed, so a quiet execution costs nothing. inotify does not
// see writes made on other machines (a Slurm execution writing to NFS), so a follower also
// reads once a second (one read() of nothing, when nothing was written). Text is sent as
// `logs.output` notifications of at most 128 KiB (invalid UTF-8 replaced), each with `end`, the
// byte offset in the file its text reaches (so a client that lost the daemon resumes there, with
// start_at(), printing nothing twice and skipping nothing), then the final result
// when the execution has ended and the whole file has been sent (or at once without `follow`).
// The file is read only as fast as the client reads: while its connection is congested
// (daemon/server/connection.h) the follower waits for the queue to drain, so a stalled reader costs
// a bounded amount of memory (about 400 KiB) whatever the log's size.
//
// Ownership and thread: keeps itself alive (shared_from_this) while streaming; ends when done
// or when the client disconnects. io_context thread only.

#include "daemon/engine.h"
#include "daemon/server/reply.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace vhtask::daemon::server {

class LogFollower : public std::enable_shared_from_this<LogFollower> {
public:
  LogFollower(boost::asio::io_context& io, Engine& engine, ExecutionId id,
              std::shared_ptr<Reply> reply, std::optional<std::int64_t> tail, bool follow);
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;
  ~LogFollower();

  // Sends what the file holds now, then keeps following (if asked) until the execution ends.
  void start();
  // Before start(): begin at byte `offset` of the log (an `end` a client received), not at the
  // beginning or the tail.
  void start_at(std::int64_t offset) { m_start_at = offset; }

private:
  void on_event(const EngineEvent& event);
  // Opens the log and watches its directory once the execution has started.
  void ensure_watching();
  void arm_watch();
  void arm_poll();
  // Sends everything appended since the last read; finishes if the execution has ended.
  void pump();
  // Registers (once) to pump again when the client has read what is queued.
  void wait_for_drain();
  void send_text(std::string_view bytes, bool final);
  void finish(const store::ExecutionRecord& record);
  void end();

  boost::asio::io_context& m_io;
  Engine& m_engine;
  ExecutionId m_id;
  std::shared_ptr<Reply> m_reply;
  std::optional<std::int64_t> m_tail;
  bool m_follow;
  std::string m_log_path;
  int m_log_fd = -1;
  std::int64_t m_offset = 0;
  std::optional<std::int64_t> m_start_at;
  std::string m_carry;  // an incomplete UTF-8 sequence at the end of the last read
  std::optional<boost::asio::posix::stream_descriptor> m_inotify;
  std::optional<boost::asio::steady_timer> m_poll;
  std::uint64_t m_subscription = 0;
  bool m_ended = false;
  bool m_waiting_for_drain = false;
};

}  // namespace vhtask::daemon::server
