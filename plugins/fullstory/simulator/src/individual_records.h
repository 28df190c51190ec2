// individual_records.h: TYPE_INDIVIDUAL exports, one record per visitor seen in the window,
// summarised from that visitor's Segment Export events in the window.
#pragma once

#include <functional>
#include <string_view>

#include "bundle_catalog.h"
#include "event_generator.h"
#include "export_spec.h"

namespace fssim {

// Calls `record` with each visitor's full record (every individual field), by IndvId.
// Memory grows with the visitors (at most 5000), not with the events.
void for_each_individual(const BundleCatalog& catalog, const EventGenerator& generator, const TimeWindow& window,
                         const std::function<void(std::string_view)>& record);

}  // namespace fssim
