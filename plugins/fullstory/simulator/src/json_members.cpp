#include "json_members.h"

#include <nlohmann/json.hpp>

namespace fssim {

namespace {

// Index just past the string whose opening quote is at `at`.
std::size_t skip_string(std::string_view text, std::size_t at) {
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return text.size();
}

// Index just past the value starting at `at`: counts brackets instead of recursing, so a
// value nested a million deep costs no stack.
std::size_t skip_value(std::string_view text, std::size_t at) {
  std::size_t depth = 0;
  std::size_t i = at;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      i = skip_string(text, i);
      if (depth == 0) return i;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') {
      if (depth == 0) return i;  // the end of the enclosing object: a scalar just ended
      if (--depth == 0) return i + 1;
    }
    if (c == ',' && depth == 0) return i;
    ++i;
  }
  return i;
}

}  // namespace

std::vector<JsonMember> top_level_members(std::string_view object) {
  std::vector<JsonMember> members;
  std::size_t i = 1;  // past '{'
  while (i < object.size() && object[i] == '"') {
    const std::size_t key_end = skip_string(object, i);
    const std::string_view key = object.substr(i + 1, key_end - i - 2);
    const std::size_t value_begin = key_end + 1;  // past ':'
    const std::size_t value_end = skip_value(object, value_begin);
    members.push_back({key, object.substr(value_begin, value_end - value_begin)});
    i = value_end + 1;  // past ',' (or '}')
  }
  return members;
}

void append_object(std::string& out, const std::vector<JsonMember>& members) {
  out += '{';
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    out += members[i].key;
    out += "\":";
    out += members[i].value;
  }
  out += '}';
}

std::string unquoted_value(std::string_view value) {
  if (value.empty() || value.front() != '"') return std::string(value);
  return nlohmann::json::parse(value).get<std::string>();
}

}  // namespace fssim
