// download_pacer.h: keeps export/get under FullStory's documented limit (2 per minute).
//
// A sliding window over the start times of the last N downloads: the next one may start
// once the oldest of them is a minute (plus a small margin for clock and network skew)
// old. Because records are emitted while a body streams, the sink's work overlaps the
// window, and only the remainder is waited. Pure: the caller passes the clock.
#pragma once

#include <chrono>
#include <deque>

namespace fullstory {

class DownloadPacer {
 public:
  using Clock = std::chrono::steady_clock;

  /// `per_minute` 0 disables pacing.
  explicit DownloadPacer(int per_minute, std::chrono::milliseconds margin = std::chrono::milliseconds(1000))
      : per_minute_(per_minute), margin_(margin) {}

  /// How long to wait at `now` before the next download may start (0 when it may now).
  std::chrono::milliseconds wait_before_next(Clock::time_point now) const;
  /// Records that a download started at `now`.
  void record_start(Clock::time_point now);

 private:
  int per_minute_;
  std::chrono::milliseconds margin_;
  std::deque<Clock::time_point> recent_starts_;
};

}  // namespace fullstory
