// rate_limiter.h: at most N export/get downloads per rolling window, as FullStory enforces;
// or, for the current API with --api-burst, a token bucket: a per-second rate plus a burst
// that recharges over time, as FullStory describes its limiter.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>

namespace fssim {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Admission {
    bool granted;
    std::chrono::seconds retry_after;  // when refused: until the oldest grant expires, >= 1 s
  };

  // `limit` 0 means unlimited. `burst` > 0: a bucket of `burst` tokens, `limit` of them
  // refilled per `window`.
  RateLimiter(unsigned limit, std::chrono::seconds window, unsigned burst = 0)
      : limit_(limit), window_(window), burst_(burst), tokens_(burst) {}

  // Grants a download slot (and counts it) or says how long until one frees. Thread-safe.
  // A download counts from the moment it is granted, even if the client then hangs up.
  Admission admit(Clock::time_point now = Clock::now());

 private:
  Admission admit_from_bucket(Clock::time_point now);

  unsigned limit_;
  std::chrono::seconds window_;
  unsigned burst_;
  double tokens_;
  Clock::time_point refilled_{};
  std::mutex mutex_;
  std::deque<Clock::time_point> grants_;  // oldest first, all within the window
};

}  // namespace fssim
