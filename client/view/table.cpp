#include "client/view/table.h"

#include "client/view/terminal_text.h"

#include <algorithm>

namespace vhtask::client::view {

namespace {

constexpr std::string_view k_gap = "  ";

void append_cell(std::string& line, const std::string& painted, std::size_t visible,
                 std::size_t width, Align align, bool last) {
  const std::size_t pad = width > visible ? width - visible : 0;
  if (align == Align::right) {
    line.append(pad, ' ');
    line.append(painted);
  } else {
    line.append(painted);
    if (!last) {
      line.append(pad, ' ');
    }
  }
}

}  // namespace

Table::Table(std::vector<Column> columns) : m_columns(std::move(columns)) {
  for (auto& column : m_columns) {
    column.header = escape_controls(column.header);
  }
}

void Table::add_row(std::vector<Cell> cells) {
  cells.resize(m_columns.size());
  for (auto& cell : cells) {
    if (!cell.escaped) {
      cell.text = escape_controls(cell.text);
      cell.escaped = true;
    }
  }
  m_rows.push_back(std::move(cells));
}

std::string Table::render(const Style& style) const {
  std::vector<std::size_t> widths(m_columns.size());
  for (std::size_t c = 0; c < m_columns.size(); ++c) {
    widths[c] = visible_width(m_columns[c].header);
    for (const auto& row : m_rows) {
      widths[c] = std::max(widths[c], visible_width(row[c].text));
    }
  }
  std::string out;
  const auto emit = [&](auto&& cell_text, auto&& cell_painted) {
    std::string line;
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
      if (c > 0) {
        line.append(k_gap);
      }
      const std::string& text = cell_text(c);
      append_cell(line, cell_painted(c), visible_width(text), widths[c], m_columns[c].align,
                  c + 1 == m_columns.size());
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out.append(line).push_back('\n');
  };
  emit([&](std::size_t c) -> const std::string& { return m_columns[c].header; },
       [&](std::size_t c) { return m_columns[c].header; });
  for (const auto& row : m_rows) {
    emit([&](std::size_t c) -> const std::string& { return row[c].text; },
         [&](std::size_t c) { return style.paint(row[c].text, row[c].color); });
  }
  return out;
}

}  // namespace vhtask::client::view
