// The kit's driver: runs the checks in order (stopping after the first failure unless
// --keep-going), prints each result as it comes, then the explanations and the summary.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "commands/common.h"
#include "conformance/kit.h"
#include "conformance/output_tree.h"
#include "exit_codes.h"
#include "host_error.h"
#include "signals.h"
#include "text_util.h"

namespace etlhost::conformance {

namespace {

const std::vector<std::string>& all_check_ids() {
  static const std::vector<std::string> ids{
      "entry.no_side_effects", "descriptor.valid",   "config.rejects_bad_values", "create_destroy",
      "discover.catalog",      "sync.protocol",      "sync.resume",               "sync.cancellation",
      "sink.write_flush",      "sink.state_ordering", "sink.error_paths",         "sink.crash_injection"};
  return ids;
}

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && base[0] != '\0' ? base : "/tmp") + "/etlhost-test-plugin-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw HostError(exit_code::kInternal, "cannot create a temporary directory under " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Empties --output when the kit ends, however it ends.
class OutputCleaner {
 public:
  OutputCleaner(const std::optional<std::string>& output, Logger& logger) : output_(output), logger_(logger) {}
  ~OutputCleaner() {
    if (!output_ || *output_ == "-") return;
    try {
      clear_output(*output_);
    } catch (const std::exception& error) {
      logger_.warn(std::string("cannot empty --output again: ") + error.what());
    }
  }
  OutputCleaner(const OutputCleaner&) = delete;
  OutputCleaner& operator=(const OutputCleaner&) = delete;

 private:
  const std::optional<std::string>& output_;
  Logger& logger_;
};

void stop_if_asked() {
  if (const int signal_number = kit_stop_signal()) {
    throw HostError(exit_code_for_signal(signal_number),
                    std::string("stopped by ") + signal_name(signal_number) + "; no report");
  }
}

}  // namespace

int run_kit(const KitOptions& options, Logger& logger) {
  install_kit_signal_handlers();
  TempDir temp;
  const OutputCleaner cleaner(options.output, logger);
  KitContext context;
  context.options = options;
  context.logger = &logger;
  context.temp_dir = temp.path();
  std::error_code error;
  context.self_exe = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (error) throw HostError(exit_code::kInternal, "cannot find the etlhost executable (/proc/self/exe)");

  const size_t width = check_id_width(all_check_ids());
  std::vector<CheckResult> results;
  bool stopped = false;
  const auto print = [&](const std::string& text) {
    if (!options.json) write_stdout(text);
  };
  const auto record = [&](CheckResult result) {
    print(format_check_line(result, width));
    results.push_back(std::move(result));
  };
  const auto run = [&](const std::string& id, const std::function<CheckResult()>& check) {
    if (stopped) {
      record(CheckResult::skip(id, "not run: an earlier check failed (--keep-going runs every check)"));
      return;
    }
    if (options.output && *options.output != "-") clear_output(*options.output);
    logger.debug("conformance: " + id);
    const auto start = std::chrono::steady_clock::now();
    CheckResult result = check();
    stop_if_asked();
    result.id = id;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (result.verdict == Verdict::kFail && !options.keep_going) stopped = true;
    record(std::move(result));
  };
  const auto finish = [&]() {
    ReportHeader header{context.info.name, context.info.kind, context.info.version, options.plugin_path, std::nullopt};
    for (const CheckResult& result : results) {
      if (result.id == "sink.crash_injection" && result.verdict != Verdict::kSkip) header.seed = options.seed;
    }
    if (options.json) {
      write_stdout(format_json_report(header, results));
    } else {
      print(format_text_tail(results));
    }
    for (const CheckResult& result : results) {
      if (result.verdict == Verdict::kFail) return exit_code::kConformanceFailed;
    }
    return exit_code::kOk;
  };

  print("etlhost test-plugin " + options.plugin_path + "\n\n");
  run("entry.no_side_effects", [&] { return check_entry_no_side_effects(context); });
  bool loaded = false;
  if (stopped) {
    run("descriptor.valid", [] { return CheckResult{}; });
  } else {
    run("descriptor.valid", [&] { return check_descriptor_valid(context, &loaded); });
  }
  if (!loaded) {
    for (const char* id : {"config.rejects_bad_values", "create_destroy"}) {
      record(CheckResult::skip(id, stopped && results.back().verdict == Verdict::kSkip
                                       ? "not run: an earlier check failed (--keep-going runs every check)"
                                       : "not run: the plugin does not load"));
    }
    return finish();
  }

  // The user's config, validated against the plugin's spec as `etlhost run` does.
  std::vector<ConfigOverride> overrides;
  for (const SetArgument& set : options.sets) {
    if (!set.target.empty() && set.target != context.info.name && set.target != context.info.kind) {
      throw UsageError("--set " + set.spelled + ": '" + set.target + "' is not the plugin ('" + context.info.name +
                           "'); write --set " + set.key + "=VALUE",
                       "test-plugin");
    }
    overrides.push_back(ConfigOverride{set.key, set.value, set.spelled});
  }
  try {
    context.config = build_config(context.info.fields,
                                  ConfigInputs{context.info.name, "--config", options.config_file, overrides});
  } catch (const HostError& config_error) {
    print("\n");
    logger.error(std::string(config_error.what()) +
                 "\nThe kit runs the plugin with this config; fix it with --config FILE or --set KEY=VALUE.");
    return exit_code::kConfig;
  }
  for (const std::string& secret : context.config.secrets) logger.add_secret(secret);

  run("config.rejects_bad_values", [&] { return check_config_rejects_bad_values(context); });
  run("create_destroy", [&] { return check_create_destroy(context); });
  if (context.info.kind == "source") {
    run("discover.catalog", [&] { return check_discover_catalog(context); });
    run("sync.protocol", [&] { return check_sync_protocol(context); });
    run("sync.resume", [&] { return check_sync_resume(context); });
    run("sync.cancellation", [&] { return check_sync_cancellation(context); });
  } else {
    run("sink.write_flush", [&] { return check_sink_write_flush(context); });
    run("sink.state_ordering", [&] { return check_sink_state_ordering(context); });
    run("sink.error_paths", [&] { return check_sink_error_paths(context); });
    run("sink.crash_injection", [&] { return check_sink_crash_injection(context); });
  }
  return finish();
}

}  // namespace etlhost::conformance
