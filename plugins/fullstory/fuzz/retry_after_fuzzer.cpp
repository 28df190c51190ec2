// parse_retry_after on any header value and any clock. The input is 8 bytes of "now" (Unix
// seconds, years 1970 to about 2242) followed by the header value. Properties:
// - the answer, when there is one, is a wait in [0, kMaxRetryAfterSeconds + 1] seconds;
// - delay-seconds mean that many seconds (capped); an HTTP date means the time until it,
//   rounded up to the millisecond and clamped, whatever the year (2262 and later included).
#include <algorithm>
#include <cctype>
#include <cstring>

#include "fuzz_check.h"
#include "retry_policy.h"
#include "timestamps.h"

namespace {

using namespace fullstory;
using std::chrono::seconds;

constexpr int64_t kCap = kMaxRetryAfterSeconds + 1;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// What the header asks for, in whole seconds (capped), computed without chrono.
std::optional<int64_t> expected_seconds(std::string_view value, int64_t now_seconds) {
  value = trim(value);
  if (!value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t wait = 0;
    for (const char c : value) wait = std::min(kCap, wait * 10 + (c - '0'));
    return wait;
  }
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  return std::clamp<int64_t>(*date - now_seconds, 0, kCap);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < sizeof(uint64_t)) return 0;
  uint64_t raw = 0;
  std::memcpy(&raw, data, sizeof raw);
  const auto now_seconds = static_cast<int64_t>(raw % (uint64_t{1} << 33));
  const std::string_view value = fuzz::text_of(data + sizeof raw, size - sizeof raw);

  const auto wait = parse_retry_after(value, std::chrono::system_clock::time_point(seconds(now_seconds)));
  const auto expected = expected_seconds(value, now_seconds);
  fuzz::check(wait.has_value() == expected.has_value(), "a wait exactly for delay-seconds and HTTP dates");
  if (wait) {
    // "now" is whole seconds here, so the wait is too.
    fuzz::check(*wait == std::chrono::milliseconds(seconds(*expected)), "the wait the header asks for, capped");
  }
  return 0;
}
