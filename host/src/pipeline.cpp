#include "pipeline.h"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "exit_codes.h"
#include "exit_guard.h"
#include "host_error.h"
#include "protocol.h"
#include "text_util.h"

namespace etlhost {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds_to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

/// The error line of a failed sink call. ETL_E_DOWNSTREAM: the sink's message names the
/// downstream and what happened to it, so it is given as is.
std::string sink_failure_text(const std::string& sink, const CallResult& result, const char* action) {
  if (result.status == ETL_E_DOWNSTREAM) return "sink '" + sink + "': " + result.message;
  return "sink '" + sink + "' failed to " + action + ": " + result.describe();
}

}  // namespace

Pipeline::Pipeline(SourceInstance& source, SinkInstance& sink, StateStore* state, Logger& logger,
                   const CancelFlag& cancel, PipelineOptions options)
    : source_(source),
      sink_(sink),
      state_(state),
      logger_(logger),
      cancel_(cancel),
      options_(options),
      progress_(ProgressSettings{options.progress, options.progress_interval_s, options.progress_file}, logger,
                source.services()) {
  emitter_ = emitter_for(*this);
}

// ------------------------------------------------------------------------------------------
// The run
// ------------------------------------------------------------------------------------------

int Pipeline::run(std::string_view catalog_json, const StoredState& stored) {
  started_ = Clock::now();
  committed_.state = stored.source_state;
  committed_.checkpoint = stored.sink_checkpoint;

  // 3. The sink returns to the committed checkpoint, discarding what a crashed run wrote
  //    after it (empty: keep existing output and append).
  const CallResult restored = sink_.restore(committed_.checkpoint.value_or(""));
  if (!restored.ok()) {
    logger_.error("sink '" + sink_.name() + "' failed to restore " +
                  (committed_.checkpoint ? "its committed checkpoint: " : "(no checkpoint committed): ") +
                  restored.describe());
    finish_sink(true);
    return exit_code::kSinkFailed;
  }
  if (!detect_acknowledged_sink()) return finish(CallResult{});

  // 4. The baseline commit is due: see commit_baseline(), made right before the first write.
  //    An acknowledged sink gets none: its checkpoint proves nothing until acknowledged.
  baseline_due_ = state_ != nullptr && !acknowledged_sink_;
  last_commit_ = Clock::now();

  // 5. The sync. Everything else happens inside emit().
  sync_thread_ = std::this_thread::get_id();
  progress_.start();
  const CallResult result = source_.sync(catalog_json, committed_.state.value_or(""), &emitter_);
  progress_.stop();
  if (emit_from_wrong_thread_.load()) {
    fail(Failure::kProtocol, ETL_E_INVALID_STATE,
         "source '" + source_.name() + "' called emit() from a thread other than the one inside sync()");
  }
  if (result.ok() && failure_ != Failure::kNone && failure_ != Failure::kCancelled) {
    logger_.warn("source '" + source_.name() + "' returned ETL_OK after emit() had failed; the run still fails");
  }
  return finish(result);
}

int Pipeline::finish(const CallResult& sync_result) {
  // "No write follows", on every path; a failure of it on a successful run fails the run.
  finish_sink(failure_ != Failure::kNone || cancel_.requested() || !sync_result.ok());
  switch (failure_) {
    case Failure::kInternal:
      logger_.error("internal error: " + failure_message_);
      restore_committed();
      return exit_code::kInternal;
    case Failure::kSink:
      logger_.error(failure_message_);
      settle_after_sink_failure();
      return exit_code::kSinkFailed;
    case Failure::kTarget:
      logger_.error(failure_message_);
      settle_after_sink_failure();
      logger_.info(committed_position());
      return exit_code::kTargetFailed;
    case Failure::kStateCommit:
      logger_.error(failure_message_);
      restore_committed();
      return exit_code::kStateFile;
    case Failure::kDownstreamClosed:
      // Not an error: `etlhost run ... | head` ends this way. The committed state is intact,
      // nothing after it was committed, and stdout is gone, so there is nothing to flush.
      logger_.debug("downstream closed (" + failure_message_ + "); stopping without a further commit");
      return exit_code::kDownstreamClosed;
    case Failure::kProtocol:
      salvage();
      logger_.error("protocol error: " + failure_message_);
      return exit_code::kSourceFailed;
    case Failure::kCancelled:
    case Failure::kNone: break;
  }
  if (cancel_.requested()) {
    salvage();
    const int signal_number = cancel_.signal_number();
    log_summary("stopped");
    logger_.warn(std::string("stopped by ") + signal_name(signal_number) + "; " + committed_position());
    return exit_code_for_signal(signal_number);
  }
  if (!sync_result.ok()) {
    salvage();
    if (refused_its_state(sync_result)) {
      logger_.error("source '" + source_.name() + "' refused the state in state file " + state_path() + ": " +
                    sync_result.describe() +
                    (stats_.states_committed == 0 ? "; the file was left untouched" : std::string()) +
                    ". Fix or remove it (removing it starts from scratch).");
      return exit_code::kStateFile;
    }
    logger_.error("source '" + source_.name() + "' failed: " + sync_result.describe());
    logger_.info(committed_position());
    return exit_code::kSourceFailed;
  }

  // Success: the newest durable pair is committed; without one, the sink is still flushed
  // so everything written is out.
  if (!commit_pending(true)) return finish(sync_result);  // failure_ is now set: report it as such
  warn_unacknowledged();
  log_summary("finished");
  return exit_code::kOk;
}

bool Pipeline::refused_its_state(const CallResult& sync_result) const {
  // ETL_E_INVALID_STATE also covers a catalog or a call out of order: it is the state file's
  // fault only when the source was handed a state and got no further than that.
  return sync_result.status == ETL_E_INVALID_STATE && !state_path().empty() && committed_.state &&
         stats_.states_seen == 0;
}

std::string Pipeline::state_path() const { return state_ != nullptr ? state_->path() : options_.input_state_path; }

void Pipeline::salvage() {
  // Called with failure_ already naming the primary cause, so the sink's and the state
  // file's problems here are logged rather than recorded.
  const CallResult flushed = sink_.flush();
  // A failed target fails its flush too: the run's error already said so.
  const bool same_target_failure = failure_ == Failure::kTarget && flushed.status == ETL_E_DOWNSTREAM;
  if (flushed.status == ETL_E_CLOSED || same_target_failure) {
    logger_.debug(sink_failure_text(sink_.name(), flushed, "flush while stopping"));
  } else if (!flushed.ok()) {
    logger_.error(sink_failure_text(sink_.name(), flushed, "flush while stopping") +
                  (acknowledged_sink_ ? "" : "; the pending state was not committed"));
  }
  // A 1.0-rule sink: the pending pair's records were written before the failure, and the
  // flush made them durable. An acknowledged sink: what it acknowledged is durable
  // downstream whatever its flush says now (a failed target still loaded those STATEs).
  if (flushed.ok() || (acknowledged_sink_ && flushed.status != ETL_E_CLOSED)) {
    poll_acknowledged(false);
    commit_durable(false);
  }
  restore_committed();
}

void Pipeline::settle_after_sink_failure() {
  if (acknowledged_sink_) {
    salvage();
  } else {
    restore_committed();  // its flush cannot be trusted any more: nothing further is committed
  }
}

void Pipeline::restore_committed() {
  if (state_ == nullptr || !sink_.has_restore()) return;
  const CallResult restored = sink_.restore(committed_.checkpoint.value_or(""));
  if (!restored.ok()) {
    logger_.error("sink '" + sink_.name() +
                  "' failed to restore the committed checkpoint after the failure: " + restored.describe());
  }
}

// ------------------------------------------------------------------------------------------
// The emitter
// ------------------------------------------------------------------------------------------

EmitAnswer Pipeline::accept(const etl_message* const* messages, size_t count) {
  if (std::this_thread::get_id() != sync_thread_) {
    // Answered without touching any other member: they belong to the thread inside sync().
    emit_from_wrong_thread_.store(true);
    return {ETL_E_INVALID_STATE, "emit() was called from a thread other than the one inside sync()"};
  }
  const etl_status status = emit(messages, count);
  return {status, failure_message_};
}

EmitAnswer Pipeline::internal_error(const char* what) {
  fail(Failure::kInternal, ETL_E_INTERNAL,
       what != nullptr ? std::string("exception in emit(): ") + what : std::string("unknown exception in emit()"));
  return {failure_status_, failure_message_};
}

etl_status Pipeline::emit(const etl_message* const* messages, size_t count) {
  if (failure_ != Failure::kNone) return failure_status_;
  if (cancel_.requested()) {
    return fail(Failure::kCancelled, ETL_E_CANCELLED,
                std::string("stopped by ") + signal_name(cancel_.signal_number()));
  }
  if (count == 0) return ETL_OK;
  if (messages == nullptr) {
    return fail(Failure::kProtocol, ETL_E_INVALID_DATA, "called emit() with a NULL message array");
  }
  etl_status status = validate_batch(messages, count);
  if (status == ETL_OK) status = forward_batch(messages, count);
  if (status == ETL_OK) progress_.update(stats_);
  return status;
}

etl_status Pipeline::validate_batch(const etl_message* const* messages, size_t count) {
  state_positions_.clear();
  for (size_t i = 0; i < count; ++i) {
    const etl_message* message = messages[i];
    if (auto problem = check_message_shape(message, i)) {
      return fail(Failure::kProtocol, ETL_E_INVALID_DATA, "source '" + source_.name() + "' " + *problem);
    }
    switch (message->kind) {
      case ETL_MSG_RECORD: {
        // The hot path: a cached stream lookup, two memchr scans, one increment.
        const std::string_view stream = etl::view(message->stream);
        if (last_stream_ == SIZE_MAX || stats_.stream_name(last_stream_) != stream) {
          const size_t index = stats_.find_stream(stream);
          if (index == SIZE_MAX) {
            return fail(Failure::kProtocol, ETL_E_INVALID_DATA,
                        "source '" + source_.name() + "' emitted a RECORD for stream '" +
                            abbreviate(stream, excerpt::kName) + "' before its SCHEMA");
          }
          last_stream_ = index;
        }
        if (auto problem = check_record_json(stream, etl::view(message->json))) {
          return fail(Failure::kProtocol, ETL_E_INVALID_DATA, "source '" + source_.name() + "' " + *problem);
        }
        stats_.add_records(last_stream_, 1);
        break;
      }
      case ETL_MSG_SCHEMA:
        if (auto problem = check_schema(*message, nullptr)) {
          return fail(Failure::kProtocol, ETL_E_INVALID_DATA, "source '" + source_.name() + "' " + *problem);
        }
        stats_.stream_index(etl::view(message->stream));
        break;
      case ETL_MSG_STATE:
        if (auto problem = check_state(*message)) {
          return fail(Failure::kProtocol, ETL_E_INVALID_DATA, "source '" + source_.name() + "' " + *problem);
        }
        state_positions_.push_back(i);
        break;
    }
  }
  return ETL_OK;
}

etl_status Pipeline::forward_batch(const etl_message* const* messages, size_t count) {
  size_t begin = 0;
  for (const size_t state_at : state_positions_) {
    // Everything up to and including the STATE, then the position right after it.
    if (!write_to_sink(messages + begin, state_at + 1 - begin)) return failure_status_;
    begin = state_at + 1;
    ++stats_.states_seen;
    if (!poll_acknowledged(true)) return failure_status_;
    StatePair pair{std::string(etl::view(messages[state_at]->json)), std::nullopt};
    if (state_ != nullptr && !take_checkpoint(&pair.checkpoint)) return failure_status_;
    push_pending(std::move(pair));
    if (!commit_pending(false)) return failure_status_;
  }
  if (begin < count && (!write_to_sink(messages + begin, count - begin) || !poll_acknowledged(true))) {
    return failure_status_;
  }
  return ETL_OK;
}

etl_status Pipeline::fail(Failure kind, etl_status status, std::string message) {
  if (failure_ == Failure::kNone) {
    failure_ = kind;
    failure_status_ = status;
    failure_message_ = std::move(message);
  }
  return failure_status_;
}

// ------------------------------------------------------------------------------------------
// Sink calls and commits
// ------------------------------------------------------------------------------------------

bool Pipeline::sink_call_succeeded(const CallResult& result, const char* action) {
  if (result.ok()) return true;
  if (result.status == ETL_E_CLOSED) {
    // Not the sink's fault: the reader of its output went away (see finish()).
    fail(Failure::kDownstreamClosed, ETL_E_CLOSED, "sink '" + sink_.name() + "': " + result.message);
  } else {
    const Failure kind = result.status == ETL_E_DOWNSTREAM ? Failure::kTarget : Failure::kSink;
    fail(kind, result.status, sink_failure_text(sink_.name(), result, action));
  }
  return false;
}

bool Pipeline::sink_call_succeeded(const CallResult& result, const char* action, bool record) {
  if (record) return sink_call_succeeded(result, action);
  if (result.ok()) return true;
  if (result.status == ETL_E_CLOSED) {
    logger_.debug("sink '" + sink_.name() + "': downstream closed while stopping: " + result.message);
  } else {
    logger_.error(sink_failure_text(sink_.name(), result, action));
  }
  return false;
}

bool Pipeline::write_to_sink(const etl_message* const* messages, size_t count) {
  if (!commit_baseline()) return false;
  return sink_call_succeeded(sink_.write(messages, count), "write");
}

bool Pipeline::commit_baseline() {
  // The unchanged source state with the sink's position right now. A run killed before its
  // first STATE commit then restores to here, not to whatever an older checkpoint (or none)
  // said. Made before the first write and no earlier: a source that refuses its state does
  // so before it emits anything, and the state file then stays byte for byte as it was.
  if (!baseline_due_) return true;
  baseline_due_ = false;
  StatePair baseline{committed_.state, std::nullopt};
  if (!take_checkpoint(&baseline.checkpoint) || !flush_sink()) return false;
  if (auto problem = commit_pair(baseline)) {
    fail(Failure::kStateCommit, ETL_E_IO, *problem);
    return false;
  }
  last_commit_ = Clock::now();
  return true;
}

bool Pipeline::take_checkpoint(std::optional<std::string>* out) {
  out->reset();
  std::string text;
  if (!sink_call_succeeded(sink_.checkpoint(&text), "checkpoint")) return false;
  if (trim_json_space(text).empty()) return true;  // the sink keeps no position
  // It goes verbatim into our state file, so it must be JSON or the next run could not read it.
  if (!nlohmann::json::accept(text)) {
    fail(Failure::kSink, ETL_E_INVALID_STATE,
         "sink '" + sink_.name() +
             "' returned a checkpoint that is not valid JSON: " + abbreviate(text, excerpt::kJson));
    return false;
  }
  *out = std::move(text);
  return true;
}

bool Pipeline::flush_sink() { return sink_call_succeeded(sink_.flush(), "flush"); }

std::optional<std::string> Pipeline::commit_pair(const StatePair& pair) {
  if (state_ == nullptr) return std::nullopt;
  try {
    const ExitDeferral no_exit_mid_commit;  // a plugin thread's exit() waits for the rename
    state_->commit(source_.name(), pair.state, sink_.name(), pair.checkpoint);
  } catch (const HostError& error) {
    return std::string(error.what());
  }
  committed_ = pair;
  ++stats_.states_committed;
  logger_.debug("committed state " + abbreviate(pair.state.value_or("null"), excerpt::kState) +
                " with sink checkpoint " + abbreviate(pair.checkpoint.value_or("null"), excerpt::kState));
  return std::nullopt;
}

bool Pipeline::commit_pending(bool force) {
  const auto now = Clock::now();
  if (!force && now - last_commit_ < seconds_to_duration(options_.checkpoint_interval_s)) return true;
  // The durability barrier: nothing is committed unless flush() returned OK.
  if (!flush_sink() || !poll_acknowledged(true)) return false;
  last_commit_ = now;
  return commit_durable(true);
}

bool Pipeline::commit_durable(bool record) {
  const uint64_t durable = acknowledged_sink_ ? stats_.states_acknowledged : stats_.states_seen;
  // pending_ is in write order, so the newest durable pair is the last one numbered <= durable.
  const auto end = std::find_if(pending_.begin(), pending_.end(),
                                [&](const PendingPair& entry) { return entry.number > durable; });
  if (end == pending_.begin()) return true;
  if (auto problem = commit_pair(std::prev(end)->pair)) {
    if (record) {
      fail(Failure::kStateCommit, ETL_E_IO, *problem);
    } else {
      logger_.error(*problem);
    }
    return false;
  }
  pending_.erase(pending_.begin(), end);
  return true;
}

void Pipeline::push_pending(StatePair pair) {
  PendingPair entry{stats_.states_seen, std::move(pair)};
  // A 1.0-rule sink's flush makes every pair written before it durable, so only the newest
  // one matters. An acknowledged sink may lag far behind (a target that loads 100k rows at
  // a time) or never acknowledge: one pair per STATE would then pile up for the whole run.
  // When full, the newest entry is replaced: the older ones still commit as acks arrive,
  // and committing an older state than acknowledged is always safe (what follows it is
  // delivered again next run), never a loss.
  if (!pending_.empty() && (!acknowledged_sink_ || pending_.size() >= kMaxPendingStates)) {
    pending_.back() = std::move(entry);
  } else {
    pending_.push_back(std::move(entry));
  }
}

bool Pipeline::detect_acknowledged_sink() {
  uint64_t states = 0;
  const CallResult result = sink_.acknowledged(&states);
  if (result.status == ETL_E_NOT_IMPLEMENTED) return true;  // the 1.0 rule: flush is the ack
  acknowledged_sink_ = true;
  logger_.debug("sink '" + sink_.name() + "' acknowledges STATEs itself: state moves only as far as it acknowledges");
  return take_acknowledged(result, states, true);
}

bool Pipeline::poll_acknowledged(bool record) {
  if (!acknowledged_sink_) return true;
  uint64_t states = 0;
  const CallResult result = sink_.acknowledged(&states);
  return take_acknowledged(result, states, record);
}

bool Pipeline::take_acknowledged(CallResult result, uint64_t states, bool record) {
  const uint64_t before = stats_.states_acknowledged;
  if (result.ok() && states < before) {
    result = {ETL_E_INVALID_STATE,
              "acknowledged() reported " + std::to_string(states) + " after " + std::to_string(before) +
                  " (it must never decrease)",
              0};
  } else if (result.ok() && states > stats_.states_seen) {
    result = {ETL_E_INVALID_STATE,
              "acknowledged() reported " + std::to_string(states) + " but only " +
                  counted(stats_.states_seen, "STATE") + " were written",
              0};
  }
  if (!sink_call_succeeded(result, "report its acknowledged STATEs", record)) return false;
  stats_.states_acknowledged = states;
  return true;
}

void Pipeline::finish_sink(bool aborted) {
  // Once per run; after the sink itself returned ETL_E_CLOSED it gets no call but destroy.
  if (sink_finished_ || failure_ == Failure::kDownstreamClosed) return;
  sink_finished_ = true;
  sink_call_succeeded(sink_.finish(aborted), "finish", !aborted);
}

void Pipeline::warn_unacknowledged() {
  if (!acknowledged_sink_ || state_ == nullptr || stats_.states_acknowledged >= stats_.states_seen) return;
  logger_.warn("sink '" + sink_.name() + "' acknowledged " + std::to_string(stats_.states_acknowledged) + " of " +
               counted(stats_.states_seen, "STATE") + " written; " + committed_position() +
               ". The records after it are delivered again by the next run.");
}

// ------------------------------------------------------------------------------------------
// Progress and summary
// ------------------------------------------------------------------------------------------

double Pipeline::elapsed_seconds() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

std::string Pipeline::counters_text() const {
  const std::string text = format_counters(
      {{source_.name(), source_.services().counters()}, {sink_.name(), sink_.services().counters()}});
  return text.empty() ? std::string() : "; counters: " + text;
}

std::string Pipeline::committed_position() const {
  if (state_ == nullptr && !options_.input_state_path.empty()) {
    return "state file " + options_.input_state_path + " is input only, nothing committed";
  }
  if (state_ == nullptr) return "no state file (--state not given), nothing committed";
  if (!committed_.state) return "state file " + state_->path() + " has no source state yet (no STATE was committed)";
  return "state committed up to " + abbreviate(*committed_.state, excerpt::kState) + " in " + state_->path();
}

std::string Pipeline::states_text() const {
  if (!acknowledged_sink_) return counted(stats_.states_committed, "state") + " committed";
  return counted(stats_.states_acknowledged, "state") + " acknowledged, " + std::to_string(stats_.states_committed) +
         " committed";
}

std::string Pipeline::output_text() const {
  return options_.output_location.empty() ? std::string() : "output in " + options_.output_location + "; ";
}

void Pipeline::log_summary(const char* verb) {
  const double seconds = elapsed_seconds();
  const uint64_t records = stats_.total_records();
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", records_per_second(records, seconds));
  const std::string acknowledged = acknowledged_sink_
                                       ? ", " + std::to_string(stats_.states_acknowledged) + " acknowledged"
                                       : std::string();
  const std::string states = state_ != nullptr
                                 ? states_text() + " to " + absolute_path_text(state_->path())
                                 : counted(stats_.states_seen, "state") + " seen" + acknowledged + " (" +
                                       (state_path().empty() ? "no --state" : "none committed: input only") + ")";
  logger_.info(std::string(verb) + ": " + std::to_string(records) + " records (" + stats_.records_by_stream() +
               ") in " + format_duration(seconds) + ", " + rate + " records/s" + progress_.summary_text() + "; " +
               output_text() + states + counters_text());
}

}  // namespace etlhost
