#pragma once

// The byte budget of one reply. A message may be at most 1 MiB (schema/protocol.md, "Framing"),
// so the answers that grow with the data (`status` rows, `compare` rows, `show` metadata) are
// paged by bytes as well as by rows: a page holds what fits in k_reply_budget, leaving room for
// the envelope and the fixed members, and says where the next page starts (capability
// `byte-paging`). A page always holds at least one item, so paging always progresses.
//
// Plain functions; no thread restrictions.

#include "common/protocol/json_rpc.h"

#include <boost/json/value.hpp>

#include <cstddef>
#include <string_view>

namespace vhtask::daemon::server {

inline constexpr std::size_t k_reply_budget = 768 * 1024;
// The most a reply sent whole (to a client that does not page) may hold: 1 MiB less room for
// the envelope.
inline constexpr std::size_t k_unpaged_limit = 1024 * 1024 - 4096;

// The size of `value` as compact JSON on the wire.
std::size_t json_bytes(const boost::json::value& value);

// The bytes of one page as its items are added: where a paged answer stops.
class ReplyBudget {
public:
  // `fixed`: the bytes of what every page carries besides its items.
  explicit ReplyBudget(std::size_t fixed = 0) : m_used(fixed) {}

  // Counts one more item of `bytes`; true while the page may hold it, which the first item
  // always may (so paging progresses), false once it would take the page over k_reply_budget.
  bool admit(std::size_t bytes) {
    m_used += bytes;
    const bool fits = m_items == 0 || m_used <= k_reply_budget;
    ++m_items;
    return fits;
  }
  // The same for an array element (its size and a comma).
  bool admit(const boost::json::value& item) { return admit(json_bytes(item) + 1); }

  // Everything counted so far, admitted or not.
  std::size_t used() const { return m_used; }

private:
  std::size_t m_used;
  std::size_t m_items = 0;
};

// The answer to a client that did not ask for pages when the whole reply (`bytes`) would not
// fit: error -32007 saying so, with `advice` on what to do instead.
common::protocol::RpcError reply_too_large(std::string_view method, std::size_t bytes,
                                           std::string_view advice);

}  // namespace vhtask::daemon::server
