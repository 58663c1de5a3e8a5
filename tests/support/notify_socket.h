#pragma once

// NotifySocket: the receiving end of the sd_notify protocol, as systemd provides it: a datagram
// Unix socket at a path a test passes to a daemon as NOTIFY_SOCKET. SO_PASSCRED is on, so each
// message carries the sender's pid (as systemd checks NotifyAccess=main against it). Owned by one
// test; not thread-safe.

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vhtask::test {

struct NotifyMessage {
  std::string text;  // e.g. "READY=1" or "STATUS=1 running, 0 queued" (one datagram)
  pid_t sender = 0;  // the sending process, from SCM_CREDENTIALS
};

class NotifySocket {
public:
  // Binds a datagram socket at `path` (which must not exist). ok() is false if that failed.
  explicit NotifySocket(std::string path);
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket();  // closes and unlinks

  bool ok() const { return m_fd >= 0; }
  const std::string& path() const { return m_path; }

  // The next message, waiting at most `deadline` (zero: only one already queued).
  std::optional<NotifyMessage> receive(std::chrono::milliseconds deadline);
  // Receives until a message contains `line` as one of its newline-separated assignments
  // (e.g. "READY=1"); returns it, or nullopt when the deadline passes. Every message received,
  // including that one, is appended to history().
  std::optional<NotifyMessage> wait_for(const std::string& line,
                                        std::chrono::milliseconds deadline);

  const std::vector<NotifyMessage>& history() const { return m_history; }

private:
  std::string m_path;
  int m_fd = -1;
  std::vector<NotifyMessage> m_history;
};

}  // namespace vhtask::test
