// json_members.h: the top-level members of a compact JSON object, as raw text, without
// parsing the values (so ids above 2^53, float spellings and deep nesting pass untouched).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fssim {

struct JsonMember {
  std::string_view key;    // between the quotes, still escaped (generated keys never are)
  std::string_view value;  // the value's exact text
};

// The members of `object`, which must be a well-formed compact JSON object as the
// generator writes it (no whitespace between tokens).
std::vector<JsonMember> top_level_members(std::string_view object);

// Appends {"k":v,...} of `members`.
void append_object(std::string& out, const std::vector<JsonMember>& members);

// A JSON scalar's text as a CSV cell wants it: strings unescaped, everything else verbatim.
std::string unquoted_value(std::string_view value);

}  // namespace fssim
