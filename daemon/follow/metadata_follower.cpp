#include "daemon/follow/metadata_follower.h"

#include "supervisor/execution_files.h"

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <set>
#include <sys/inotify.h>
#include <unistd.h>

namespace vhtask::daemon::follow {

namespace {

// A read starts at k_chunk and doubles, up to k_max_chunk, while the output it finds holds no
// metadata candidates: plain output (1 GiB of it) is scanned in a few hundred steps, and a
// flood of metadata lines still parses at most k_chunk of them per step.
constexpr std::size_t k_chunk = 16 * 1024;
constexpr std::size_t k_max_chunk = 1024 * 1024;
constexpr std::size_t k_batch = 500;
// Output without metadata: store the offset every so often, so a restart rescans little.
constexpr std::int64_t k_offset_save_bytes = 8 << 20;
// After a batch of inotify events, the next batch is read this much later (never while idle).
constexpr std::chrono::milliseconds k_event_pause{10};

}  // namespace

MetadataFollower::MetadataFollower(boost::asio::io_context& io, store::Store& store)
    : m_io(io), m_store(store), m_pause(io) {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    spdlog::error("inotify_init1: {}; metadata is read only when executions end", errno);
    return;
  }
  m_inotify.emplace(m_io, fd);
  arm();
}

MetadataFollower::~MetadataFollower() {
  for (auto& [id, f] : m_followed) {
    if (f.fd >= 0) {
      close(f.fd);
    }
  }
}

MetadataFollower::Followed* MetadataFollower::add(ExecutionId id, const std::string& exec_dir) {
  if (auto it = m_followed.find(id); it != m_followed.end()) {
    return &it->second;
  }
  const auto progress = m_store.metadata_progress(id);
  if (!progress) {
    spdlog::error("execution {}: {}", id, progress.error().message);
    return nullptr;
  }
  Followed& f = m_followed[id];
  f.log_path = exec_dir + "/" + supervisor::execution_files::k_output_log;
  f.scanner = MetadataScanner(progress->offset);
  if (m_inotify) {
    f.wd = inotify_add_watch(m_inotify->native_handle(), exec_dir.c_str(),
                             IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE);
    if (f.wd >= 0) {
      m_by_watch[f.wd] = id;
    } else {
      spdlog::warn("execution {}: cannot watch {} (errno {}); its metadata is read when it ends",
                   id, exec_dir, errno);
    }
  }
  return &f;
}

void MetadataFollower::remove(ExecutionId id) {
  const auto it = m_followed.find(id);
  if (it == m_followed.end()) {
    return;
  }
  Followed& f = it->second;
  if (f.wd >= 0) {
    m_by_watch.erase(f.wd);
    inotify_rm_watch(m_inotify->native_handle(), f.wd);
  }
  if (f.fd >= 0) {
    close(f.fd);
  }
  m_followed.erase(it);
}

void MetadataFollower::follow(ExecutionId id, const std::string& exec_dir) {
  if (Followed* f = add(id, exec_dir)) {
    mark_dirty(id, *f);  // the log may hold lines already (a reattached execution)
  }
}

void MetadataFollower::drain(ExecutionId id, const std::string& exec_dir,
                             std::function<void()> done) {
  Followed* f = add(id, exec_dir);
  if (f == nullptr) {
    done();
    return;
  }
  f->final = true;
  f->on_drained = std::move(done);
  mark_dirty(id, *f);
}

void MetadataFollower::drain_now(ExecutionId id, const std::string& exec_dir) {
  Followed* f = add(id, exec_dir);
  if (f == nullptr) {
    return;
  }
  for (;;) {
    auto more = advance(id, *f, true);
    if (!more) {
      spdlog::error("execution {}: reading metadata: {}", id, more.error().message);
      break;
    }
    if (!*more) {
      break;
    }
  }
  auto done = std::move(f->on_drained);
  remove(id);  // a queued step finds it gone and skips it
  if (done) {
    done();
  }
}

void MetadataFollower::arm() {
  m_inotify->async_wait(
      boost::asio::posix::stream_descriptor::wait_read,
      [this](const boost::system::error_code& ec) {
        if (ec) {
          return;
        }
        alignas(inotify_event) std::array<char, 4096> events{};
        bool any = false;
        for (;;) {
          const ssize_t n = read(m_inotify->native_handle(), events.data(), events.size());
          if (n <= 0) {
            break;
          }
          for (ssize_t at = 0; at < n;) {
            const auto* event = reinterpret_cast<const inotify_event*>(events.data() + at);
            at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            if ((event->mask & IN_Q_OVERFLOW) != 0) {
              for (auto& [id, f] : m_followed) {
                mark_dirty(id, f);
              }
            } else if (const auto it = m_by_watch.find(event->wd); it != m_by_watch.end()) {
              mark_dirty(it->second, m_followed.at(it->second));
            }
            any = true;
          }
        }
        if (!any) {
          arm();
          return;
        }
        // While output flows, every write() of a command queues an event; reacting to each one
        // kept the daemon busy for as long as a 1 GiB write took. Pausing lets the kernel merge
        // them (identical unread events coalesce) at the cost of k_event_pause of latency.
        m_pause.expires_after(k_event_pause);
        m_pause.async_wait([this](const boost::system::error_code& wait_ec) {
          if (!wait_ec) {
            arm();
          }
        });
      });
}

void MetadataFollower::mark_dirty(ExecutionId id, Followed& f) {
  if (!f.queued) {
    f.queued = true;
    m_dirty.push_back(id);
  }
  schedule();
}

void MetadataFollower::schedule() {
  if (m_step_posted || m_dirty.empty()) {
    return;
  }
  m_step_posted = true;
  boost::asio::post(m_io, [this] {
    m_step_posted = false;
    step();
  });
}

void MetadataFollower::step() {
  if (m_dirty.empty()) {
    return;
  }
  const ExecutionId id = m_dirty.front();
  m_dirty.pop_front();
  const auto it = m_followed.find(id);
  if (it != m_followed.end()) {
    Followed& f = it->second;
    f.queued = false;
    auto more = advance(id, f, f.final);
    if (!more) {
      spdlog::error("execution {}: reading metadata: {}", id, more.error().message);
    }
    if (more && *more) {
      mark_dirty(id, f);  // back of the line: the others take their turn first
    } else if (!more || f.final) {
      // Done with it (or failed): an ended execution's outcome is recorded now.
      auto done = std::move(f.on_drained);
      const bool final = f.final;
      remove(id);
      if (final && done) {
        done();
      }
    }
  }
  schedule();
}

Result<bool> MetadataFollower::advance(ExecutionId id, Followed& f, bool final) {
  if (f.pending_from < f.pending.size()) {
    VHTASK_TRY(store_batch(id, f));
    return true;
  }
  if (f.fd < 0) {
    f.fd = open(f.log_path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  ssize_t n = 0;
  if (f.fd >= 0) {
    if (m_buffer.size() < f.chunk) {
      m_buffer.resize(f.chunk);  // grows once, to k_max_chunk at most, when output is plain
    }
    n = pread(f.fd, m_buffer.data(), f.chunk, f.scanner.position());
    if (n < 0) {
      return Error::io(fmt::format("{}: read failed (errno {})", f.log_path, errno));
    }
  }
  if (n > 0) {
    const std::size_t before = f.pending.size();
    f.scanner.feed(std::string_view(m_buffer.data(), static_cast<std::size_t>(n)), f.pending);
    f.chunk = f.pending.size() == before ? std::min(f.chunk * 2, k_max_chunk) : k_chunk;
    f.unsaved_bytes += n;
    if (!f.pending.empty() || f.unsaved_bytes >= k_offset_save_bytes) {
      VHTASK_TRY(store_batch(id, f));
    }
    return true;
  }
  if (final) {
    f.scanner.finish(f.pending);
  }
  if (!f.pending.empty() || f.unsaved_bytes > 0) {
    VHTASK_TRY(store_batch(id, f));
  }
  return final && f.pending_from < f.pending.size();
}

Result<void> MetadataFollower::store_batch(ExecutionId id, Followed& f) {
  const std::size_t from = f.pending_from;
  const std::size_t to = std::min(f.pending.size(), from + k_batch);
  const bool all = to == f.pending.size();
  const std::int64_t offset = all ? f.scanner.consumed() : f.pending[to - 1].end;
  const std::span<const store::MetadataLine> batch(f.pending.data() + from, to - from);
  VHTASK_TRY(m_store.append_metadata(id, batch, offset, std::chrono::system_clock::now()));
  std::set<std::string> keys;
  for (const auto& line : batch) {
    for (const auto& item : line.object) {
      keys.emplace(item.key());
    }
  }
  if (all) {
    f.pending.clear();
    f.pending_from = 0;
    f.unsaved_bytes = 0;
  } else {
    f.pending_from = to;
  }
  if (!keys.empty() && m_on_events) {
    m_on_events(id, std::vector<std::string>(keys.begin(), keys.end()));
  }
  return {};
}

}  // namespace vhtask::daemon::follow
