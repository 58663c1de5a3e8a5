#pragma once

// Table: aligned columns for human output, in the manner of `docker ps` and `pueue status`:
// a header row of upper-case names, then one row per item, columns separated by two spaces,
// numbers right-aligned, no trailing spaces. Cells may be coloured; widths count what is
// visible, not the escape codes. Every header and cell is passed through escape_controls()
// (client/view/terminal_text.h), so a value cannot forge lines or send escapes to the terminal;
// only a cell made with Cell::preformatted() (text the client coloured itself) is kept as is.
//
//   Table table({{"ID", Align::right}, {"STATE"}});
//   table.add_row({"12", {"complete", Color::green}});
//   std::cout << table.render(style);
//
// A plain value; main thread only like the rest of the output.

#include "client/view/output.h"

#include <string>
#include <vector>

namespace vhtask::client::view {

enum class Align { left, right };

struct Column {
  std::string header;
  Align align = Align::left;
};

struct Cell {
  Cell(std::string text_ = {}, Color color_ = Color::none)  // NOLINT: implicit from text
      : text(std::move(text_)), color(color_) {}
  Cell(const char* text_) : text(text_) {}  // NOLINT: implicit from text

  // `text` built by the client from safe parts, with its own colour escapes.
  static Cell preformatted(std::string text_) {
    Cell cell(std::move(text_));
    cell.escaped = true;
    return cell;
  }

  std::string text;
  Color color = Color::none;
  bool escaped = false;  // true: text needs no escaping (preformatted, or done by add_row)
};

class Table {
public:
  explicit Table(std::vector<Column> columns);

  // REQUIRES: cells.size() == the number of columns.
  void add_row(std::vector<Cell> cells);

  bool empty() const { return m_rows.empty(); }

  // The header and every row, each line ending in '\n'. Colours per `style`.
  std::string render(const Style& style) const;

private:
  std::vector<Column> m_columns;
  std::vector<std::vector<Cell>> m_rows;
};

}  // namespace vhtask::client::view
