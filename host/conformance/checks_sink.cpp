// The sink checks that run the host's pipeline in a child: sink.write_flush,
// sink.state_ordering, sink.error_paths. The source is the kit's synthetic source, run
// in-process; the sink is the plugin under test, wrapped (spy.h).
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "conformance/kit.h"
#include "conformance/output_tree.h"
#include "conformance/spy.h"
#include "conformance/synthetic_source.h"
#include "host_error.h"
#include "json_members.h"
#include "pipeline.h"
#include "plugin_instance.h"
#include "signals.h"
#include "state_store.h"
#include "text_util.h"

namespace etlhost::conformance {

namespace {

nlohmann::json check_json(const CheckResult& result, nlohmann::json data = nlohmann::json::object()) {
  return {{"check", to_json(result)}, {"data", std::move(data)}};
}

// The host's pipeline, as `etlhost run` runs it, with the synthetic source. Returns the
// exit code. Throws HostError when an instance cannot be created or the state file used.
int run_pipeline(const KitContext& context, const std::shared_ptr<LoadedPlugin>& sink_plugin,
                 const SyntheticConfig& config, const std::string& state_path, Logger& logger) {
  CancelFlag cancel;
  const auto source_plugin = LoadedPlugin::from_descriptor(synthetic_source_descriptor(),
                                                           "(the kit's synthetic source)");
  std::optional<StateStore> store;  // declared first: the lock outlives both instances
  SourceInstance source(source_plugin, config.json(), logger, cancel);
  SinkInstance sink(sink_plugin, context.config.json_text, logger, cancel);
  store.emplace(state_path);
  const StoredState stored = store->read(source.name(), sink.name(), logger);
  Pipeline pipeline(source, sink, &*store, logger, cancel, PipelineOptions{0.0, 0.0, {}, ProgressMode::kOff, {}, {}});
  return pipeline.run("", stored);
}

StoredState read_state(const std::string& path, const std::string& sink_name, Logger& logger) {
  const std::string text = read_text_file(path);
  if (text.empty()) return {};
  return parse_state_text(text, path, kSyntheticSourceName, sink_name, logger);
}

bool same_json(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return nlohmann::json::parse(*a, nullptr, false) == nlohmann::json::parse(*b, nullptr, false);
}

std::string final_state(const SyntheticConfig& config) {
  std::string last;
  for (const PlanItem& item : synthetic_plan(config, StreamPositions{})) {
    if (item.kind == ETL_MSG_STATE) last = item.json;
  }
  return last;
}

size_t record_count(const SyntheticConfig& config) {
  return static_cast<size_t>(config.records) * kSyntheticStreamCount;
}

CheckResult run_failed(const std::string& id, const KitContext& context, int code, CapturingLogger& log,
                       const std::string& what) {
  CheckResult fail = CheckResult::fail(
      id, what + " failed (etlhost exit code " + std::to_string(code) + ")",
      "the host's pipeline moves the synthetic source's records into the sink and ends with exit code 0",
      "exit code " + std::to_string(code) + "; the host logged:",
      "Fix what the sink's messages say; if the config is at fault, pass a working one with --config or --set.");
  for (const std::string& line : log.last_problems(6)) fail.details.push_back(context.redact(line));
  return fail;
}

// An acknowledged sink that left STATEs unacknowledged (singer piped to stdout acknowledges
// none): the host commits only what was acknowledged, so the last STATE is not expected.
CheckResult partly_acknowledged(const std::string& id, const SpyLog& spy, const StoredState& stored) {
  const std::string counts = std::to_string(spy.acknowledged) + " of " + std::to_string(spy.states_written) +
                             " STATEs acknowledged";
  if (spy.acknowledged == 0 && stored.source_state) {
    return CheckResult::fail(id, "the sink acknowledged no STATE but the state file holds one", "no state committed",
                             "state file: " + *stored.source_state,
                             "This is a host bug if acknowledged() reported 0; report it.");
  }
  CheckResult result = CheckResult::pass(id, counts + "; the state file holds no more than that");
  result.notes.push_back(counts + ": the rest is delivered again by the next run (a sink whose downstream cannot "
                                  "answer, like singer piped to stdout, acknowledges nothing)");
  return result;
}

}  // namespace

// ------------------------------------------------------------------------------------------
// sink.write_flush
// ------------------------------------------------------------------------------------------

CheckResult check_sink_write_flush(KitContext& context, const std::string& id) {
  const KitContext& ctx = context;
  const std::string state_path = context.temp_dir + "/write_flush.state";
  const ChildOutcome outcome = run_check_child(context, id, [&ctx, id, state_path]() -> nlohmann::json {
    CapturingLogger log(LogLevel::kInfo);
    for (const std::string& secret : ctx.config.secrets) log.logger().add_secret(secret);
    const auto plugin = load_spied_plugin(ctx);
    const SyntheticConfig config;
    int code = 0;
    try {
      code = run_pipeline(ctx, plugin, config, state_path, log.logger());
    } catch (const HostError& error) {
      return check_json(CheckResult::fail(id, "the run could not start", "create() accepts the config",
                                          ctx.redact(error.what()), "Pass a working config with --config or --set."));
    }
    const SpyLog& spy = spy_log();
    if (code != 0) return check_json(run_failed(id, ctx, code, log, "a full run through the host's pipeline"));
    const StoredState stored = read_state(state_path, plugin->name(), log.logger());
    if (spy.acknowledges && spy.acknowledged < spy.states_written)
      return check_json(partly_acknowledged(id, spy, stored));
    if (!same_json(stored.source_state, final_state(config))) {
      return check_json(CheckResult::fail(
          id, "the run ended with exit code 0 but the state file does not hold the last STATE",
          "the last STATE committed after the final flush()", "state file: " + stored.source_state.value_or("(none)"),
          "This is a host bug if flush() returned ETL_OK; report it."));
    }
    CheckResult result = CheckResult::pass(id, std::to_string(record_count(config)) +
                                                   " records in 3 streams, every STATE committed; " +
                                                   std::to_string(spy.writes) + " write() and " +
                                                   std::to_string(spy.flushes) + " flush() calls returned ETL_OK");
    if (!stored.sink_checkpoint) {
      result.notes.emplace_back(
          "the sink returns no checkpoint, so the host cannot bring its output back after a crash: delivery is "
          "at-least-once (fine for a sink like singer whose output leaves the process)");
    }
    return check_json(result, {{"checkpoint", stored.sink_checkpoint.has_value()}});
  });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "a full run into the sink");
  CheckResult result = completed_result(id, outcome);
  if (result.verdict == Verdict::kPass && context.output_is_path() &&
      snapshot_output(*context.options.output).empty()) {
    result.notes.push_back("--output " + *context.options.output +
                           " holds nothing after the run: is it where the sink writes?");
  }
  return result;
}

// ------------------------------------------------------------------------------------------
// sink.acknowledged
// ------------------------------------------------------------------------------------------

namespace {

// The verdict on what the spy saw of acknowledged() and finish() in one successful run.
CheckResult acknowledged_verdict(const std::string& id, const SpyLog& spy) {
  if (!spy.acknowledges) {
    return CheckResult::skip(id, "the sink has no acknowledged() (the 1.0 rule: its flush() is its acknowledgement)");
  }
  std::vector<std::string> problems = spy.ack_problems;
  if (spy.finishes != 1) problems.push_back("finish() was called " + std::to_string(spy.finishes) + " times");
  if (spy.last_finish != ETL_OK) problems.push_back("finish() at the end of a successful run returned an error");
  if (problems.empty()) {
    return CheckResult::pass(id, std::to_string(spy.acknowledged) + " of " + std::to_string(spy.states_written) +
                                     " STATEs acknowledged; the count never decreased, never ran ahead of the "
                                     "STATEs written and was final after finish()");
  }
  CheckResult fail = CheckResult::fail(
      id, problems.front(),
      "acknowledged() never decreases, never exceeds the STATEs written, and is final once finish() returned; "
      "finish() accepts the end of a run once",
      std::to_string(problems.size()) + " problem(s):",
      "Count the STATEs write() was given, 1, 2, 3...; report how many the downstream made durable; deliver and "
      "settle everything in finish(). See etl_sink_api.acknowledged in plugin.h.");
  for (size_t i = 0; i < problems.size() && i < 8; ++i) fail.details.push_back(problems[i]);
  return fail;
}

}  // namespace

CheckResult check_sink_acknowledged(KitContext& context, const std::string& id) {
  const KitContext& ctx = context;
  const std::string state_path = context.temp_dir + "/acknowledged.state";
  const ChildOutcome outcome = run_check_child(context, id, [&ctx, id, state_path]() -> nlohmann::json {
    CapturingLogger log(LogLevel::kWarn);
    for (const std::string& secret : ctx.config.secrets) log.logger().add_secret(secret);
    const auto plugin = load_spied_plugin(ctx);
    SyntheticConfig config;
    config.records = 100;  // 3 STATEs: enough to see the count move, and quick
    try {
      run_pipeline(ctx, plugin, config, state_path, log.logger());
    } catch (const HostError&) {
      return check_json(CheckResult::skip(id, "the run could not start (see sink.write_flush)"));
    }
    // A run the host failed (a broken promise, e.g.) is judged by what the spy saw.
    return check_json(acknowledged_verdict(id, spy_log()));
  });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "a full run into the sink");
  return completed_result(id, outcome);
}

// ------------------------------------------------------------------------------------------
// sink.state_ordering
// ------------------------------------------------------------------------------------------

CheckResult check_sink_state_ordering(KitContext& context, const std::string& id) {
  const KitContext& ctx = context;
  const std::string state_path = context.temp_dir + "/state_ordering.state";
  const SyntheticConfig config;
  const ChildOutcome outcome = run_check_child(context, id, [&ctx, id, state_path, config]() -> nlohmann::json {
    CapturingLogger log(LogLevel::kWarn);
    for (const std::string& secret : ctx.config.secrets) log.logger().add_secret(secret);
    const auto plugin = load_spied_plugin(ctx);
    int code = 0;
    try {
      code = run_pipeline(ctx, plugin, config, state_path, log.logger());
    } catch (const HostError&) {
      return check_json(CheckResult::skip(id, "the run could not start (see sink.write_flush)"));
    }
    if (code != 0) return check_json(CheckResult::skip(id, "the run failed (see sink.write_flush)"));
    return check_json(CheckResult::pass(id, "ran"));
  });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "a full run into the sink");
  CheckResult ran = completed_result(id, outcome);
  if (ran.verdict != Verdict::kPass) return ran;

  // The run's stdout, read here: are they Singer messages, in order?
  const std::string out = read_text_file(outcome.stdout_path, size_t{1} << 30);
  if (out.empty()) return CheckResult::skip(id, "the sink writes nothing to stdout");
  const std::vector<PlanItem> plan = synthetic_plan(config, StreamPositions{});
  std::map<std::string, size_t> record_at;
  std::map<std::string, size_t> state_at;
  std::vector<size_t> record_positions;
  for (size_t i = 0; i < plan.size(); ++i) {
    if (plan[i].kind == ETL_MSG_RECORD) {
      record_at[record_token(plan[i].stream, plan[i].id)] = i;
      record_positions.push_back(i);
    }
    if (plan[i].kind == ETL_MSG_STATE) state_at[nlohmann::json::parse(plan[i].json).dump()] = i;
  }
  std::vector<std::string> problems;
  std::set<size_t> seen;
  size_t max_seen = 0;
  size_t states_seen = 0;
  size_t line_number = 0;
  for (const std::string& line : split_nonempty(out, '\n')) {
    ++line_number;
    const auto message = nlohmann::json::parse(line, nullptr, false);
    if (message.is_discarded() || !message.is_object() || !message.contains("type") || !message["type"].is_string()) {
      return CheckResult::skip(id, "the sink's stdout is not Singer messages (line " + std::to_string(line_number) +
                                       " is not a JSON object with a \"type\")");
    }
    const std::string type = message["type"].get<std::string>();
    if (type == "RECORD") {
      const auto& record = message.contains("record") ? message["record"] : nlohmann::json();
      const std::string token = record.is_object() ? record.value("uid", std::string()) : std::string();
      const auto it = record_at.find(token);
      if (it == record_at.end()) {
        problems.push_back("line " + std::to_string(line_number) + ": a RECORD the source never emitted");
        continue;
      }
      seen.insert(it->second);
      max_seen = std::max(max_seen, it->second);
    } else if (type == "STATE") {
      ++states_seen;
      const std::string value = message.contains("value") ? message["value"].dump() : std::string();
      const auto it = state_at.find(value);
      if (it == state_at.end()) {
        problems.push_back("line " + std::to_string(line_number) +
                           ": a STATE the source never emitted: " + abbreviate(value, excerpt::kJson));
        continue;
      }
      const size_t at = it->second;
      if (!seen.empty() && max_seen > at) {
        problems.push_back("line " + std::to_string(line_number) + ": STATE " + abbreviate(value, excerpt::kJson) +
                           " comes after a RECORD the source emitted after it (" +
                           record_token(plan[max_seen].stream, plan[max_seen].id) + ")");
      }
      size_t missing = 0;
      for (const size_t position : record_positions) {
        if (position < at && seen.count(position) == 0) ++missing;
      }
      if (missing > 0) {
        problems.push_back("line " + std::to_string(line_number) + ": STATE " + abbreviate(value, excerpt::kJson) +
                           " comes before " + std::to_string(missing) + " of the records the source emitted before it");
      }
    }
  }
  if (states_seen == 0) {
    return CheckResult::skip(id, "the sink's Singer output has no STATE line");
  }
  if (problems.empty()) {
    return CheckResult::pass(id, std::to_string(line_number) + " Singer lines on stdout; each of " +
                                     std::to_string(states_seen) + " STATEs comes after exactly the records before it");
  }
  CheckResult fail = CheckResult::fail(
      id, problems.front(),
      "a STATE line after every RECORD line emitted before it and before every RECORD emitted after it, so a "
      "Singer target that commits at STATE never loses or skips a record",
      std::to_string(problems.size()) + " misplaced line(s):",
      "Write messages to stdout in the order write() receives them; if records are buffered, a STATE must wait "
      "behind them in the same buffer.");
  for (size_t i = 0; i < problems.size() && i < 8; ++i) fail.details.push_back(problems[i]);
  return fail;
}

// ------------------------------------------------------------------------------------------
// sink.error_paths
// ------------------------------------------------------------------------------------------

namespace {

struct Part {
  Verdict verdict = Verdict::kSkip;
  std::string text;
  std::vector<std::string> details;
};

const std::vector<std::string>& foreign_checkpoints() {
  static const std::vector<std::string> shapes{R"({"etlhost_conformance":"a checkpoint this sink never wrote"})",
                                               R"([1,2,3])", R"("just a string")", R"(12345)"};
  return shapes;
}

Part foreign_checkpoint_part(const KitContext& ctx, const std::shared_ptr<LoadedPlugin>& plugin, Logger& logger) {
  Part part;
  CancelFlag cancel;
  bool keeps_position = false;
  {
    SinkInstance probe(plugin, ctx.config.json_text, logger, cancel);
    const CallResult restored = probe.restore("");
    if (!restored.ok()) {
      part.verdict = Verdict::kFail;
      part.text = "restore(\"\") (no checkpoint yet) failed: " + ctx.redact(restored.describe());
      return part;
    }
    std::string text;
    const CallResult checkpoint = probe.checkpoint(&text);
    keeps_position = checkpoint.ok() && !trim_json_space(text).empty();
  }
  std::vector<std::string> problems;
  for (const std::string& shape : foreign_checkpoints()) {
    SinkInstance sink(plugin, ctx.config.json_text, logger, cancel);
    const CallResult result = sink.restore(shape);
    if (!keeps_position) continue;  // a sink without a position may ignore any checkpoint
    if (result.ok()) {
      problems.push_back("restore(" + shape + ") returned ETL_OK");
    } else if (result.message == "(no message)") {
      problems.push_back("restore(" + shape + ") returned " + status_text(result.status) + " without a message");
    }
  }
  if (!problems.empty()) {
    part.verdict = Verdict::kFail;
    part.text = problems.front();
    part.details = problems;
    return part;
  }
  part.verdict = Verdict::kPass;
  part.text = keeps_position ? "restore() refuses " + std::to_string(foreign_checkpoints().size()) +
                                   " foreign checkpoints with a status and a message"
                             : "restore() survives foreign checkpoints (the sink keeps no position)";
  return part;
}

// Run half, then the rest with every output file unable to grow (RLIMIT_FSIZE), then
// restore: the state file must not move past the failure and the output must match it.
Part failed_write_part(const KitContext& ctx, const std::shared_ptr<LoadedPlugin>& plugin, Logger& logger,
                       const std::string& state_path) {
  Part part;
  const std::string& output = *ctx.options.output;
  SyntheticConfig half;
  size_t states = 0;
  for (const PlanItem& item : synthetic_plan(half, StreamPositions{})) states += item.kind == ETL_MSG_STATE ? 1 : 0;
  half.stop_after_states = static_cast<int64_t>(states / 2);
  const int first = run_pipeline(ctx, plugin, half, state_path, logger);
  if (first != 0) {
    part.verdict = Verdict::kFail;
    part.text = "the first half of the run failed (exit code " + std::to_string(first) + ")";
    return part;
  }
  const OutputSnapshot before = snapshot_output(output);
  const StoredState committed = read_state(state_path, plugin->name(), logger);
  if (!committed.sink_checkpoint) {
    part.text = "failed writes: skipped, the sink keeps no checkpoint to restore";
    return part;
  }
  uint64_t limit = UINT64_MAX;
  for (const auto& [name, text] : before) {
    if (!text.empty()) limit = std::min<uint64_t>(limit, text.size());
  }
  if (limit == UINT64_MAX) {
    part.text = "failed writes: skipped, --output holds nothing after a run";
    return part;
  }

  rlimit old_limit{};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit low = old_limit;
  low.rlim_cur = static_cast<rlim_t>(limit);
  ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG instead of killing
  ::setrlimit(RLIMIT_FSIZE, &low);
  int second = 0;
  try {
    second = run_pipeline(ctx, plugin, SyntheticConfig{}, state_path, logger);
  } catch (const HostError& error) {
    ::setrlimit(RLIMIT_FSIZE, &old_limit);
    part.text = std::string("failed writes: skipped, the run could not start under the limit: ") + error.what();
    return part;
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  const StoredState after = read_state(state_path, plugin->name(), logger);
  const std::string limit_text = "no output file could grow beyond " + std::to_string(limit) + " bytes";

  if (second == 0) {
    const auto tokens = count_tokens(snapshot_output(output));
    if (tokens.size() >= static_cast<size_t>(SyntheticConfig{}.records) * kSyntheticStreamCount) {
      part.text = "failed writes: skipped, the run succeeded although " + limit_text + " (does the sink write there?)";
      return part;
    }
    part.verdict = Verdict::kFail;
    part.text = "a run ended OK although " + limit_text + ": flush() reported success for writes that failed (" +
                std::to_string(tokens.size()) + " of " + std::to_string(record_count(SyntheticConfig{})) +
                " records in the output)";
    return part;
  }
  if (second == 7) {
    part.text = "failed writes: skipped, the limit stopped the state file before the sink";
    return part;
  }

  // The output must now match the state file's commit, after a restore by a fresh instance.
  {
    CancelFlag cancel;
    SinkInstance sink(plugin, ctx.config.json_text, logger, cancel);
    const CallResult restored = sink.restore(after.sink_checkpoint.value_or(""));
    if (!restored.ok()) {
      part.verdict = Verdict::kFail;
      part.text = "after the failed run, restore() of the committed checkpoint failed: " +
                  ctx.redact(restored.describe());
      return part;
    }
    sink.flush();
  }
  const OutputSnapshot restored_output = snapshot_output(output);
  if (same_json(after.source_state, committed.source_state)) {
    if (auto difference = first_difference(before, restored_output)) {
      part.verdict = Verdict::kFail;
      part.text = "after the failed run and restore(), the output is not what the commit says: " + *difference;
      return part;
    }
  } else {
    // The run committed further STATEs before its writes failed: the output must hold
    // exactly the records up to the newest commit.
    const auto state = nlohmann::json::parse(after.source_state.value_or("{}"), nullptr, false);
    std::map<std::string, int64_t> expected;
    for (size_t s = 0; s < kSyntheticStreamCount; ++s) {
      const int64_t done = state.is_object() ? state.value(synthetic_streams()[s], int64_t{0}) : 0;
      for (int64_t i = 1; i <= done; ++i) expected[record_token(s, i)] = 1;
    }
    const TokenComparison comparison = compare_tokens(expected, count_tokens(restored_output));
    if (comparison.lost + comparison.duplicated + comparison.unexpected > 0) {
      part.verdict = Verdict::kFail;
      part.text = "after the failed run and restore(), the output does not match the committed state: " +
                  std::to_string(comparison.lost) + " committed records missing, " +
                  std::to_string(comparison.duplicated + comparison.unexpected) + " records beyond it";
      return part;
    }
  }
  part.verdict = Verdict::kPass;
  part.text = "a run whose writes failed (" + limit_text +
              ") committed nothing past the failure, and restore() "
              "brought the output back to the commit";
  return part;
}

}  // namespace

CheckResult check_sink_error_paths(KitContext& context, const std::string& id) {
  const bool part_a = context.info.has_restore;
  const bool part_b = context.output_is_path();
  if (!part_a && !part_b) {
    return CheckResult::skip(id, "the sink has no restore() and --output names no file or directory");
  }
  const KitContext& ctx = context;
  const std::string state_path = context.temp_dir + "/error_paths.state";
  const ChildOutcome outcome = run_check_child(context, id, [&ctx, id, state_path, part_a, part_b]() -> nlohmann::json {
    CapturingLogger log(LogLevel::kWarn);
    for (const std::string& secret : ctx.config.secrets) log.logger().add_secret(secret);
    const auto plugin = load_spied_plugin(ctx);
    std::vector<Part> parts;
    try {
      if (part_a) {
        parts.push_back(foreign_checkpoint_part(ctx, plugin, log.logger()));
      } else {
        parts.push_back(Part{Verdict::kSkip, "foreign checkpoints: skipped, the sink has no restore()", {}});
      }
      if (part_b) {
        clear_output(*ctx.options.output);
        parts.push_back(failed_write_part(ctx, plugin, log.logger(), state_path));
      } else {
        parts.push_back(Part{Verdict::kSkip, "failed writes: skipped, needs --output naming a file or directory", {}});
      }
    } catch (const HostError& error) {
      return check_json(CheckResult::fail(id, "the sink could not be created", "create() accepts the config",
                                          ctx.redact(error.what()), "Pass a working config with --config or --set."));
    }
    std::vector<std::string> texts;
    bool any_fail = false, any_pass = false;
    for (const Part& part : parts) {
      texts.push_back(part.text);
      any_fail = any_fail || part.verdict == Verdict::kFail;
      any_pass = any_pass || part.verdict == Verdict::kPass;
    }
    if (any_fail) {
      const bool first_failed = parts[0].verdict == Verdict::kFail;
      const Part& failed = parts[first_failed ? 0 : 1];
      CheckResult fail = CheckResult::fail(
          id, failed.text,
          "restore() refuses, with a status and a message, a checkpoint it never wrote; when writes fail, flush() "
          "fails, the host commits nothing past the failure, and restore() brings the output back to the last "
          "commit (plugin.h, etl_sink_api.restore and section 7)",
          failed.text,
          "Parse the checkpoint strictly and return ETL_E_INVALID_STATE naming what is wrong; check the result of "
          "every write and fsync and return it from write()/flush(); in restore(), truncate or remove everything "
          "written after the checkpoint.");
      fail.details = failed.details;
      if (!first_failed) {
        for (const std::string& line : log.last_problems(4)) fail.details.push_back("host log: " + ctx.redact(line));
      }
      return check_json(fail);
    }
    if (!any_pass) return check_json(CheckResult::skip(id, join(texts, "; ")));
    return check_json(CheckResult::pass(id, join(texts, "; ")));
  });
  if (!outcome.completed()) return abnormal_result(context, id, outcome, "the sink's error paths");
  return completed_result(id, outcome);
}

}  // namespace etlhost::conformance
