// window_events.h: which bundle events fall in an export's time window.
#pragma once

#include <cstdint>
#include <functional>

#include "bundle_catalog.h"
#include "event_generator.h"
#include "export_spec.h"

namespace fssim {

// Calls `event` for every (bundle, index) whose EventStart is in `window`, in time order.
// Each bundle's index range is found by binary search (EventStart never decreases with the
// index), so a 1 h window of a day-long bundle generates only that hour's events.
void for_each_window_event(const BundleCatalog& catalog, const EventGenerator& generator, const TimeWindow& window,
                           const std::function<void(const Bundle&, std::uint64_t)>& event);

}  // namespace fssim
