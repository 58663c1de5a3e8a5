#include "daemon/server/log_follower.h"

#include "common/utf8.h"

#include <algorithm>
#include <array>
#include <fcntl.h>
#include <filesystem>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vhtask::daemon::server {

namespace {

constexpr std::size_t k_chunk = 128 * 1024;

// The offset where the last `lines` lines of the file start (searching at most the last 1 MiB).
std::int64_t tail_offset(int fd, std::int64_t size, std::int64_t lines) {
  const std::int64_t window = std::min<std::int64_t>(size, 1 << 20);
  std::string buf(static_cast<std::size_t>(window), '\0');
  const ssize_t n = pread(fd, buf.data(), buf.size(), size - window);
  if (n <= 0 || lines <= 0) {
    return size;
  }
  buf.resize(static_cast<std::size_t>(n));
  std::int64_t seen = 0;
  std::size_t pos = buf.size();
  if (!buf.empty() && buf.back() == '\n') {
    --pos;  // the final newline ends the last line, it does not start a new one
  }
  while (pos > 0) {
    if (buf[pos - 1] == '\n' && ++seen == lines) {
      return size - window + static_cast<std::int64_t>(pos);
    }
    --pos;
  }
  return size - window;
}

}  // namespace

LogFollower::LogFollower(boost::asio::io_context& io, Engine& engine, ExecutionId id,
                         std::shared_ptr<Reply> reply, std::optional<std::int64_t> tail,
                         bool follow)
    : m_io(io),
      m_engine(engine),
      m_id(id),
      m_reply(std::move(reply)),
      m_tail(tail),
      m_follow(follow) {}

LogFollower::~LogFollower() {
  if (m_log_fd >= 0) {
    close(m_log_fd);
  }
}

void LogFollower::start() {
  const auto record = m_engine.store().execution_by_id(m_id);
  if (!record) {
    m_reply->fail(record.error());
    return;
  }
  auto self = shared_from_this();
  if (m_follow) {
    m_subscription =
        m_engine.subscribe([self](const EngineEvent& event) { self->on_event(event); });
    m_reply->on_disconnect([self] { self->end(); });
  }
  ensure_watching();
  if (m_start_at) {
    m_offset = *m_start_at;
  } else if (m_log_fd >= 0 && m_tail) {
    struct stat st {};
    if (fstat(m_log_fd, &st) == 0) {
      m_offset = tail_offset(m_log_fd, st.st_size, *m_tail);
    }
  }
  pump();
}

void LogFollower::on_event(const EngineEvent& event) {
  if (event.execution == m_id) {
    ensure_watching();
    pump();
  }
}

void LogFollower::ensure_watching() {
  if (m_log_fd >= 0) {
    return;
  }
  const auto record = m_engine.store().execution_by_id(m_id);
  if (!record || !record->log_path) {
    return;
  }
  m_log_path = *record->log_path;
  if (m_follow && !m_inotify) {
    const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    const auto dir = std::filesystem::path(m_log_path).parent_path().string();
    if (fd >= 0 &&
        inotify_add_watch(fd, dir.c_str(), IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE) >= 0) {
      m_inotify.emplace(m_io, fd);
      arm_watch();
    } else if (fd >= 0) {
      close(fd);
    }
    m_poll.emplace(m_io);
    arm_poll();
  }
  m_log_fd = open(m_log_path.c_str(), O_RDONLY | O_CLOEXEC);
}

void LogFollower::arm_watch() {
  m_inotify->async_wait(
      boost::asio::posix::stream_descriptor::wait_read,
      [self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec || self->m_ended) {
          return;
        }
        std::array<char, 4096> events{};
        while (read(self->m_inotify->native_handle(), events.data(), events.size()) > 0) {
        }
        if (self->m_log_fd < 0) {
          self->m_log_fd = open(self->m_log_path.c_str(), O_RDONLY | O_CLOEXEC);
        }
        self->pump();
        if (!self->m_ended) {
          self->arm_watch();
        }
      });
}

void LogFollower::arm_poll() {
  m_poll->expires_after(std::chrono::seconds(1));
  m_poll->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->m_ended) {
      return;
    }
    if (self->m_log_fd < 0) {
      self->m_log_fd = open(self->m_log_path.c_str(), O_RDONLY | O_CLOEXEC);
    }
    self->pump();
    if (!self->m_ended) {
      self->arm_poll();
    }
  });
}

void LogFollower::pump() {
  if (m_ended || m_waiting_for_drain) {
    return;  // waiting for the client: the drain calls pump() again
  }
  // Read the state before the file: whatever the file holds once the execution has ended is
  // everything it will ever hold.
  const auto record = m_engine.store().execution_by_id(m_id);
  if (!record) {
    m_reply->fail(record.error());
    end();
    return;
  }
  const bool ended = !is_live(record->state) && record->state != ExecutionState::queued;
  if (m_log_fd >= 0) {
    std::string buf(k_chunk, '\0');
    for (;;) {
      if (m_reply->congested()) {
        // The client has not read what was sent: read on once it has (the write completions
        // drive the reads), so memory stays bounded however big the log and slow the reader.
        wait_for_drain();
        return;
      }
      const ssize_t n = pread(m_log_fd, buf.data(), buf.size(), m_offset);
      if (n <= 0) {
        break;
      }
      m_offset += n;
      send_text(std::string_view(buf.data(), static_cast<std::size_t>(n)), false);
    }
  }
  if (ended || !m_follow) {
    send_text({}, true);
    finish(*record);
  }
}

void LogFollower::wait_for_drain() {
  if (m_waiting_for_drain) {
    return;
  }
  m_waiting_for_drain = true;
  m_reply->when_drained([self = shared_from_this()] {
    self->m_waiting_for_drain = false;
    self->pump();
  });
}

void LogFollower::send_text(std::string_view bytes, bool final) {
  std::string text;
  common::append_utf8_lossy(bytes, m_carry, text, final);
  if (!text.empty()) {
    // What is held back in m_carry (a sequence cut at the end of the read) is not sent yet.
    const auto end = m_offset - static_cast<std::int64_t>(m_carry.size());
    m_reply->notify("logs.output",
                    boost::json::object{{"execution", m_id}, {"text", text}, {"end", end}});
  }
}

void LogFollower::finish(const store::ExecutionRecord& record) {
  boost::json::object result{{"execution", m_id},
                             {"state", to_string(record.state)},
                             {"log_path", m_log_path},
                             {"text", ""}};
  result["exit_code"] = record.exit_code ? boost::json::value(*record.exit_code) : nullptr;
  result["signal"] = record.signal ? boost::json::value(*record.signal) : nullptr;
  m_reply->result(std::move(result));
  end();
}

void LogFollower::end() {
  if (m_ended) {
    return;
  }
  m_ended = true;
  if (m_subscription != 0) {
    m_engine.unsubscribe(m_subscription);
  }
  if (m_inotify) {
    boost::system::error_code ignored;
    m_inotify->cancel(ignored);
  }
  if (m_poll) {
    m_poll->cancel();
  }
}

}  // namespace vhtask::daemon::server
