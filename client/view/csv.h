#pragma once

// CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, and a field
// quoted (with its quotes doubled) when it holds a comma, a quote, CR or LF, or starts or ends
// with a space. Pure functions; no thread restrictions.

#include <string>
#include <string_view>
#include <vector>

namespace vhtask::client::view {

std::string csv_field(std::string_view text);
// One record, CRLF included.
std::string csv_record(const std::vector<std::string>& fields);

}  // namespace vhtask::client::view
