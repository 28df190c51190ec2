// untrusted_json.h: parsing a small JSON document a server sent, with its nesting bounded.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fullstory {

/// `text` parsed, or a discarded value (is_discarded()) when it is not JSON or nests deeper
/// than `max_depth`: the documents read this way are flat, and a hostile one must cost
/// neither stack nor memory beyond its size.
nlohmann::json parse_untrusted_json(std::string_view text, int max_depth);

/// The same, keeping members in the order the server sent them: for documents passed on as
/// records (FullStory's users and settings), whose readers see the API's order.
nlohmann::ordered_json parse_untrusted_ordered_json(std::string_view text, int max_depth);

/// `value` as a message quotes it: a scalar as JSON cut to 120 bytes, a container by its
/// type and size only (never re-serialised whole).
std::string json_excerpt(const nlohmann::json& value);

}  // namespace fullstory
