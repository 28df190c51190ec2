// Progress as text and JSON, from one snapshot of a run (ProgressView): the live line, the
// plain log line, the plan line, the JSON event, and the ETA that honours a rate limit's
// floor (plugin.h, etl_host_api.plan). Pure: no clock, no I/O, so it is unit-tested exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace etlhost {

/// What the run did so far, as the progress display saw it at one moment.
struct ProgressView {
  int64_t elapsed_ms = 0;
  uint64_t records = 0;
  std::string records_by_stream;  // "events 120" (RunStats::records_by_stream)
  // The source's plan (empty counter: none yet) and how far that counter got.
  std::string plan_counter;
  int64_t plan_total = 0;
  int64_t plan_min_ms_per_unit = 0;
  int64_t plan_done = 0;
  std::optional<int64_t> bytes;  // a "bytes..." counter of the source, when it has one
  uint32_t activity = 0;         // ETL_ACTIVITY_*; 0: none reported
  std::string activity_what;
  int64_t activity_left_ms = 0;  // until the current wait ends; 0 when unknown
  int64_t waited_ms = 0;         // waiting + retrying for the API so far
};

/// Remaining time: remaining units x max(observed ms per unit, the floor). nullopt when
/// there is no plan, or nothing is done and there is no floor to go by. A wait under way
/// (`wait_left_ms`, e.g. a 60 s Retry-After) holds up the next unit: at least that, plus
/// the floor for each unit after it.
std::optional<int64_t> eta_ms(int64_t done, int64_t total, int64_t elapsed_ms, int64_t min_ms_per_unit,
                              int64_t wait_left_ms = 0);

/// The same for a view: its plan, and its wait when one is under way.
std::optional<int64_t> eta_ms(const ProgressView& view);

/// "3 s", "4 min 05 s", "2 h 03 min".
std::string short_duration(int64_t ms);
/// "512 B", "4.1 MiB".
std::string byte_size(int64_t bytes);

/// The live line: "3/20 bundles, 1200 records, 4.1 MiB, 310 records/s; waiting for ... (28 s
/// left); waited 1 min 02 s; ETA 9 min 10 s". One line, no newline.
std::string live_line(const ProgressView& view);
/// The plain log line's text (after "progress: "): the live line's facts and the per-stream records.
std::string plain_line(const ProgressView& view);
/// The first line once the plan is known: "plan: 20 bundles, about 10 min at the source's
/// rate limit (at most one per 30 s)".
std::string plan_line(const ProgressView& view);
/// What the run's last line adds: "; 20/20 bundles; waited 1 min 02 s for the API", the
/// parts that apply, or "".
std::string summary_part(const ProgressView& view);
/// One --progress json event: {"event": kind, "elapsed_ms", "records", "done", "total", ...}.
nlohmann::json progress_event(const ProgressView& view, const char* kind);

}  // namespace etlhost
