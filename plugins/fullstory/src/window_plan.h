// window_plan.h: which Segment Export windows a run exports for a stream, and how it says so.
// A sync logs the summary first; `etlhost run --dry-run` prints the plan JSON (plugin.h's
// etl_source_api.plan shape) and stops:
//   {"summary": "...", "units": [{"stream": "events", "id": "<window start>",
//     "start": "<RFC 3339>", "end": "<RFC 3339>"}, ...]}
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bookmark.h"
#include "export_window.h"
#include "source_config.h"

namespace fullstory {

/// A stream's windows from its bookmark (or start_date) up to now minus settle_minutes,
/// capped by max_windows_per_run. Throws etl::Error(ETL_E_INVALID_STATE) for a bookmark in
/// the future (every run from it would export nothing).
WindowSchedule schedule_windows(const SourceConfig& config, const std::optional<WindowBookmark>& bookmark, int64_t now,
                                const std::string& stream);

/// "events: 24 windows of 60 min to export, A to B, 4 exports in flight", or why none.
std::string schedule_summary(const SourceConfig& config, const WindowSchedule& schedule, const std::string& stream);

/// The plan JSON for `state`'s selected streams ("events" always, "individuals" when `individuals`).
std::string plan_windows(const SourceConfig& config, const WindowState& state, bool events, bool individuals,
                         int64_t now);

}  // namespace fullstory
