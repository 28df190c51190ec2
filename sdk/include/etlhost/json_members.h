/* json_members.h: the top-level members of a JSON object, found in its text (header-only
 * C++17), for code that must pass JSON on byte for byte instead of re-serialising it
 * (which could change number formatting, escapes and key order).
 *
 * Only for text a JSON parser accepted already: members are found by strings, escapes and
 * bracket depth, and nothing else is checked. On other input the scan stays within the
 * text, but what it finds means nothing. The host (state, checkpoints) and the fullstory
 * source (records without deselected fields) use it. */
#ifndef ETLHOST_JSON_MEMBERS_H
#define ETLHOST_JSON_MEMBERS_H

#include <cstddef>
#include <string_view>

namespace etl {
namespace json_members {

/// One member of an object, as written.
struct Member {
  std::string_view key;    // between the quotes, escapes not decoded
  std::string_view whole;  // "key":value, from the key's opening quote to the value's end
  std::string_view value;  // the value's text
};

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline size_t skip_space(std::string_view text, size_t at) {
  while (at < text.size() && is_space(text[at])) ++at;
  return at;
}

/// `at` is on an opening quote; the index just past the closing one.
inline size_t skip_string(std::string_view text, size_t at) {
  for (++at; at < text.size(); ++at) {
    if (text[at] == '\\') {
      ++at;
    } else if (text[at] == '"') {
      return at + 1;
    }
  }
  return text.size();
}

/// `at` is on a value's first character; the index just past its last one.
inline size_t skip_value(std::string_view text, size_t at) {
  if (at >= text.size()) return at;
  if (text[at] == '"') return skip_string(text, at);
  if (text[at] != '{' && text[at] != '[') {
    // A number or a literal: runs until a delimiter.
    while (at < text.size() && text[at] != ',' && text[at] != '}' && text[at] != ']' && !is_space(text[at])) ++at;
    return at;
  }
  int depth = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '"') {
      at = skip_string(text, at);
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return at + 1;
    ++at;
  }
  return at;
}

/// Calls `visit(const Member&)` for each top-level member of the object `json`, in order.
/// False when the top level is not an object (or a member lacks its ':').
template <class Visit>
bool for_each_member(std::string_view json, Visit&& visit) {
  size_t at = skip_space(json, 0);
  if (at >= json.size() || json[at] != '{') return false;
  at = skip_space(json, at + 1);
  while (at < json.size() && json[at] == '"') {
    const size_t begin = at;
    const size_t key_end = skip_string(json, at);
    at = skip_space(json, key_end);
    if (at >= json.size() || json[at] != ':') return false;
    const size_t value_begin = skip_space(json, at + 1);
    const size_t value_end = skip_value(json, value_begin);
    const size_t key_size = key_end - begin >= 2 ? key_end - begin - 2 : 0;
    visit(Member{json.substr(begin + 1, key_size), json.substr(begin, value_end - begin),
                 json.substr(value_begin, value_end - value_begin)});
    at = skip_space(json, value_end);
    if (at < json.size() && json[at] == ',') at = skip_space(json, at + 1);
  }
  return true;
}

}  // namespace json_members
}  // namespace etl

#endif
