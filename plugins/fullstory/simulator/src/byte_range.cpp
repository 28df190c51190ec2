#include "byte_range.h"

#include <algorithm>
#include <charconv>

namespace fssim {

namespace {

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

RangeRequest parse_range(std::string_view header, std::uint64_t total) {
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return {};
  const std::string_view spec = header.substr(kUnit.size());
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const auto first = number(spec.substr(0, dash));
  const std::string_view last_text = spec.substr(dash + 1);
  const auto last = last_text.empty() ? std::optional<std::uint64_t>(UINT64_MAX) : number(last_text);
  if (!first || !last || *last < *first) return {};
  if (*first >= total) return {RangeRequest::Kind::kUnsatisfiable, {}};
  return {RangeRequest::Kind::kSatisfiable, {*first, std::min(*last, total - 1)}};
}

}  // namespace fssim
