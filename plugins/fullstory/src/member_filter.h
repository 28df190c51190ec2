// member_filter.h: copies the top-level members of a JSON object text, leaving some out or
// renaming them, without re-serialising anything (numbers keep every digit, strings every
// escape; a renamed member keeps its value's bytes).
//
// Only for text a JSON parser accepted already (EventValidator): see etlhost/json_members.h.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace fullstory {

/// Appends each top-level member `"name":value` of `object_json` for which `keep(name)` is
/// true (name unescaped), each preceded by ',' unless `out` ends with '{'.
void append_members(std::string_view object_json, const std::function<bool(std::string_view name)>& keep,
                    std::string& out);

/// The same, where `rename(name)` gives the name a member is copied under (its own: copied as
/// written) or nullopt to leave it out. A new name is written as it is: it must need no escape.
void append_members_renamed(std::string_view object_json,
                            const std::function<std::optional<std::string_view>(std::string_view name)>& rename,
                            std::string& out);

}  // namespace fullstory
