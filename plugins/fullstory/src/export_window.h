// export_window.h: the time windows Segment Export is read in, and which of them a run exports.
//
// Windows are aligned to their length from the Unix epoch (so to UTC midnight, since the
// length divides a day): [k*L, (k+1)*L). The first one starts at the resume point, which a
// bookmark always puts on a boundary but start_date may not: then it is the rest of its
// window, [from, next boundary). A window is exported once it ended `settle` ago, FullStory's
// advice for data that no longer changes. Windows are numbered from the first, so a run of
// 8760 of them is computed, never stored.
#pragma once

#include <cstdint>

namespace fullstory {

struct ExportWindow {
  int64_t start = 0;  // Unix seconds, inclusive
  int64_t end = 0;    // Unix seconds, exclusive
};

class WindowSchedule {
 public:
  /// Windows of `length` seconds from `from`, each ending at or before `settled_before`
  /// (now minus the settle delay); at most `max_windows` of them (0: no cap).
  WindowSchedule(int64_t from, int64_t length, int64_t settled_before, int64_t max_windows);

  /// The number of windows this run exports.
  int64_t count() const { return count_; }
  /// Window `i`, 0 <= i < count().
  ExportWindow window(int64_t i) const;
  /// The end of the first window that is not settled yet (when the run can do no more), for messages.
  int64_t next_settled_at(int64_t settle_seconds) const;

 private:
  int64_t from_;
  int64_t aligned_;  // the boundary at or before from
  int64_t length_;
  int64_t count_;
};

}  // namespace fullstory
