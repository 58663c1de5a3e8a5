#pragma once

// Timestamps as the store writes them: ISO-8601 UTC text with milliseconds,
// "2024-05-01T12:00:00.123Z". Text sorts chronologically and SQLite's date functions read it
// (julianday(finished_at) - julianday(started_at)). Plain functions; no thread restrictions.

#include <chrono>
#include <string>

namespace vhtask {

using Timestamp = std::chrono::system_clock::time_point;

// The system clock's current time: what every row and outcome is stamped with.
Timestamp now();

std::string format_timestamp(Timestamp time);

}  // namespace vhtask
