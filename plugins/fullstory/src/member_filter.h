// member_filter.h: copies the top-level members of a JSON object text, leaving some out,
// without re-serialising anything (numbers keep every digit, strings every escape).
//
// Only for text a JSON parser accepted already (EventValidator): see etlhost/json_members.h.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace fullstory {

/// Appends each top-level member `"name":value` of `object_json` for which `keep(name)` is
/// true (name unescaped), each preceded by ',' unless `out` ends with '{'.
void append_members(std::string_view object_json, const std::function<bool(std::string_view name)>& keep,
                    std::string& out);

}  // namespace fullstory
