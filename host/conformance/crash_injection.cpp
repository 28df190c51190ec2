// sink.crash_injection: the real binary (`etlhost __conformance-run run <synthetic source>
// '->' SINK --state F --checkpoint-interval 0`) killed with SIGKILL at seeded random
// points and resumed, compared with an uninterrupted run.
//
// The synthetic source kills its own process (a timer started a few microseconds to
// milliseconds after batch N begins), so the kill lands anywhere in the host and the sink:
// inside write(), flush(), an fsync, the state commit, restore(). The kill points come
// from the seed and are reported, so a failure can be replayed with --seed.
#include <signal.h>

#include <filesystem>
#include <random>

#include "commands/commands.h"
#include "conformance/kit.h"
#include "conformance/output_tree.h"
#include "conformance/synthetic_source.h"
#include "host_error.h"
#include "signals.h"
#include "state_store.h"
#include "text_util.h"

namespace etlhost::conformance {

namespace {

struct CrashRunner {
  const KitContext& context;
  std::string dir;

  std::vector<std::string> arguments(const std::string& state_path, const SyntheticConfig& config) const {
    std::vector<std::string> args{kConformanceRunArgument, "run", kSyntheticSourceName, "->", context.options.plugin_path,
                                  "--state", state_path, "--checkpoint-interval", "0", "--progress-interval", "0",
                                  "--log-level", "warn"};
    if (context.options.config_file) {
      args.emplace_back("--sink-config");
      args.push_back(*context.options.config_file);
    }
    for (const SetArgument& set : context.options.sets) {
      args.emplace_back("--set");
      args.push_back("sink." + set.key + "=" + set.value);
    }
    for (const std::string& arg : config.set_arguments()) args.push_back(arg);
    return args;
  }

  SpawnResult run(const std::string& state_path, const std::string& stdout_path, const SyntheticConfig& config) const {
    SpawnResult result = spawn_and_wait(context.self_exe, arguments(state_path, config), stdout_path,
                                        dir + "/run.stderr", context.options.timeout_s * 2 + 30);
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

}  // namespace

CheckResult check_sink_crash_injection(KitContext& context, const std::string& id) {
  if (!context.options.output) {
    return CheckResult::skip(id, "needs --output PATH: the file or directory the sink writes, or - for stdout");
  }
  const uint64_t seed = context.options.seed;
  const int trials = context.options.quick ? 1 : 3;
  const int kills = context.options.quick ? 4 : 10;
  const std::string seed_text = "seed " + std::to_string(seed);
  const std::string replay = "replay: etlhost test-plugin " + context.options.plugin_path + " --output " +
                             *context.options.output + " --seed " + std::to_string(seed) +
                             (context.options.quick ? " --quick" : "");
  CrashRunner runner{context, context.temp_dir + "/crash"};
  std::filesystem::create_directories(runner.dir);
  const SyntheticConfig base;
  const size_t batches = synthetic_batch_count(base);
  context.logger->info("conformance: sink.crash_injection: " + std::to_string(trials) + " trial(s) of up to " +
                       std::to_string(kills) + " SIGKILLs (" + seed_text + ")");

  // The reference: one uninterrupted run.
  const std::string ref_state = runner.dir + "/reference.state";
  const std::string ref_stdout = runner.dir + "/reference.stdout";
  runner.reset(ref_state, ref_stdout);
  const SpawnResult reference_run = runner.run(ref_state, ref_stdout, base);
  if (reference_run.exit_code != 0 || reference_run.signal != 0 || reference_run.timed_out) {
    CheckResult fail = CheckResult::fail(
        id, "the uninterrupted reference run " + describe_run(reference_run),
        "`etlhost run` of the synthetic source into the sink ends with exit code 0",
        "the run " + describe_run(reference_run) + "; its last lines on stderr:",
        "See sink.write_flush, which runs the same pipeline in-process; fix that first.");
    for (const std::string& line : split_nonempty(context.redact(tail_lines(reference_run.stderr_text, 6)), '\n')) {
      fail.details.push_back(line);
    }
    return fail;
  }
  const OutputSnapshot reference = runner.output(ref_stdout);
  if (snapshot_bytes(reference) == 0) {
    return CheckResult::skip(id, "--output " + *context.options.output +
                                     " holds nothing after an uninterrupted run: is it where the sink writes?");
  }
  Logger quiet(LogLevel::kError);
  const StoredState stored =
      parse_state_text(read_text_file(ref_state), ref_state, kSyntheticSourceName, context.info.name, quiet);
  const bool exactly_once = stored.sink_checkpoint.has_value();
  const auto reference_tokens = count_tokens(reference);
  if (!exactly_once && reference_tokens.empty()) {
    return CheckResult::skip(id, "the sink keeps no checkpoint and its output does not show the records' uid values, "
                                 "so the kit cannot tell whether records were lost");
  }

  // Each kill lands within the batches the resumed run still has to send (so no run
  // finishes before its kill), about batches/kills of them on average, 0-3 ms after the
  // batch starts: inside the source, write(), flush(), an fsync or the state commit.
  std::mt19937_64 random(seed);
  const int64_t stride = std::max<int64_t>(1, static_cast<int64_t>(2 * batches / static_cast<size_t>(kills)));
  std::uniform_int_distribution<int64_t> pick_delay(0, 3000);
  int total_kills = 0;
  int64_t duplicates = 0;
  for (int trial = 1; trial <= trials; ++trial) {
    const std::string state = runner.dir + "/trial" + std::to_string(trial) + ".state";
    const std::string out = runner.dir + "/trial" + std::to_string(trial) + ".stdout";
    runner.reset(state, out);
    std::vector<std::string> points;
    const auto failure = [&](const std::string& what, const SpawnResult& result) {
      CheckResult fail = CheckResult::fail(
          id, "trial " + std::to_string(trial) + ": " + what + " " + describe_run(result),
          "after a SIGKILL at any point, the next run with the same state file resumes and ends with exit code 0",
          "after SIGKILLs at " + (points.empty() ? std::string("(none)") : join(points, ", ")) + " (batch+µs), " + what +
              " " + describe_run(result) + "; its last lines on stderr:",
          "restore() must accept every checkpoint the host committed and bring the output back to it, whatever "
          "instant the previous run died at: make every step of restore() and flush() safe to interrupt.");
      for (const std::string& line : split_nonempty(context.redact(tail_lines(result.stderr_text, 6)), '\n')) {
        fail.details.push_back(line);
      }
      fail.details.push_back(replay);
      return fail;
    };
    bool finished = false;
    for (int k = 0; k < kills && !finished; ++k) {
      SyntheticConfig config = base;
      size_t remaining = 0;
      for (const PlanItem& item : synthetic_plan(base, committed_positions(state, context.info.name))) {
        remaining += item.ends_batch ? 1 : 0;
      }
      const int64_t highest = std::max<int64_t>(0, std::min<int64_t>(stride, static_cast<int64_t>(remaining) - 1));
      config.kill_at_batch = std::uniform_int_distribution<int64_t>(0, highest)(random);
      config.kill_delay_us = pick_delay(random);
      const SpawnResult result = runner.run(state, out, config);
      if (result.signal == SIGKILL && !result.timed_out) {
        ++total_kills;
        points.push_back(std::to_string(config.kill_at_batch) + "+" + std::to_string(config.kill_delay_us));
      } else if (result.exit_code == 0 && result.signal == 0) {
        finished = true;  // the kill point lay beyond the end of the data
      } else {
        return failure("run " + std::to_string(k + 1) + " (a kill was due at batch " +
                           std::to_string(config.kill_at_batch) + "+" + std::to_string(config.kill_delay_us) + " µs)",
                       result);
      }
    }
    if (!finished) {
      const SpawnResult result = runner.run(state, out, base);
      if (result.exit_code != 0 || result.signal != 0 || result.timed_out) return failure("the final run", result);
    }
    const OutputSnapshot got = runner.output(out);
    const TokenComparison tokens = compare_tokens(reference_tokens, count_tokens(got));
    const std::string kill_text = "SIGKILLs at " + (points.empty() ? std::string("(none)") : join(points, ", ")) +
                                  " (batch+µs)";
    if (exactly_once) {
      const auto difference = first_difference(reference, got);
      if (difference) {
        std::string counted;
        if (!reference_tokens.empty()) {
          counted = std::to_string(tokens.lost) + " records lost, " +
                    std::to_string(tokens.duplicated + tokens.unexpected) + " duplicated; ";
        }
        CheckResult fail = CheckResult::fail(
            id, "trial " + std::to_string(trial) + ": the output differs from an uninterrupted run (" +
                    (counted.empty() ? "bytes differ" : counted.substr(0, counted.size() - 2)) + ")",
            "the sink returns checkpoints, so it promises exactly-once output: after kills and resumes, the same "
            "bytes as an uninterrupted run",
            "after " + kill_text + ": " + counted + *difference,
            "checkpoint() must describe everything written so far; restore() must discard everything after the "
            "checkpoint (truncate files, remove new ones); flush() must make data durable before returning ETL_OK. "
            "Lost records: flush() returned before the data was written; duplicates: restore() kept data written "
            "after the checkpoint.");
        if (!tokens.first_lost.empty()) fail.details.push_back("first lost record: " + tokens.first_lost);
        if (!tokens.first_duplicated.empty()) fail.details.push_back("first duplicated record: " + tokens.first_duplicated);
        fail.details.push_back(replay);
        return fail;
      }
    } else if (tokens.lost > 0) {
      CheckResult fail = CheckResult::fail(
          id, "trial " + std::to_string(trial) + ": " + std::to_string(tokens.lost) + " records lost after kills",
          "at-least-once: after kills and resumes, every record of an uninterrupted run is in the output",
          "after " + kill_text + ": " + std::to_string(tokens.lost) + " of " +
              std::to_string(tokens.expected_records) + " records missing (first: " + tokens.first_lost + ")",
          "flush() must return ETL_OK only once everything written before it left the process or reached the "
          "disk: the host commits the source's state right after.");
      fail.details.push_back(replay);
      return fail;
    } else {
      duplicates += tokens.duplicated;
    }
  }
  if (*context.options.output != "-") clear_output(*context.options.output);

  const std::string runs = seed_text + ": " + std::to_string(trials) + " trial" + (trials == 1 ? "" : "s") + ", " +
                           std::to_string(total_kills) + " SIGKILL" + (total_kills == 1 ? "" : "s") +
                           " at random points";
  if (exactly_once) {
    return CheckResult::pass(id, runs + "; resumed output byte-identical to an uninterrupted run (exactly once)");
  }
  CheckResult result = CheckResult::pass(
      id, runs + "; no record lost (at-least-once: the sink keeps no checkpoint), " + std::to_string(duplicates) +
              " duplicates");
  if (duplicates > 0) {
    result.notes.push_back(std::to_string(duplicates) +
                           " records were delivered twice across the kills: expected for a sink without "
                           "checkpoint/restore; downstream must de-duplicate by key_properties");
  }
  return result;
}

}  // namespace etlhost::conformance
