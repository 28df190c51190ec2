#include "member_filter.h"

#include <nlohmann/json.hpp>

namespace fullstory {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(std::string_view text, size_t at) {
  while (at < text.size() && is_space(text[at])) ++at;
  return at;
}

// `at` is on an opening quote; returns the position after the closing one.
size_t string_end(std::string_view text, size_t at) {
  for (++at; at < text.size(); ++at) {
    if (text[at] == '\\') {
      ++at;
    } else if (text[at] == '"') {
      return at + 1;
    }
  }
  return text.size();
}

// `at` is on the first character of a value; returns the position after its last one.
size_t value_end(std::string_view text, size_t at) {
  if (at >= text.size()) return at;
  if (text[at] == '"') return string_end(text, at);
  if (text[at] != '{' && text[at] != '[') {
    while (at < text.size() && text[at] != ',' && text[at] != '}' && text[at] != ']' && !is_space(text[at])) ++at;
    return at;
  }
  int depth = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '"') {
      at = string_end(text, at);
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return at + 1;
    ++at;
  }
  return at;
}

// A key as written, quotes included, to its value: escapes are rare in keys, so decoded
// only when there is one.
std::string unescaped(std::string_view quoted) {
  if (quoted.find('\\') == std::string_view::npos) return std::string(quoted.substr(1, quoted.size() - 2));
  const auto value = nlohmann::json::parse(quoted.begin(), quoted.end(), nullptr, false);
  return value.is_string() ? value.get<std::string>() : std::string();
}

}  // namespace

void append_members(std::string_view object_json, const std::function<bool(std::string_view name)>& keep,
                    std::string& out) {
  size_t at = skip_space(object_json, 0);
  if (at >= object_json.size() || object_json[at] != '{') return;
  at = skip_space(object_json, at + 1);
  while (at < object_json.size() && object_json[at] == '"') {
    const size_t begin = at;
    const size_t key_end = string_end(object_json, at);
    at = skip_space(object_json, key_end);
    at = skip_space(object_json, at + 1);  // past ':'
    const size_t end = value_end(object_json, at);
    if (keep(unescaped(object_json.substr(begin, key_end - begin)))) {
      if (!out.empty() && out.back() != '{') out += ',';
      out.append(object_json.substr(begin, end - begin));
    }
    at = skip_space(object_json, end);
    if (at < object_json.size() && object_json[at] == ',') at = skip_space(object_json, at + 1);
  }
}

}  // namespace fullstory
