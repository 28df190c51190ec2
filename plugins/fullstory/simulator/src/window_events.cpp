#include "window_events.h"

namespace fssim {

namespace {

// The first index whose EventStart is at or after `millis` (event_count if none).
std::uint64_t first_at_or_after(const EventGenerator& generator, const Bundle& bundle, std::int64_t millis) {
  std::uint64_t low = 0;
  std::uint64_t high = bundle.event_count;
  while (low < high) {
    const std::uint64_t middle = low + (high - low) / 2;
    if (generator.event_start_millis(bundle, middle) < millis) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

}  // namespace

void for_each_window_event(const BundleCatalog& catalog, const EventGenerator& generator, const TimeWindow& window,
                           const std::function<void(const Bundle&, std::uint64_t)>& event) {
  for (const Bundle& bundle : catalog.bundles()) {
    if (window.end_millis && bundle.start * 1000 >= *window.end_millis) break;
    if (window.start_millis && bundle.stop * 1000 <= *window.start_millis) continue;
    const std::uint64_t first = window.start_millis ? first_at_or_after(generator, bundle, *window.start_millis) : 0;
    const std::uint64_t last = window.end_millis ? first_at_or_after(generator, bundle, *window.end_millis)
                                                 : bundle.event_count;
    for (std::uint64_t index = first; index < last; ++index) event(bundle, index);
  }
}

}  // namespace fssim
