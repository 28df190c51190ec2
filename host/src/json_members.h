// Working with JSON as text, where the host must pass a plugin's JSON on byte for byte
// (source state, sink checkpoints) instead of re-serializing it, which could change
// number formatting and key order.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace etlhost {

/// `text` without leading and trailing JSON whitespace (space, tab, CR, LF).
std::string_view trim_json_space(std::string_view text);

/// The exact text of the member `key` of the top-level object in `json`, which must be
/// valid JSON (validate it first). nullopt when the top level is not an object or has no
/// such member; with duplicate keys the last one wins, as in nlohmann::json. Keys are
/// compared as written (escapes are not decoded).
std::optional<std::string_view> top_level_member_text(std::string_view json, std::string_view key);

/// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace etlhost
