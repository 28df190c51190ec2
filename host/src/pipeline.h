// The run pipeline: moves messages from a source to a sink and commits state only behind
// the sink's durability barrier (plugin.h, section 7).
//
//   restore(committed checkpoint) -> source.sync(emitter) -> finish
//   (the baseline commit comes right before the sink's first write)
//
// For every emit() the pipeline checks the whole batch against the protocol first (so a
// batch reaches the sink whole or not at all), then forwards it to sink.write() in order,
// split after each STATE. After each STATE it asks the sink for its checkpoint: that
// (state, checkpoint) pair is *pending*, numbered 1, 2, ... in write order. When
// --checkpoint-interval has passed since the last commit it calls sink.flush() and, only
// if that returned OK, commits the newest pending pair the sink has made durable.
//
// Which pairs are durable depends on the sink. A 1.0-rule sink: the flush is the ack, so
// every pair written before it (only the newest is kept). An acknowledged sink (1.1, its
// acknowledged() answered right after restore()): the pairs numbered up to what
// acknowledged() reports; the others stay pending, the run never waits for them, and
// there is no baseline commit. Every run path but a closed downstream ends with
// sink.finish(), then a last flush, acknowledged() and commit.
//
// Outcomes and exit codes: see finish() in pipeline.cpp and exit_codes.h.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "etlhost/plugin.h"
#include "logger.h"
#include "plugin_instance.h"
#include "progress_display.h"
#include "receiver_emitter.h"
#include "run_stats.h"
#include "signals.h"
#include "state_store.h"

namespace etlhost {

/// How many pending pairs an acknowledged sink may hold (see Pipeline::push_pending).
inline constexpr size_t kMaxPendingStates = 10000;

struct PipelineOptions {
  /// Seconds between commits; 0 commits at every STATE.
  double checkpoint_interval_s = 1.0;
  /// Seconds between progress lines; 0 turns them off.
  double progress_interval_s = 10.0;
  /// Without a StateStore: the file the state was read from, never written (tap mode), for
  /// messages; "" when there is none.
  std::string input_state_path;
  /// --progress and --progress-file (the interval is progress_interval_s).
  ProgressMode progress = ProgressMode::kAuto;
  std::string progress_file;
  /// Where the sink's output is (its identity's "location"), for the last line; "" unknown.
  std::string output_location;
};

class Pipeline {
 public:
  /// `state` may be null (no --state: nothing is restored or committed).
  Pipeline(SourceInstance& source, SinkInstance& sink, StateStore* state, Logger& logger, const CancelFlag& cancel,
           PipelineOptions options);
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// Runs everything after create(): restore, sync (with the baseline commit), finish. `stored` is
  /// what the state file held. Returns the exit code.
  int run(std::string_view catalog_json, const StoredState& stored);

  const RunStats& stats() const { return stats_; }
  /// The source state committed when the run ended (or restored, if nothing was committed).
  const std::optional<std::string>& committed_state() const { return committed_.state; }
  /// The sink checkpoint committed with it (csv: each file and its committed length).
  const std::optional<std::string>& committed_checkpoint() const { return committed_.checkpoint; }

  // The receiver of the source's emitter (receiver_emitter.h); the source calls these
  // through emitter_, nothing else should.
  EmitAnswer accept(const etl_message* const* messages, size_t count);
  EmitAnswer internal_error(const char* what);

 private:
  /// Why the run cannot go on; the first failure wins and makes every later emit() fail.
  /// kTarget: the sink failed with ETL_E_DOWNSTREAM (what it delivers to failed, exit 9).
  enum class Failure { kNone, kProtocol, kSink, kTarget, kDownstreamClosed, kStateCommit, kCancelled, kInternal };

  /// A source state and the sink checkpoint taken right after it.
  struct StatePair {
    std::optional<std::string> state;
    std::optional<std::string> checkpoint;
  };
  /// A pending pair and the number of its STATE in this run (1 for the first written).
  struct PendingPair {
    uint64_t number = 0;
    StatePair pair;
  };

  etl_status emit(const etl_message* const* messages, size_t count);
  etl_status validate_batch(const etl_message* const* messages, size_t count);
  etl_status forward_batch(const etl_message* const* messages, size_t count);

  /// Records the first failure; returns the status emit() should give the source.
  etl_status fail(Failure kind, etl_status status, std::string message);

  /// sink.write / checkpoint / flush with failure recording; false on failure.
  bool write_to_sink(const etl_message* const* messages, size_t count);
  /// The baseline commit (plugin.h, section 7), once, before the first write; false on failure.
  bool commit_baseline();
  /// The failure path the sink calls share: records a failed `action` ("write") of the sink.
  bool sink_call_succeeded(const CallResult& result, const char* action);
  /// The same, for a call made while the run already stops: only logs, unless `record`.
  bool sink_call_succeeded(const CallResult& result, const char* action, bool record);
  bool take_checkpoint(std::optional<std::string>* out);
  bool flush_sink();
  /// Writes `pair` to the state file (no-op without one). Call only after a successful
  /// flush. Returns the problem when the commit failed (the old state then stays).
  std::optional<std::string> commit_pair(const StatePair& pair);
  /// When the interval has passed (or `force`): flush, then commit the newest durable pair.
  bool commit_pending(bool force);

  /// Right after the first restore(): is this an acknowledged sink? false on failure.
  bool detect_acknowledged_sink();
  /// Keeps the pair of the STATE just written, within kMaxPendingStates.
  void push_pending(StatePair pair);
  /// Reads acknowledged() into stats_ (no-op for a 1.0-rule sink) and checks its promises.
  bool poll_acknowledged(bool record);
  /// Takes one answer of acknowledged(): checks it never decreases nor exceeds the STATEs written.
  bool take_acknowledged(CallResult result, uint64_t states, bool record);
  /// Commits the newest pending pair the sink made durable (no-op when there is none);
  /// `record`: a failed commit becomes the run's failure, else it is only logged.
  bool commit_durable(bool record);
  /// sink.finish(), once per run; `aborted` when the run failed or was stopped (then a
  /// failure is only logged: the first cause stays the run's).
  void finish_sink(bool aborted);
  /// The end of a successful run that left STATEs unacknowledged: says so.
  void warn_unacknowledged();

  /// After a source failure or a stop: flush, commit the newest durable pair, then restore
  /// the sink to the last committed checkpoint.
  void salvage();
  /// After a sink failure: an acknowledged sink still commits what it acknowledged
  /// (salvage); a 1.0-rule sink is only restored.
  void settle_after_sink_failure();
  /// After a sink/commit failure: restore the sink to the last committed checkpoint.
  void restore_committed();
  /// True when a failed sync() is the state file's fault (exit 7), not the source's.
  bool refused_its_state(const CallResult& sync_result) const;
  /// The state file's path, from the StateStore or options_.input_state_path; "" for none.
  std::string state_path() const;

  int finish(const CallResult& sync_result);
  void log_summary(const char* verb);
  std::string counters_text() const;
  /// "3 states committed", or for an acknowledged sink "4 states acknowledged, 3 committed".
  std::string states_text() const;
  /// "output in LOCATION; " for the last line, or "" when the sink names no location.
  std::string output_text() const;
  std::string committed_position() const;
  double elapsed_seconds() const;

  SourceInstance& source_;
  SinkInstance& sink_;
  StateStore* state_;
  Logger& logger_;
  const CancelFlag& cancel_;
  PipelineOptions options_;
  etl_emitter emitter_{};

  Failure failure_ = Failure::kNone;
  etl_status failure_status_ = ETL_OK;
  std::string failure_message_;

  StatePair committed_;
  std::deque<PendingPair> pending_;  // oldest first; a 1.0-rule sink keeps at most one
  bool baseline_due_ = false;
  bool acknowledged_sink_ = false;
  bool sink_finished_ = false;

  // The emitter may only be called from the thread inside sync() (plugin.h, section 4). A
  // call from another thread is refused without touching any other member.
  std::thread::id sync_thread_;
  std::atomic<bool> emit_from_wrong_thread_{false};

  RunStats stats_;
  size_t last_stream_ = SIZE_MAX;        // cache: the stream of the previous RECORD
  std::vector<size_t> state_positions_;  // reused by every emit(): where the STATEs are
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_commit_;
  ProgressDisplay progress_;
};

}  // namespace etlhost
