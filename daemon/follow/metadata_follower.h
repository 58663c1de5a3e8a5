#pragma once

// MetadataFollower: reads the metadata lines of every running execution's output.log into the
// Store (schema/README.md, "Metadata"). Output goes straight from the command to its file; the
// follower reads the file when inotify says its directory changed (one inotify descriptor for
// all executions), so output never waits for the daemon and a quiet execution costs nothing.
//
// Work is cut into small steps so the daemon keeps answering during a flood: one step reads at
// most 16 KiB of one log (up to 1 MiB while the output holds no metadata candidates) or stores
// at most 500 lines in one transaction (with the log offset consumed so far), then posts the
// next step to the io_context behind whatever else is waiting. While output flows, inotify events
// are read in batches 10 ms apart, so a command writing fast costs the daemon little.
// Executions take turns. A restarted daemon resumes each log at its stored offset, so no line is
// lost or stored twice.
//
// Ownership and thread: owned by the Engine; io_context thread only.

#include "common/protocol/ids.h"
#include "common/result.h"
#include "daemon/follow/metadata_scanner.h"
#include "daemon/store/store.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vhtask::daemon::follow {

class MetadataFollower {
public:
  // Called after each stored batch with the keys its events set (not for empty batches).
  using OnEvents = std::function<void(ExecutionId id, const std::vector<std::string>& keys)>;

  MetadataFollower(boost::asio::io_context& io, store::Store& store);
  MetadataFollower(const MetadataFollower&) = delete;
  MetadataFollower& operator=(const MetadataFollower&) = delete;
  ~MetadataFollower();

  void set_on_events(OnEvents on_events) { m_on_events = std::move(on_events); }

  // Starts following exec_dir/output.log from the offset recorded in the store (the file may
  // not exist yet). Following an execution twice is harmless.
  void follow(ExecutionId id, const std::string& exec_dir);
  // The execution has ended: stores the rest of its log in steps like any other (its last line
  // counting even without a '\n'), stops following it, then calls `done`, so the outcome recorded
  // there comes with all its metadata stored while the daemon keeps serving meanwhile.
  void drain(ExecutionId id, const std::string& exec_dir, std::function<void()> done);
  // The same, synchronously (recovery, before the daemon serves).
  void drain_now(ExecutionId id, const std::string& exec_dir);

  std::size_t following() const { return m_followed.size(); }

private:
  struct Followed {
    std::string log_path;
    int fd = -1;
    int wd = -1;
    MetadataScanner scanner;
    std::vector<store::MetadataLine> pending;  // scanned, not stored yet
    std::size_t pending_from = 0;
    std::int64_t unsaved_bytes = 0;  // scanned without events since the offset was last stored
    // The next read's size (metadata_follower.cpp: k_chunk).
    std::size_t chunk = std::size_t{16} * 1024;
    bool queued = false;
    bool final = false;  // the execution ended: read to the end, then call on_drained
    std::function<void()> on_drained;
  };

  Followed* add(ExecutionId id, const std::string& exec_dir);
  void remove(ExecutionId id);
  void arm();
  void mark_dirty(ExecutionId id, Followed& f);
  void schedule();
  void step();
  // One unit of work: stores a batch, or reads a chunk. Returns false once the log holds nothing
  // new (with `final`: once everything, the last line included, is stored).
  Result<bool> advance(ExecutionId id, Followed& f, bool final);
  Result<void> store_batch(ExecutionId id, Followed& f);

  boost::asio::io_context& m_io;
  store::Store& m_store;
  OnEvents m_on_events;
  std::optional<boost::asio::posix::stream_descriptor> m_inotify;
  boost::asio::steady_timer m_pause;  // between batches of inotify events (k_event_pause)
  std::map<ExecutionId, Followed> m_followed;
  std::map<int, ExecutionId> m_by_watch;
  std::deque<ExecutionId> m_dirty;
  bool m_step_posted = false;
  std::string m_buffer;
};

}  // namespace vhtask::daemon::follow
