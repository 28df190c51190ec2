// retry_policy.h: how long to wait before the next attempt, and how much waiting a run may do.
//
// Pure arithmetic (the caller supplies the random number and the clock), so the backoff
// bounds and the Retry-After parsing are unit-tested exactly.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fullstory {

using std::chrono::milliseconds;

/// Capped exponential backoff with "equal jitter": after the n-th failed attempt (n >= 1)
/// the nominal wait is min(max, base * 2^(n-1)) and the actual wait is uniform in
/// [nominal/2, nominal]. Half of it is guaranteed, so retries never hammer the server; the
/// other half spreads clients that failed together.
class RetryPolicy {
 public:
  RetryPolicy(int max_attempts, milliseconds base_delay, milliseconds max_delay)
      : max_attempts_(max_attempts), base_delay_(base_delay), max_delay_(max_delay) {}

  int max_attempts() const { return max_attempts_; }
  /// `unit_random` in [0, 1).
  milliseconds backoff(int failed_attempts, double unit_random) const;
  /// The un-jittered upper bound for the n-th failure.
  milliseconds nominal(int failed_attempts) const;

 private:
  int max_attempts_;
  milliseconds base_delay_;
  milliseconds max_delay_;
};

/// Waits longer than a day are not a rate limit but a misconfiguration: parse_retry_after caps
/// its answer at one second more than this, so the arithmetic cannot overflow and the wait
/// budget refuses it with a clear message.
inline constexpr int64_t kMaxRetryAfterSeconds = 86400;

/// How long a Retry-After header asks to wait: delay-seconds ("120") or an HTTP date
/// (a date in the past means "now"). nullopt for anything else, so the caller falls back to
/// its own backoff instead of trusting garbage.
std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

/// The run-wide allowance for retry and rate-limit waiting (max_total_wait_seconds).
class WaitBudget {
 public:
  explicit WaitBudget(milliseconds total) : total_(total) {}
  bool allows(milliseconds wait) const { return spent_ + wait <= total_; }
  void spend(milliseconds wait) { spent_ += wait; }
  milliseconds spent() const { return spent_; }
  milliseconds total() const { return total_; }

 private:
  milliseconds total_;
  milliseconds spent_{0};
};

}  // namespace fullstory
