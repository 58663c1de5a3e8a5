#include "daemon/store/store_fault.h"

#include <sqlite3.h>

namespace vhtask::daemon::store {

std::optional<StoreFault> transient_store_fault(const Error& error) {
  if (error.code != Error::Code::db) {
    return std::nullopt;
  }
  switch (error.cause & 0xff) {  // the primary result code
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:  // a lock race in WAL mode
      return StoreFault::locked;
    case SQLITE_FULL:
      return StoreFault::full;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return StoreFault::io;
    case SQLITE_READONLY:
      return StoreFault::read_only;
    default:
      return std::nullopt;
  }
}

std::string_view describe(StoreFault fault) {
  switch (fault) {
    case StoreFault::locked:
      return "database is locked by another process";
    case StoreFault::full:
      return "no space left on the state dir";
    case StoreFault::io:
      return "I/O error on the state dir";
    case StoreFault::read_only:
      return "the state dir is read-only";
  }
  return "the database refuses writes";
}

}  // namespace vhtask::daemon::store
