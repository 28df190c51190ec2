// The run journal: one JSON object per run, appended to STATE.history.jsonl beside the
// state file when the run ends, whatever its outcome (not after SIGKILL, of course), and
// written whole to --report FILE. `etlhost history` reads it back.
//
// A record: started_at, ended_at, duration_ms, outcome, exit_code, source and sink
// ({name, version}), records (per stream), units (what the source reported with
// report_unit, bounded by WorkReport), units_dropped, waited_ms, retried_ms, state_before,
// state_after (the committed source state; a large one is cut to an excerpt).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "logger.h"
#include "run_stats.h"
#include "work_report.h"

namespace etlhost {

/// A state larger than this is recorded as {"bytes", "excerpt"}, not whole.
inline constexpr size_t kMaxRecordedStateBytes = 16 * 1024;

/// The journal of the state file `state_path`.
std::string history_path(const std::string& state_path);

/// What one run did, gathered by run_command when the pipeline returned.
struct RunFacts {
  std::chrono::system_clock::time_point started_at;
  std::chrono::system_clock::time_point ended_at;
  int exit_code = 0;
  std::string source_name, source_version, sink_name, sink_version;
  const RunStats& stats;
  const WorkReport& work;
  std::optional<std::string> state_before;
  std::optional<std::string> state_after;
  /// Where the output is (the sink identity's location, "" unknown) and the sink checkpoint
  /// committed last: what the run left downstream.
  std::string output_location;
  std::optional<std::string> checkpoint_after;
};

nlohmann::json run_record(const RunFacts& facts);

/// Appends the record to the journal (with --state, unless it is input only) and writes
/// --report. A failure is a warning: the run's outcome stays what it was.
void keep_run_record(const Command& command, const RunFacts& facts, Logger& logger);

/// The journal's records, oldest first. A line that is not a JSON object (a run killed
/// while appending) is skipped, with a warning naming its line number.
struct History {
  std::vector<nlohmann::json> records;
  std::vector<std::string> warnings;
};
/// Throws HostError (exit 7) when the file exists but cannot be read.
History read_history(const std::string& path);

}  // namespace etlhost
