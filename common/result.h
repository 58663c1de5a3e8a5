#pragma once

// The error/result type used at every module boundary.
//
// Fallible operations return vhtask::Result<T> (boost::system::result with our Error), never throw.
// Exceptions are reserved for start-up failures (vhtask::Fatal), caught once in main.

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace vhtask {

// Error is a category plus a human message. The message is complete on its own: it names the
// file, line and field where one is known, and it is what the user sees.
struct Error {
  enum class Code { not_found, invalid_argument, io, db, protocol, spawn, unsupported };

  Code code = Code::invalid_argument;
  std::string message;
  // What the failing call reported, for callers that react to the kind of failure (retry a
  // locked database, pause on a full disk): the SQLite extended result code for Code::db, the
  // errno for Code::io and Code::spawn; 0 when unknown.
  int cause = 0;

  static Error not_found(std::string msg) { return {Code::not_found, std::move(msg)}; }
  static Error invalid_argument(std::string msg) {
    return {Code::invalid_argument, std::move(msg)};
  }
  static Error io(std::string msg) { return {Code::io, std::move(msg)}; }
  static Error db(std::string msg) { return {Code::db, std::move(msg)}; }
  static Error protocol(std::string msg) { return {Code::protocol, std::move(msg)}; }
  static Error spawn(std::string msg) { return {Code::spawn, std::move(msg)}; }
  static Error unsupported(std::string msg) { return {Code::unsupported, std::move(msg)}; }
  // The same error with its cause recorded.
  Error with_cause(int value) && {
    cause = value;
    return std::move(*this);
  }
};

// Thrown only by start-up code; main() catches it once and prints the message.
class Fatal : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Called by boost::system::result<T, Error>::value() when it holds an error (found by ADL).
[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw Fatal(e.message);
}

// A value or an Error. [[nodiscard]]: an ignored error does not compile (-Werror); a call
// whose failure is truly of no consequence says so with `(void)`. Everything else is
// boost::system::result's: `if (!r)`, `r.error()`, `*r`, `r.value()` (throws Fatal: start-up
// code only), and an Error or a T converts to it implicitly.
template <class T>
class [[nodiscard]] Result : public boost::system::result<T, Error> {
public:
  using Base = boost::system::result<T, Error>;
  using Base::Base;
  Result(const Base& base) : Base(base) {}        // NOLINT(google-explicit-constructor)
  Result(Base&& base) : Base(std::move(base)) {}  // NOLINT(google-explicit-constructor)
};

// Error as an unexpected value for a Result: `return fail(Error::io("..."))`.
inline Error fail(Error e) {
  return e;
}

}  // namespace vhtask

// VHTASK_TRY(expr): evaluates a Result-returning expression; on error returns the error from the
// enclosing function, otherwise yields the value (statement-expression, GCC and Clang). Each use
// gets its own variable name, so uses may nest (a lambda inside a VHTASK_TRY argument).
#define VHTASK_TRY(...) VHTASK_TRY_IMPL_(VHTASK_CONCAT_(vhtask_try_, __COUNTER__), __VA_ARGS__)
#define VHTASK_CONCAT_(a, b) VHTASK_CONCAT2_(a, b)
#define VHTASK_CONCAT2_(a, b) a##b
#define VHTASK_TRY_IMPL_(var, ...)   \
  __extension__({                    \
    auto var = (__VA_ARGS__);        \
    if (!var) {                      \
      return std::move(var).error(); \
    }                                \
    std::move(var).value();          \
  })
