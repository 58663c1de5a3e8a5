// libFuzzer target: the protocol message parsers and the line framer. The whole input is parsed
// as one line from a client and as one line from the server; a request that parses must survive
// a serialize/parse round trip. Then the input is fed to a LineBuffer in chunks whose sizes, and
// the line limit, come from its first bytes, and every frame is parsed as a request.

#include "common/protocol/json_rpc.h"
#include "common/protocol/json_rpc_framing.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace vhtask::common::protocol;

// A property violation in project code: abort, so libFuzzer records the input.
void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void check_request(std::string_view line) {
  const auto parsed = parse_request(line);
  const auto* request = std::get_if<Request>(&parsed);
  if (request == nullptr) {
    (void)serialize(std::get<Response>(parsed));
    return;
  }
  const auto text = serialize(*request);
  const auto again = parse_request(text);
  const auto* copy = std::get_if<Request>(&again);
  require(copy != nullptr && copy->method == request->method && copy->params == request->params &&
          copy->id == request->id);
}

void check_server_message(std::string_view line) {
  const auto parsed = parse_server_message(line);
  if (!parsed) {
    return;
  }
  if (const auto* response = std::get_if<Response>(&*parsed)) {
    (void)serialize(*response);
  } else {
    (void)serialize(std::get<Notification>(*parsed));
  }
}

void check_framing(std::string_view bytes) {
  if (bytes.size() < 2) {
    return;
  }
  const std::size_t limit = 1 + static_cast<unsigned char>(bytes[0]);  // small, to hit oversize
  const std::size_t chunk = 1 + static_cast<unsigned char>(bytes[1]) % 32;
  bytes.remove_prefix(2);
  LineBuffer buffer(limit);
  while (!bytes.empty()) {
    const auto take = std::min(chunk, bytes.size());
    buffer.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    require(buffer.partial_bytes() <= limit + 1);  // one byte of slack for a '\r'
    while (auto frame = buffer.next()) {
      require(frame->text.size() <= limit && frame->text.find('\n') == std::string::npos);
      if (frame->kind == Frame::Kind::line) {
        require(!frame->text.empty());
        check_request(frame->text);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_request(text);
  check_server_message(text);
  check_framing(text);
  return 0;
}
