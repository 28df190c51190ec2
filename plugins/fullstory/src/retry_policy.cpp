#include "retry_policy.h"

#include <algorithm>
#include <cctype>

#include "timestamps.h"

namespace fullstory {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

milliseconds RetryPolicy::nominal(int failed_attempts) const {
  milliseconds delay = base_delay_;
  for (int i = 1; i < failed_attempts && delay < max_delay_; ++i) delay *= 2;
  return std::min(delay, max_delay_);
}

milliseconds RetryPolicy::backoff(int failed_attempts, double unit_random) const {
  const milliseconds full = nominal(failed_attempts);
  const double clamped = std::clamp(unit_random, 0.0, 1.0);
  const auto jitter = static_cast<int64_t>(static_cast<double>(full.count() - full.count() / 2) * clamped);
  return std::min(full, milliseconds(full.count() / 2 + jitter));
}

std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    int64_t seconds = 0;
    for (const char c : value) {
      seconds = std::min(kMaxRetryAfterSeconds + 1, seconds * 10 + (c - '0'));
    }
    return std::chrono::seconds(seconds);
  }
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  // Compare in seconds first: a date after 2262 does not fit system_clock's nanoseconds,
  // and overflowing there turned "wait until 9999" into "retry now".
  const int64_t now_seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (*date - now_seconds > kMaxRetryAfterSeconds) return std::chrono::seconds(kMaxRetryAfterSeconds + 1);
  // Likewise a date before 1678: it is in the past, so "retry now" (the fuzzer found it).
  if (*date <= now_seconds) return milliseconds(0);
  const auto until = std::chrono::system_clock::time_point(std::chrono::seconds(*date)) - now;
  const auto wait = std::chrono::ceil<milliseconds>(until);
  return std::clamp(wait, milliseconds(0), milliseconds(std::chrono::seconds(kMaxRetryAfterSeconds + 1)));
}

}  // namespace fullstory
