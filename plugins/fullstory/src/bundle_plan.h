// bundle_plan.h: the bundles a sync downloads from a state, found by paging export/list to
// the end and checking every page (ListingCheck), before any export/get. A sync lists them
// first so its first lines can say how much there is and how long the rate limit makes it;
// `etlhost run --dry-run` lists them and stops. The plan JSON is plugin.h's etl_source_api.plan shape:
//   {"summary": "...", "units": [{"stream": "events", "id": "<bundle Id>",
//     "start": "<RFC 3339>", "end": "<RFC 3339>"}, ...], "estimated_ms": N}
// Ids are strings: they exceed 2^53, which a JSON reader may hold in a double.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bookmark.h"
#include "etlhost/plugin.hpp"
#include "export_api.h"
#include "source_config.h"

namespace fullstory {

/// The least time `bundles` downloads take at `downloads_per_minute` (0: no pacing, 0 ms):
/// the pacer lets that many start per rolling minute, so the last one starts
/// floor((bundles - 1) / per_minute) minutes after the first. Download time itself is not known.
int64_t paced_duration_ms(uint64_t bundles, int downloads_per_minute);

/// What listing found: every bundle after `from`, in order.
struct BundleListing {
  int64_t from = 0;  // the cursor listing started at: the bookmark, or start_date
  std::vector<BundleRef> bundles;
  /// "3 bundles to download, A to B, at least 60 s at downloads_per_minute 2", or "no new bundles ...".
  std::string summary(const SourceConfig& config) const;
};

/// Lists every page from `resume` (or start_date), warning about each page's listing
/// problems (or throwing, as ListingCheck decides), and reporting the count so far to the
/// host's plan() after each page.
BundleListing list_bundles(const SourceConfig& config, const etl::Host& host, ExportApi& api,
                           const std::optional<Bookmark>& resume);

/// Lists every page from `resume` (or start_date) and returns the plan JSON.
std::string plan_bundles(const SourceConfig& config, const etl::Host& host, ExportApi& api,
                         const std::optional<Bookmark>& resume);

}  // namespace fullstory
