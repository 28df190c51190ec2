#include "content_range.h"

#include <charconv>

namespace fullstory {
namespace {

// Reads a decimal number up to `stop` (or the end), advancing `text` past the stop character.
std::optional<uint64_t> take_number(std::string_view& text, char stop) {
  const size_t end = stop == '\0' ? text.size() : text.find(stop);
  if (end == 0 || end == std::string_view::npos) return std::nullopt;
  uint64_t value = 0;
  const auto [at, error] = std::from_chars(text.data(), text.data() + end, value);
  if (error != std::errc() || at != text.data() + end) return std::nullopt;
  text.remove_prefix(stop == '\0' ? end : end + 1);
  return value;
}

}  // namespace

std::optional<ContentRange> parse_content_range(std::string_view value) {
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  constexpr std::string_view kUnit = "bytes ";
  if (value.substr(0, kUnit.size()) != kUnit) return std::nullopt;
  value.remove_prefix(kUnit.size());
  ContentRange range;
  const auto first = take_number(value, '-');
  const auto last = first ? take_number(value, '/') : std::nullopt;
  if (!last || *first > *last) return std::nullopt;
  range.first = *first;
  range.last = *last;
  if (value != "*") {
    range.total = take_number(value, '\0');
    if (!range.total || *range.total <= range.last) return std::nullopt;
  }
  return range;
}

}  // namespace fullstory
