#include "common/protocol/timestamp.h"

#include <fmt/format.h>

#include <ctime>

namespace vhtask {

Timestamp now() {
  return std::chrono::system_clock::now();
}

std::string format_timestamp(Timestamp time) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<milliseconds>(time.time_since_epoch());
  // Floor (not truncate) so times before 1970 still get milliseconds in 0..999.
  const auto seconds_part = floor<seconds>(since_epoch);
  const auto millis = (since_epoch - seconds_part).count();
  const std::time_t whole = static_cast<std::time_t>(seconds_part.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

}  // namespace vhtask
