#pragma once

// Human output of the client: whether and how to colour, state colours, durations and times as
// people read them, and the terminal's width. Tables are client/view/table.h; progress bars
// client/view/progress.h. Pure functions except where noted; main thread only for the terminal
// ones.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vhtask::client::view {

enum class Color { none, green, red, yellow, grey, bold };

// How stdout is written: colour on or off, and whether it is a terminal (so live progress may
// be redrawn in place). A plain value, decided once per command.
struct Style {
  bool color = false;
  bool live = false;

  // Colour when stdout is a terminal (--color=auto) or always (--color=always), but never with
  // --color=never or NO_COLOR set to any value, even an empty one. Live when stdout is a terminal.
  static Style for_stdout(const std::string& color_option);

  // `text` wrapped in the ANSI codes of `color`, or unchanged when colour is off.
  std::string paint(std::string_view text, Color color) const;
};

// The decision behind Style::for_stdout, as a pure function: `option` is auto|always|never.
bool use_color(std::string_view option, bool stdout_is_terminal, bool no_color_set);

// complete green; error and crashed red; started and stopping yellow; stopped grey; the task
// states the same way (running yellow); anything else (queued) uncoloured.
Color state_color(std::string_view state);

// A duration for people: "0.4s", "3.2s", "59.9s", "1m 12s", "59m 05s", "2h 05m", "3d 04h".
// Negative durations print as "0.0s".
std::string format_duration(std::chrono::milliseconds duration);

// Reads the protocol's ISO-8601 UTC timestamps ("2024-05-01T12:00:00.123Z", the fraction and
// the Z optional); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text);

// A time in the local timezone, "2024-05-01 14:00:03".
std::string format_local_time(std::chrono::system_clock::time_point time);

// The time between two protocol timestamps; `end` empty means "until now". nullopt when `start`
// is empty or unreadable.
std::optional<std::chrono::milliseconds> elapsed_between(std::string_view start,
                                                         std::string_view end);

// Columns of the terminal on stdout, or 80 when it is not one.
int terminal_width();

// The number of columns `text` takes: UTF-8 code points, not counting ANSI escape sequences.
std::size_t visible_width(std::string_view text);

// `text` cut to at most `width` visible columns, keeping escape sequences (and resetting the
// colour when something was cut).
std::string truncate_visible(std::string_view text, std::size_t width);

}  // namespace vhtask::client::view
