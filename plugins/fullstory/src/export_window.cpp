#include "export_window.h"

#include <algorithm>

namespace fullstory {
namespace {

// Floor division: a from before 1970 is refused by the config, but the arithmetic stays right.
int64_t floor_to(int64_t value, int64_t step) {
  const int64_t quotient = value / step;
  return (value % step != 0 && value < 0 ? quotient - 1 : quotient) * step;
}

}  // namespace

WindowSchedule::WindowSchedule(int64_t from, int64_t length, int64_t settled_before, int64_t max_windows)
    : from_(from), aligned_(floor_to(from, length)), length_(length) {
  // Window i ends at aligned + (i + 1) * length: count those ending by settled_before.
  count_ = settled_before < aligned_ + length_ ? 0 : (settled_before - aligned_) / length_;
  if (max_windows > 0) count_ = std::min(count_, max_windows);
}

ExportWindow WindowSchedule::window(int64_t i) const {
  return ExportWindow{std::max(from_, aligned_ + i * length_), aligned_ + (i + 1) * length_};
}

int64_t WindowSchedule::next_settled_at(int64_t settle_seconds) const { return window(count_).end + settle_seconds; }

}  // namespace fullstory
