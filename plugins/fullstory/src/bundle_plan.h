// bundle_plan.h: `etlhost run --dry-run`: the bundles a sync would download from a state,
// found by paging export/list exactly as EventsSync does (and checked the same way), with
// no export/get. The plan JSON is plugin.h's etl_source_api.plan shape:
//   {"summary": "...", "units": [{"stream": "events", "id": "<bundle Id>",
//     "start": "<RFC 3339>", "end": "<RFC 3339>"}, ...], "estimated_ms": N}
// Ids are strings: they exceed 2^53, which a JSON reader may hold in a double.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bookmark.h"
#include "etlhost/plugin.hpp"
#include "export_api.h"
#include "source_config.h"

namespace fullstory {

/// The least time `bundles` downloads take at `downloads_per_minute` (0: no pacing, 0 ms):
/// the pacer lets that many start per rolling minute, so the last one starts
/// floor((bundles - 1) / per_minute) minutes after the first. Download time itself is not known.
int64_t paced_duration_ms(uint64_t bundles, int downloads_per_minute);

/// Lists every page from `resume` (or start_date) and returns the plan JSON.
std::string plan_bundles(const SourceConfig& config, const etl::Host& host, ExportApi& api,
                         const std::optional<Bookmark>& resume);

}  // namespace fullstory
