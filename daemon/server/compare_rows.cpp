#include "daemon/server/compare_rows.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <tuple>

namespace vhtask::daemon::server {

namespace {

// (rank, number, text): rank 0 numbers, 1 strings, 2 other values, 3 missing.
struct SortKey {
  int rank = 3;
  double number = 0;
  std::string text;
};

SortKey sort_key(const boost::json::value& row, const std::string& key) {
  const auto* metadata = row.as_object().at("metadata").as_object().if_contains(key);
  if (metadata == nullptr) {
    return {};
  }
  if (metadata->is_number()) {
    return {0, metadata->to_number<double>(), {}};
  }
  if (metadata->is_string()) {
    return {1, 0, std::string(metadata->get_string())};
  }
  return {2, 0, boost::json::serialize(*metadata)};
}

}  // namespace

void sort_rows(boost::json::array& rows, const std::string& key, bool desc) {
  std::vector<std::pair<SortKey, boost::json::value>> keyed;
  keyed.reserve(rows.size());
  for (auto& row : rows) {
    keyed.emplace_back(sort_key(row, key), std::move(row));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [desc](const auto& a, const auto& b) {
    const SortKey& x = a.first;
    const SortKey& y = b.first;
    if (x.rank != y.rank) {
      return x.rank < y.rank;
    }
    if (x.rank == 0 && x.number != y.number) {
      return desc ? x.number > y.number : x.number < y.number;
    }
    if (x.rank != 3 && x.text != y.text) {
      return desc ? x.text > y.text : x.text < y.text;
    }
    return false;  // stable: execution id order
  });
  rows.clear();
  for (auto& [sort, row] : keyed) {
    rows.push_back(std::move(row));
  }
}

}  // namespace vhtask::daemon::server
