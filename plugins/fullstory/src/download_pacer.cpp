#include "download_pacer.h"

namespace fullstory {

std::chrono::milliseconds DownloadPacer::wait_before_next(Clock::time_point now) const {
  if (per_minute_ <= 0 || static_cast<int>(recent_starts_.size()) < per_minute_) return std::chrono::milliseconds(0);
  const Clock::time_point allowed = recent_starts_.front() + std::chrono::minutes(1) + margin_;
  if (allowed <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(allowed - now);
}

void DownloadPacer::record_start(Clock::time_point now) {
  if (per_minute_ <= 0) return;
  recent_starts_.push_back(now);
  while (static_cast<int>(recent_starts_.size()) > per_minute_) recent_starts_.pop_front();
}

}  // namespace fullstory
