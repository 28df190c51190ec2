#include "rate_limiter.h"

#include <algorithm>

namespace fssim {

RateLimiter::Admission RateLimiter::admit(Clock::time_point now) {
  if (limit_ == 0) return {true, {}};
  const std::lock_guard lock(mutex_);
  if (burst_ > 0) return admit_from_bucket(now);
  while (!grants_.empty() && grants_.front() + window_ <= now) grants_.pop_front();
  if (grants_.size() < limit_) {
    grants_.push_back(now);
    return {true, {}};
  }
  // Round up: a client that waits exactly Retry-After seconds must find a free slot.
  const auto wait = std::chrono::ceil<std::chrono::seconds>(grants_.front() + window_ - now);
  return {false, std::max(wait, std::chrono::seconds(1))};
}

RateLimiter::Admission RateLimiter::admit_from_bucket(Clock::time_point now) {
  const double per_second = static_cast<double>(limit_) / static_cast<double>(window_.count());
  if (refilled_ != Clock::time_point{}) {
    const double elapsed = std::chrono::duration<double>(now - refilled_).count();
    tokens_ = std::min(static_cast<double>(burst_), tokens_ + elapsed * per_second);
  }
  refilled_ = now;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return {true, {}};
  }
  // Round up, as above: waiting exactly Retry-After finds a token.
  const auto wait = std::chrono::ceil<std::chrono::seconds>(
      std::chrono::duration<double>((1.0 - tokens_) / per_second));
  return {false, std::max(wait, std::chrono::seconds(1))};
}

}  // namespace fssim
