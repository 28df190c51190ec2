// rate_limiter.h: at most N export/get downloads per rolling window, as FullStory enforces.
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

  // `limit` 0 means unlimited.
  RateLimiter(unsigned limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

  // Grants a download slot (and counts it) or says how long until one frees. Thread-safe.
  // A download counts from the moment it is granted, even if the client then hangs up.
  Admission admit(Clock::time_point now = Clock::now());

 private:
  unsigned limit_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::deque<Clock::time_point> grants_;  // oldest first, all within the window
};

}  // namespace fssim
