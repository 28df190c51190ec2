// sink.crash_injection: the real binary (`etlhost __conformance-run run <synthetic source>
// '->' SINK --state F --checkpoint-interval 0`) killed with SIGKILL and resumed, compared
// with an uninterrupted run.
//
// The first kill of each trial lands right after the sink's flush() returned and before
// the host commits the state that flush made durable: the run's sink is wrapped (spy.h)
// and kills its process there. That window is where a restore() that keeps what it wrote
// after the checkpoint duplicates records, and a random kill rarely hits it. The other
// kills come from the synthetic source (a timer started a few microseconds to milliseconds
// after batch N begins), so they land anywhere in the host and the sink: inside write(),
// flush(), an fsync, the state commit, restore(). The kill points come from the seed and
// are reported, so a failure can be replayed with --seed.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>

#include "commands/commands.h"
#include "conformance/crash_injection.h"
#include "conformance/kit.h"
#include "conformance/output_tree.h"
#include "conformance/spy.h"
#include "conformance/synthetic_source.h"
#include "host_error.h"
#include "plugin_loader.h"
#include "signals.h"
#include "state_store.h"
#include "text_util.h"

namespace etlhost::conformance {

namespace {

// How the kit tells its spawned run to kill itself right after a flush (see
// arm_flush_kill_from_environment): which sink to wrap, and after which flush() to kill.
constexpr const char* kWrappedSinkVariable = "ETLHOST_KIT_WRAPPED_SINK";
constexpr const char* kKillAfterFlushVariable = "ETLHOST_KIT_KILL_AFTER_FLUSH";

// Where one run of a trial is killed: right after a flush() of the sink, or by the
// synthetic source's timer (`config`).
struct KillPoint {
  int after_flush = 0;  // the flush() number in the run; 0: the timer's kill, if any
  SyntheticConfig config;

  std::string text() const {
    if (after_flush > 0) return "flush " + std::to_string(after_flush);
    return std::to_string(config.kill_at_batch) + "+" + std::to_string(config.kill_delay_us);
  }
};

struct CrashRunner {
  const KitContext& context;
  std::string dir;

  // A run whose sink is wrapped names it by its name: the wrapper is a built-in plugin.
  std::vector<std::string> arguments(const std::string& state_path, const KillPoint& kill) const {
    const std::string sink = kill.after_flush > 0 ? context.info.name : context.options.plugin_path;
    std::vector<std::string> args{
        kConformanceRunArgument, "run", kSyntheticSourceName,  "->", sink,          "--state", state_path,
        "--checkpoint-interval", "0",   "--progress-interval", "0",  "--log-level", "warn"};
    if (context.options.config_file) {
      args.emplace_back("--sink-config");
      args.push_back(*context.options.config_file);
    }
    for (const SetArgument& set : context.options.sets) {
      args.emplace_back("--set");
      args.push_back("sink." + set.key + "=" + set.value);
    }
    for (const std::string& arg : kill.config.set_arguments()) args.push_back(arg);
    return args;
  }

  SpawnResult run(const std::string& state_path, const std::string& stdout_path, const KillPoint& kill = {}) const {
    std::vector<std::pair<std::string, std::string>> environment;
    if (kill.after_flush > 0) {
      environment = {{kWrappedSinkVariable, context.options.plugin_path},
                     {kKillAfterFlushVariable, std::to_string(kill.after_flush)}};
    }
    SpawnResult result = spawn_and_wait(context.self_exe, arguments(state_path, kill), stdout_path, dir + "/run.stderr",
                                        context.options.timeout_s * 2 + 30, environment);
    if (const int signal_number = kit_stop_signal()) {
      throw HostError(exit_code_for_signal(signal_number), std::string("stopped by ") + signal_name(signal_number));
    }
    return result;
  }

  OutputSnapshot output(const std::string& stdout_path) const {
    if (*context.options.output == "-") return OutputSnapshot{{"", read_text_file(stdout_path, size_t{1} << 30)}};
    return snapshot_output(*context.options.output);
  }

  void reset(const std::string& state_path, const std::string& stdout_path) const {
    if (*context.options.output != "-") clear_output(*context.options.output);
    std::error_code error;
    std::filesystem::remove(state_path, error);
    std::filesystem::remove(state_path + ".lock", error);
    std::filesystem::remove(stdout_path, error);
  }
};

// How far the committed state in `state_path` got, per stream (zeros before a commit).
StreamPositions committed_positions(const std::string& state_path, const std::string& sink_name) {
  StreamPositions done{};
  const std::string text = read_text_file(state_path);
  if (text.empty()) return done;
  Logger quiet(LogLevel::kError);
  try {
    const StoredState stored = parse_state_text(text, state_path, kSyntheticSourceName, sink_name, quiet);
    const auto state = nlohmann::json::parse(stored.source_state.value_or("{}"), nullptr, false);
    for (size_t s = 0; s < kSyntheticStreamCount && state.is_object(); ++s) {
      done[s] = state.value(synthetic_streams()[s], int64_t{0});
    }
  } catch (const std::exception&) {
    // An unreadable state file shows up in the next run's result.
  }
  return done;
}

std::string describe_run(const SpawnResult& result) {
  if (result.timed_out) return "did not finish within its time limit";
  if (result.signal != 0) return "was ended by " + signal_text(result.signal);
  return "exited with code " + std::to_string(result.exit_code);
}

bool ended_cleanly(const SpawnResult& result) {
  return result.exit_code == 0 && result.signal == 0 && !result.timed_out;
}

// The run's last lines on stderr, redacted, as details of a failure.
void add_stderr_tail(const KitContext& context, const SpawnResult& result, CheckResult& fail) {
  for (const std::string& line : split_nonempty(context.redact(tail_lines(result.stderr_text, 6)), '\n')) {
    fail.details.push_back(line);
  }
}

// How many trials of how many kills, from the options; the seed, and the command that replays it.
struct CrashPlan {
  uint64_t seed = 0;
  int trials = 0;
  int kills = 0;
  std::string seed_text;  // "seed 42"
  std::string replay;     // "replay: etlhost test-plugin ... --seed 42"

  explicit CrashPlan(const KitOptions& options)
      : seed(options.seed),
        trials(options.quick ? 1 : 3),
        kills(options.quick ? 4 : 10),
        seed_text("seed " + std::to_string(options.seed)),
        replay("replay: etlhost test-plugin " + options.plugin_path + " --output " + *options.output + " --seed " +
               std::to_string(options.seed) + (options.quick ? " --quick" : "")) {}
};

// What the uninterrupted run wrote, and what the sink promises for it.
struct Reference {
  OutputSnapshot output;
  bool exactly_once = false;  // the sink returns checkpoints
  std::map<std::string, int64_t> tokens;
};

// Runs the reference. Returns the check's result when it ends here (a failed reference
// run, or nothing the kit can compare), else nullopt with `reference` filled.
std::optional<CheckResult> run_reference(const CrashRunner& runner, const std::string& id, Reference& reference) {
  const KitContext& context = runner.context;
  const std::string state_path = runner.dir + "/reference.state";
  const std::string stdout_path = runner.dir + "/reference.stdout";
  runner.reset(state_path, stdout_path);
  const SpawnResult run = runner.run(state_path, stdout_path);
  if (!ended_cleanly(run)) {
    CheckResult fail = CheckResult::fail(
        id, "the uninterrupted reference run " + describe_run(run),
        "`etlhost run` of the synthetic source into the sink ends with exit code 0",
        "the run " + describe_run(run) + "; its last lines on stderr:",
        "See sink.write_flush, which runs the same pipeline in-process; fix that first.");
    add_stderr_tail(context, run, fail);
    return fail;
  }
  reference.output = runner.output(stdout_path);
  if (snapshot_bytes(reference.output) == 0) {
    return CheckResult::skip(id, "--output " + *context.options.output +
                                     " holds nothing after an uninterrupted run: is it where the sink writes?");
  }
  Logger quiet(LogLevel::kError);
  const StoredState stored = parse_state_text(read_text_file(state_path), state_path, kSyntheticSourceName,
                                              context.info.name, quiet);
  reference.exactly_once = stored.sink_checkpoint.has_value();
  reference.tokens = count_tokens(reference.output);
  if (!reference.exactly_once && reference.tokens.empty()) {
    return CheckResult::skip(id, "the sink keeps no checkpoint and its output does not show the records' uid values, "
                                 "so the kit cannot tell whether records were lost");
  }
  return std::nullopt;
}

// Where the kills of every trial land, from the seed. Each kill lands within the batches
// the resumed run still has to send (so no run finishes before its kill), about
// batches/kills of them on average, 0-3 ms after the batch starts: inside the source,
// write(), flush(), an fsync or the state commit.
class KillPoints {
 public:
  explicit KillPoints(const CrashPlan& plan)
      : random_(plan.seed),
        stride_(std::max<int64_t>(
            1, static_cast<int64_t>(2 * synthetic_batch_count(SyntheticConfig{}) / static_cast<size_t>(plan.kills)))) {}

  /// The first kill of trial `trial`: right after the sink's (trial + 1)-th flush of the
  /// run, the trial's first STATE commit being the second flush (the first is the baseline
  /// commit before the source starts), so each trial cuts a different commit.
  static KillPoint after_flush(int trial) {
    KillPoint kill;
    kill.after_flush = trial + 1;
    return kill;
  }

  /// The timer kill of the next run, resumed from what `state_path` committed.
  KillPoint next(const std::string& state_path, const std::string& sink_name) {
    KillPoint kill;
    SyntheticConfig& config = kill.config;
    size_t remaining = 0;
    for (const PlanItem& item : synthetic_plan(config, committed_positions(state_path, sink_name))) {
      remaining += item.ends_batch ? 1 : 0;
    }
    const int64_t highest = std::max<int64_t>(0, std::min<int64_t>(stride_, static_cast<int64_t>(remaining) - 1));
    config.kill_at_batch = std::uniform_int_distribution<int64_t>(0, highest)(random_);
    config.kill_delay_us = pick_delay_(random_);
    return kill;
  }

 private:
  std::mt19937_64 random_;
  int64_t stride_;
  std::uniform_int_distribution<int64_t> pick_delay_{0, 3000};
};

// One trial: runs killed at the next kill points and resumed, then a run to the end.
struct Trial {
  int number = 0;
  std::vector<std::string> points;  // "batch+µs" of each kill that landed
  OutputSnapshot output;            // after the final run

  std::string kills_text() const {
    return "SIGKILLs at " + (points.empty() ? std::string("(none)") : join(points, ", ")) +
           " (batch+µs, or right after the sink's Nth flush)";
  }
};

// A run of the trial that neither was killed nor ended cleanly.
CheckResult trial_run_failed(const CrashRunner& runner, const std::string& id, const CrashPlan& plan,
                             const Trial& trial, const std::string& what, const SpawnResult& result) {
  CheckResult fail = CheckResult::fail(
      id, "trial " + std::to_string(trial.number) + ": " + what + " " + describe_run(result),
      "after a SIGKILL at any point, the next run with the same state file resumes and ends with exit code 0",
      "after " + trial.kills_text() + ", " + what + " " + describe_run(result) + "; its last lines on stderr:",
      "restore() must accept every checkpoint the host committed and bring the output back to it, whatever "
      "instant the previous run died at: make every step of restore() and flush() safe to interrupt.");
  add_stderr_tail(runner.context, result, fail);
  fail.details.push_back(plan.replay);
  return fail;
}

// Runs trial `trial.number` to its end. Returns a FAIL when a run breaks, else nullopt
// with `trial` filled.
std::optional<CheckResult> run_trial(const CrashRunner& runner, const std::string& id, const CrashPlan& plan,
                                     KillPoints& kill_points, Trial& trial) {
  const std::string prefix = runner.dir + "/trial" + std::to_string(trial.number);
  const std::string state = prefix + ".state";
  const std::string out = prefix + ".stdout";
  runner.reset(state, out);
  bool finished = false;
  for (int k = 0; k < plan.kills && !finished; ++k) {
    const KillPoint kill = k == 0 ? KillPoints::after_flush(trial.number)
                                  : kill_points.next(state, runner.context.info.name);
    const SpawnResult result = runner.run(state, out, kill);
    if (result.signal == SIGKILL && !result.timed_out) {
      trial.points.push_back(kill.text());
    } else if (result.exit_code == 0 && result.signal == 0) {
      finished = true;  // the kill point lay beyond the end of the data
    } else {
      const std::string due = kill.after_flush > 0 ? "right after flush " + std::to_string(kill.after_flush)
                                                   : "at batch " + kill.text() + " µs";
      return trial_run_failed(runner, id, plan, trial, "run " + std::to_string(k + 1) + " (a kill was due " + due + ")",
                              result);
    }
  }
  if (!finished) {
    const SpawnResult result = runner.run(state, out);
    if (!ended_cleanly(result)) return trial_run_failed(runner, id, plan, trial, "the final run", result);
  }
  trial.output = runner.output(out);
  return std::nullopt;
}

// An exactly-once sink's trial output differs from the reference.
CheckResult not_exactly_once(const std::string& id, const CrashPlan& plan, const Trial& trial,
                             const Reference& reference, const TokenComparison& tokens, const std::string& difference) {
  std::string counted;
  if (!reference.tokens.empty()) {
    counted = std::to_string(tokens.lost) + " records lost, " + std::to_string(tokens.duplicated + tokens.unexpected) +
              " duplicated; ";
  }
  CheckResult fail = CheckResult::fail(
      id,
      "trial " + std::to_string(trial.number) + ": the output differs from an uninterrupted run (" +
          (counted.empty() ? "bytes differ" : counted.substr(0, counted.size() - 2)) + ")",
      "the sink returns checkpoints, so it promises exactly-once output: after kills and resumes, the same "
      "bytes as an uninterrupted run",
      "after " + trial.kills_text() + ": " + counted + difference,
      "checkpoint() must describe everything written so far; restore() must discard everything after the "
      "checkpoint (truncate files, remove new ones); flush() must make data durable before returning ETL_OK. "
      "Lost records: flush() returned before the data was written; duplicates: restore() kept data written "
      "after the checkpoint.");
  if (!tokens.first_lost.empty()) fail.details.push_back("first lost record: " + tokens.first_lost);
  if (!tokens.first_duplicated.empty()) fail.details.push_back("first duplicated record: " + tokens.first_duplicated);
  fail.details.push_back(plan.replay);
  return fail;
}

// The verdict on one trial: a FAIL, or nullopt (adding an at-least-once sink's duplicates).
std::optional<CheckResult> trial_verdict(const std::string& id, const CrashPlan& plan, const Trial& trial,
                                         const Reference& reference, int64_t& duplicates) {
  const TokenComparison tokens = compare_tokens(reference.tokens, count_tokens(trial.output));
  if (reference.exactly_once) {
    const auto difference = first_difference(reference.output, trial.output);
    if (difference) return not_exactly_once(id, plan, trial, reference, tokens, *difference);
    return std::nullopt;
  }
  if (tokens.lost > 0) {
    CheckResult fail = CheckResult::fail(
        id, "trial " + std::to_string(trial.number) + ": " + std::to_string(tokens.lost) + " records lost after kills",
        "at-least-once: after kills and resumes, every record of an uninterrupted run is in the output",
        "after " + trial.kills_text() + ": " + std::to_string(tokens.lost) + " of " +
            std::to_string(tokens.expected_records) + " records missing (first: " + tokens.first_lost + ")",
        "flush() must return ETL_OK only once everything written before it left the process or reached the "
        "disk: the host commits the source's state right after.");
    fail.details.push_back(plan.replay);
    return fail;
  }
  duplicates += tokens.duplicated;
  return std::nullopt;
}

// The PASS once every trial ended as the sink promises.
CheckResult crash_injection_pass(const std::string& id, const CrashPlan& plan, bool exactly_once, int total_kills,
                                 int64_t duplicates) {
  const std::string runs = plan.seed_text + ": " + std::to_string(plan.trials) + " trial" +
                           (plan.trials == 1 ? "" : "s") + ", " + std::to_string(total_kills) + " SIGKILL" +
                           (total_kills == 1 ? "" : "s") + " right after a flush or at random points";
  if (exactly_once) {
    return CheckResult::pass(id, runs + "; resumed output byte-identical to an uninterrupted run (exactly once)");
  }
  CheckResult result = CheckResult::pass(id, runs + "; no record lost (at-least-once: the sink keeps no checkpoint), " +
                                                 std::to_string(duplicates) + " duplicates");
  if (duplicates > 0) {
    result.notes.push_back(std::to_string(duplicates) +
                           " records were delivered twice across the kills: expected for a sink without "
                           "checkpoint/restore; downstream must de-duplicate by key_properties");
  }
  return result;
}

}  // namespace

CheckResult check_sink_crash_injection(KitContext& context, const std::string& id) {
  if (!context.options.output) {
    return CheckResult::skip(id, "needs --output PATH: the file or directory the sink writes, or - for stdout");
  }
  const CrashPlan plan(context.options);
  CrashRunner runner{context, context.temp_dir + "/crash"};
  std::filesystem::create_directories(runner.dir);
  context.logger->info("conformance: sink.crash_injection: " + std::to_string(plan.trials) + " trial(s) of up to " +
                       std::to_string(plan.kills) + " SIGKILLs (" + plan.seed_text + ")");
  Reference reference;
  if (auto ended = run_reference(runner, id, reference)) return *ended;

  KillPoints kill_points(plan);
  int total_kills = 0;
  int64_t duplicates = 0;
  for (int number = 1; number <= plan.trials; ++number) {
    Trial trial;
    trial.number = number;
    if (auto failed = run_trial(runner, id, plan, kill_points, trial)) return *failed;
    total_kills += static_cast<int>(trial.points.size());
    if (auto failed = trial_verdict(id, plan, trial, reference, duplicates)) return *failed;
  }
  if (*context.options.output != "-") clear_output(*context.options.output);
  return crash_injection_pass(id, plan, reference.exactly_once, total_kills, duplicates);
}

void arm_flush_kill_from_environment() {
  const char* sink_path = std::getenv(kWrappedSinkVariable);
  const char* flush_number = std::getenv(kKillAfterFlushVariable);
  if (sink_path == nullptr || flush_number == nullptr) return;
  try {
    // A built-in plugin under the sink's own name, so the state file names the real sink.
    const auto spied = spy_on(LoadedPlugin::load(sink_path, ""), 60);
    kill_after_flush(std::stoi(flush_number));
    register_builtin_plugin(spied->descriptor());
  } catch (const std::exception& error) {
    // Nothing registered: the run fails to find the sink by name and says why on stderr.
    std::fprintf(stderr, "etlhost: cannot wrap %s for crash injection: %s\n", sink_path, error.what());
  }
}

}  // namespace etlhost::conformance
