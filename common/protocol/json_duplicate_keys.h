#pragma once

// Finding a key that appears twice in one JSON object, at any depth. Boost.JSON (like most
// parsers) keeps the last of two equal keys, so `{"task":1,"task":2}` would silently mean task 2;
// the protocol refuses such a message instead (schema/protocol.md, "Messages").
//
// A plain function; no thread restrictions. It never throws and uses memory proportional to the
// input (the keys of the objects open at one moment); nesting is limited as json::parse limits it.

#include <optional>
#include <string>
#include <string_view>

namespace vhtask::common::protocol {

// Where the first duplicated key of `text` is, as a path from the message's root, such as
// `params.env.PATH` or `params.items[2].name`; nullopt when every object's keys are distinct.
// Text that is not valid JSON yields nullopt (json::parse reports that).
std::optional<std::string> find_duplicate_key(std::string_view text);

}  // namespace vhtask::common::protocol
