#include "rate_limiter.h"

#include <algorithm>

namespace fssim {

RateLimiter::Admission RateLimiter::admit(Clock::time_point now) {
  if (limit_ == 0) return {true, {}};
  const std::lock_guard lock(mutex_);
  while (!grants_.empty() && grants_.front() + window_ <= now) grants_.pop_front();
  if (grants_.size() < limit_) {
    grants_.push_back(now);
    return {true, {}};
  }
  // Round up: a client that waits exactly Retry-After seconds must find a free slot.
  const auto wait = std::chrono::ceil<std::chrono::seconds>(grants_.front() + window_ - now);
  return {false, std::max(wait, std::chrono::seconds(1))};
}

}  // namespace fssim
