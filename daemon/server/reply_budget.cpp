#include "daemon/server/reply_budget.h"

#include "common/protocol/json_rpc_framing.h"
#include "common/protocol/protocol.h"

#include <boost/json/serializer.hpp>
#include <fmt/format.h>

#include <array>

namespace vhtask::daemon::server {

std::size_t json_bytes(const boost::json::value& value) {
  // Counted in chunks, without building the whole text.
  boost::json::serializer serializer;
  serializer.reset(&value);
  std::array<char, 4096> buffer{};
  std::size_t total = 0;
  while (!serializer.done()) {
    total += serializer.read(buffer.data(), buffer.size()).size();
  }
  return total;
}

common::protocol::RpcError reply_too_large(std::string_view method, std::size_t bytes,
                                           std::string_view advice) {
  return {common::protocol::k_message_too_large,
          fmt::format("the reply to `{}` would be {} bytes, over the protocol's limit of {} bytes, "
                      "and this client did not ask for it in pages (capability byte-paging): {}, "
                      "or use a newer vhtask",
                      method, bytes, common::protocol::k_max_message_bytes, advice),
          {}};
}

}  // namespace vhtask::daemon::server
