#pragma once

// Failure: why a client command could not do its job, the exit status that earns, and what the
// user should do next. Commands that talk to the daemon return Outcome<T>; run() prints the
// failure once, as "vhtask: MESSAGE" plus the hint on stderr, and exits with its status.
//
// Plain value types; no thread restrictions.

#include "common/result.h"

#include <boost/system/result.hpp>

#include <string>
#include <utility>

namespace vhtask::client::rpc {

// The exit statuses of client commands (their meaning: client/commands/commands.h).
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_unreachable = 3;

struct Failure {
  // Not an aggregate: Outcome<int> must convert from a plain int (the exit status) implicitly,
  // which boost::system::result allows only when the error type cannot be built from one.
  Failure() = default;
  Failure(int exit_code_, std::string message_, std::string hint_)
      : exit_code(exit_code_), message(std::move(message_)), hint(std::move(hint_)) {}

  int exit_code = k_exit_usage;
  std::string message;  // a complete sentence, without the "vhtask: " prefix
  std::string hint;     // what to do next; may be empty
  // True when trying again later may succeed: the connection to the daemon was lost or nobody
  // listens on its socket yet (a daemon restarting). Session::resume() reconnects on these only;
  // a refused socket, a protocol mismatch or a daemon's answer to the request are not retried.
  bool retryable = false;

  static Failure usage(std::string msg, std::string hint = {}) {
    return {k_exit_usage, std::move(msg), std::move(hint)};
  }
  static Failure unreachable(std::string msg, std::string hint = {}) {
    return {k_exit_unreachable, std::move(msg), std::move(hint)};
  }
  // An unreachable daemon that may come back (see `retryable`).
  static Failure lost(std::string msg, std::string hint = {}) {
    Failure failure{k_exit_unreachable, std::move(msg), std::move(hint)};
    failure.retryable = true;
    return failure;
  }
};

// Called by Outcome<T>::value() when it holds a Failure (found by ADL).
[[noreturn]] inline void throw_exception_from_error(const Failure& f,
                                                    const boost::source_location&) {
  throw Fatal(f.message);
}

// The result of a step of a command. VHTASK_TRY works with it inside functions returning an
// Outcome.
template <class T>
using Outcome = boost::system::result<T, Failure>;

// Prints `failure` to stderr ("vhtask: MESSAGE", then the hint on its own line) and returns its
// exit status.
int report(const Failure& failure);

// Runs a command body and reports its failure: the exit status of the whole command.
inline int exit_status(const Outcome<int>& outcome) {
  return outcome ? *outcome : report(outcome.error());
}

}  // namespace vhtask::client::rpc
