#include "odd_events.h"

namespace fssim {

namespace {

constexpr std::string_view kPaddingAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
constexpr std::string_view kPaddingKey = R"("SimPadding":")";

}  // namespace

bool is_odd_event(const OddEvents& odd, const Bundle& bundle, std::uint64_t index) {
  return odd.any() && bundle.index == 0 && index == bundle.event_count / 3;
}

void append_odd_event(std::string& out, const OddEvents& odd, std::string_view normal) {
  const std::size_t begin = out.size();
  out += '{';
  if (odd.deep_depth > 0) {
    out += R"("SimDeep":)";
    out.append(odd.deep_depth, '[');
    out.append(odd.deep_depth, ']');
    out += ',';
  }
  if (odd.huge_bytes > 0) {
    const std::uint64_t framing = kPaddingKey.size() + 2;  // the closing quote and the comma
    // The members before the padding (the brace, SimDeep) and the normal ones after it.
    const std::uint64_t others = (out.size() - begin) + framing + (normal.size() - 1);
    out.reserve(begin + odd.huge_bytes);
    out += kPaddingKey;
    for (std::uint64_t i = others; i < odd.huge_bytes; ++i) out += kPaddingAlphabet[i % kPaddingAlphabet.size()];
    out += "\",";
  }
  out.append(normal.substr(1));  // the normal members and the closing brace
}

std::string describe_odd_events(const OddEvents& odd) {
  return "huge-event-bytes " + std::to_string(odd.huge_bytes) + " deep-event-depth " + std::to_string(odd.deep_depth) +
         (odd.identical ? " identical-events" : "");
}

}  // namespace fssim
