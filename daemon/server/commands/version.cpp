// `version`: the protocol version and capabilities (schema/protocol.md, "Versioning").

#include "common/protocol/protocol.h"
#include "daemon/server/command_table.h"

namespace vhtask::daemon::server {

void handle_version(CommandContext&, const boost::json::object& params,
                    const std::shared_ptr<Reply>& reply) {
  const auto required = common::protocol::parse_version_params(params);
  if (!required) {
    reply->invalid_params(required.error().message);
    return;
  }
  auto result = common::protocol::version_result(*required);
  if (!result) {
    reply->fail(result.error());
    return;
  }
  reply->result(std::move(*result));
}

}  // namespace vhtask::daemon::server
