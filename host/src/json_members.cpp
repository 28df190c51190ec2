#include "json_members.h"

#include <nlohmann/json.hpp>

namespace etlhost {

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(std::string_view text, size_t at) {
  while (at < text.size() && is_json_space(text[at])) ++at;
  return at;
}

// `at` is on the opening quote; returns the index just past the closing quote.
size_t skip_string(std::string_view text, size_t at) {
  ++at;
  while (at < text.size()) {
    if (text[at] == '\\') {
      at += 2;
    } else if (text[at] == '"') {
      return at + 1;
    } else {
      ++at;
    }
  }
  return text.size();
}

// Returns the index just past the value that starts at `at`.
size_t skip_value(std::string_view text, size_t at) {
  if (at >= text.size()) return at;
  const char first = text[at];
  if (first == '"') return skip_string(text, at);
  if (first == '{' || first == '[') {
    int depth = 0;
    while (at < text.size()) {
      const char c = text[at];
      if (c == '"') {
        at = skip_string(text, at);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        --depth;
        if (depth == 0) return at + 1;
      }
      ++at;
    }
    return at;
  }
  // A number or a literal: runs until a delimiter.
  while (at < text.size() && text[at] != ',' && text[at] != '}' && text[at] != ']' && !is_json_space(text[at])) ++at;
  return at;
}

}  // namespace

std::string_view trim_json_space(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && is_json_space(text[begin])) ++begin;
  while (end > begin && is_json_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

std::optional<std::string_view> top_level_member_text(std::string_view json, std::string_view key) {
  size_t at = skip_space(json, 0);
  if (at >= json.size() || json[at] != '{') return std::nullopt;
  at = skip_space(json, at + 1);
  std::optional<std::string_view> found;
  while (at < json.size() && json[at] == '"') {
    const size_t key_end = skip_string(json, at);
    const std::string_view member_key = json.substr(at + 1, key_end - at - 2);
    at = skip_space(json, key_end);
    if (at >= json.size() || json[at] != ':') return std::nullopt;
    at = skip_space(json, at + 1);
    const size_t value_end = skip_value(json, at);
    if (member_key == key) found = json.substr(at, value_end - at);
    at = skip_space(json, value_end);
    if (at < json.size() && json[at] == ',') at = skip_space(json, at + 1);
  }
  return found;
}

std::string json_quote(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace etlhost
