#include "pipeline.h"

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

}  // namespace

Pipeline::Pipeline(SourceInstance& source, SinkInstance& sink, StateStore* state, Logger& logger,
                   const CancelFlag& cancel, PipelineOptions options)
    : source_(source), sink_(sink), state_(state), logger_(logger), cancel_(cancel), options_(options) {
  emitter_ = emitter_for(*this);
}

// ------------------------------------------------------------------------------------------
// The run
// ------------------------------------------------------------------------------------------

int Pipeline::run(std::string_view catalog_json, const StoredState& stored) {
  started_ = Clock::now();
  next_progress_ = started_ + seconds_to_duration(options_.progress_interval_s);
  committed_.state = stored.source_state;
  committed_.checkpoint = stored.sink_checkpoint;

  // 3. The sink returns to the committed checkpoint, discarding what a crashed run wrote
  //    after it (empty: keep existing output and append).
  const CallResult restored = sink_.restore(committed_.checkpoint.value_or(""));
  if (!restored.ok()) {
    logger_.error("sink '" + sink_.name() + "' failed to restore its committed checkpoint: " + restored.describe());
    return exit_code::kSinkFailed;
  }

  // 4. The baseline commit is due: see commit_baseline(), made right before the first write.
  baseline_due_ = state_ != nullptr;
  last_commit_ = Clock::now();

  // 5. The sync. Everything else happens inside emit().
  sync_thread_ = std::this_thread::get_id();
  const CallResult result = source_.sync(catalog_json, committed_.state.value_or(""), &emitter_);
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
  switch (failure_) {
    case Failure::kInternal:
      logger_.error("internal error: " + failure_message_);
      restore_committed();
      return exit_code::kInternal;
    case Failure::kSink:
      logger_.error(failure_message_);
      restore_committed();
      return exit_code::kSinkFailed;
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

  // Success: the last pending pair becomes durable and committed; without one, the sink is
  // still flushed so everything written is out.
  const bool durable = pending_ ? commit_pending(true) : flush_sink();
  if (!durable) return finish(sync_result);  // failure_ is now set: report it as such
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
  if (flushed.ok()) {
    // The pending pair's records were written before the failure: they are complete.
    if (pending_) {
      if (auto problem = commit_pair(*pending_)) {
        logger_.error(*problem);
      } else {
        pending_.reset();
      }
    }
  } else if (flushed.status == ETL_E_CLOSED) {
    logger_.debug("sink '" + sink_.name() + "': downstream closed while stopping: " + flushed.message);
  } else {
    logger_.error("sink '" + sink_.name() + "' failed to flush while stopping: " + flushed.describe() +
                  "; the pending state was not committed");
  }
  restore_committed();
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
  if (status == ETL_OK && options_.progress_interval_s > 0) {
    const auto now = Clock::now();  // one clock read per batch, not per record
    if (now >= next_progress_) {
      next_progress_ = now + seconds_to_duration(options_.progress_interval_s);
      log_progress();
    }
  }
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
    StatePair pair{std::string(etl::view(messages[state_at]->json)), std::nullopt};
    if (state_ != nullptr && !take_checkpoint(&pair.checkpoint)) return failure_status_;
    pending_ = std::move(pair);
    if (!commit_pending(false)) return failure_status_;
  }
  if (begin < count && !write_to_sink(messages + begin, count - begin)) return failure_status_;
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
    fail(Failure::kSink, result.status, "sink '" + sink_.name() + "' failed to " + action + ": " + result.describe());
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
  if (!pending_) return true;
  const auto now = Clock::now();
  if (!force && now - last_commit_ < seconds_to_duration(options_.checkpoint_interval_s)) return true;
  // The durability barrier: nothing is committed unless flush() returned OK.
  if (!flush_sink()) return false;
  if (auto problem = commit_pair(*pending_)) {
    fail(Failure::kStateCommit, ETL_E_IO, *problem);
    return false;
  }
  pending_.reset();
  last_commit_ = now;
  return true;
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

void Pipeline::log_progress() {
  const double seconds = elapsed_seconds();
  const uint64_t records = stats_.total_records();
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", records_per_second(records, seconds));
  logger_.info("progress: " + std::to_string(records) + " records (" + stats_.records_by_stream() + ") in " +
               format_duration(seconds) + ", " + rate + " records/s; " + counted(stats_.states_committed, "state") +
               " committed" + counters_text());
}

void Pipeline::log_summary(const char* verb) {
  const double seconds = elapsed_seconds();
  const uint64_t records = stats_.total_records();
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", records_per_second(records, seconds));
  std::string states = state_ != nullptr
                           ? counted(stats_.states_committed, "state") + " committed to " + state_->path()
                           : counted(stats_.states_seen, "state") + " seen (" +
                                 (state_path().empty() ? "no --state" : "none committed: input only") + ")";
  logger_.info(std::string(verb) + ": " + std::to_string(records) + " records (" + stats_.records_by_stream() +
               ") in " + format_duration(seconds) + ", " + rate + " records/s; " + states + counters_text());
}

}  // namespace etlhost
