#include "client/rpc/paged_calls.h"

#include "common/protocol/protocol.h"

#include <functional>
#include <optional>

namespace vhtask::client::rpc {

namespace protocol = common::protocol;

namespace {

Failure malformed(std::string_view method) {
  return transport_failure(
      Error::protocol("vhtaskd's page of `" + std::string(method) + "` is malformed"));
}

// Calls `method` page by page: `params[page_param]` is where a page starts (0 first), and each
// answer's `next_member` says where the next one starts (null after the last). `take` gets every
// answer in turn, the first one included; it moves out what it keeps. Returns the first answer.
Outcome<boost::json::object> fetch_pages(
    Session& session, std::string_view method, boost::json::object params,
    std::string_view page_param, std::string_view next_member,
    const std::function<Outcome<void>(boost::json::object&)>& take) {
  params[page_param] = 0;
  auto first = VHTASK_TRY(session.call(method, params));
  VHTASK_TRY(take(first));
  const boost::json::object* answer = &first;
  boost::json::object page;
  std::int64_t at = 0;
  for (;;) {
    const auto* next = answer->if_contains(next_member);
    if (next == nullptr || next->is_null()) {
      return first;
    }
    if (!next->is_int64() || next->as_int64() <= at) {
      return malformed(method);  // a page must make progress
    }
    at = next->as_int64();
    params[page_param] = at;
    page = VHTASK_TRY(session.call(method, params));
    VHTASK_TRY(take(page));
    answer = &page;
  }
}

}  // namespace

Outcome<boost::json::object> fetch_compare(Session& session, boost::json::object params) {
  boost::json::array rows;
  auto result =
      VHTASK_TRY(fetch_pages(session, protocol::k_compare, std::move(params), "offset",
                             "next_offset", [&](boost::json::object& page) -> Outcome<void> {
                               auto* more = page.if_contains("executions");
                               if (more == nullptr || !more->is_array()) {
                                 return malformed(protocol::k_compare);
                               }
                               for (auto& row : more->as_array()) {
                                 rows.push_back(std::move(row));
                               }
                               return {};
                             }));
  result["executions"] = std::move(rows);
  result.erase("offset");
  result.erase("next_offset");
  return result;
}

Outcome<boost::json::object> fetch_show(Session& session, std::int64_t execution) {
  boost::json::object metadata;
  bool has_metadata = false;  // not without capability `metadata`
  auto result = VHTASK_TRY(fetch_pages(session, protocol::k_show, {{"execution", execution}},
                                       "metadata_offset", "metadata_next",
                                       [&](boost::json::object& page) -> Outcome<void> {
                                         auto* more = page.if_contains("metadata");
                                         if (more == nullptr) {
                                           return {};
                                         }
                                         if (!more->is_object()) {
                                           return malformed(protocol::k_show);
                                         }
                                         has_metadata = true;
                                         for (auto& [key, value] : more->as_object()) {
                                           metadata[key] = std::move(value);
                                         }
                                         return {};
                                       }));
  if (has_metadata) {
    result["metadata"] = std::move(metadata);
  }
  result.erase("metadata_next");
  return result;
}

}  // namespace vhtask::client::rpc
