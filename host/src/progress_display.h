// The progress of a run while it runs (--progress): a ticker thread, started and stopped
// around the sync by the pipeline, that shows what the source reported through its
// services (WorkReport: plan, activity, waits) and the records the pipeline moved.
//   tty:   one live line on stderr, redrawn in place (Logger::set_live_line)
//   plain: a "progress:" log line every --progress-interval seconds, also during waits
//   json:  one JSON event per line on stderr or --progress-file, for orchestrators
// Each mode also announces the plan once the source made one (the run's first line).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cli.h"
#include "host_services.h"
#include "logger.h"
#include "progress_format.h"
#include "run_stats.h"

namespace etlhost {

struct ProgressSettings {
  ProgressMode mode = ProgressMode::kAuto;  // kAuto is resolved by the display (isatty(2))
  double interval_s = 10.0;                 // plain and json; 0 turns plain lines off
  std::string file;                         // json: "" writes to stderr
};

/// kAuto -> kTty when `stderr_is_terminal`, else kPlain; anything else as given.
ProgressMode resolve_progress_mode(ProgressMode mode, bool stderr_is_terminal);

class ProgressDisplay {
 public:
  /// `logger` and `source` must outlive the display. Opens --progress-file (json); throws
  /// HostError (exit 2) when it cannot.
  ProgressDisplay(ProgressSettings settings, Logger& logger, const HostServices& source);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  /// Starts the ticker (none for kOff).
  void start();
  /// Stops the ticker and takes the live line down; writes the json "end" event.
  void stop();
  /// The pipeline's records so far; call from the emitting thread after each batch (cheap).
  void update(const RunStats& stats);
  /// For the summary line: "; 20/20 bundles; waited 1 min 02 s for the API", or "".
  std::string summary_text() const;

 private:
  void loop();
  void tick(std::chrono::steady_clock::time_point now);
  ProgressView view() const;
  void write_json(const ProgressView& view, const char* kind);

  ProgressSettings settings_;
  Logger& logger_;
  const HostServices& source_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_line_;
  std::chrono::steady_clock::time_point next_detail_;
  uint64_t states_seen_ = 0;
  bool plan_announced_ = false;
  int json_fd_ = -1;  // json: stderr or the --progress-file
  bool own_json_fd_ = false;

  std::atomic<uint64_t> records_{0};
  mutable std::mutex mutex_;  // guards records_by_stream_, stopping_
  std::string records_by_stream_ = "none";
  bool stopping_ = false;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace etlhost
