// The kit's driver: runs the checks of check_table.h in order (stopping after the first
// failure unless --keep-going), prints each result as it comes, then the explanations and
// the summary.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "commands/common.h"
#include "conformance/check_table.h"
#include "conformance/kit.h"
#include "conformance/output_tree.h"
#include "exit_codes.h"
#include "host_error.h"
#include "signals.h"
#include "text_util.h"

namespace etlhost::conformance {

namespace {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && base[0] != '\0' ? base : "/tmp") +
                          "/etlhost-test-plugin-XXXXXX";
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

// One run of the checks: their results so far, and whether a failure stopped the rest.
class CheckRunner {
 public:
  explicit CheckRunner(KitContext& context) : context_(context), width_(check_id_width(check_ids())) {}

  /// Every check in table order; returns the exit code.
  int run_all() {
    print("etlhost test-plugin " + options().plugin_path + "\n\n");
    bool config_ready = false;
    for (const CheckSpec& check : check_table()) {
      if (check.uses_config && !config_ready) {
        if (!context_.plugin_loaded) return skip_unloaded(check);
        if (!build_user_config()) return exit_code::kConfig;
        config_ready = true;
      }
      if (check_applies(check.kind, context_.info)) run(check);
    }
    return finish();
  }

 private:
  const KitOptions& options() const { return context_.options; }

  void print(const std::string& text) const {
    if (!options().json) write_stdout(text);
  }

  void record(CheckResult result) {
    print(format_check_line(result, width_));
    results_.push_back(std::move(result));
  }

  void run(const CheckSpec& check) {
    if (stopped_) {
      record(CheckResult::skip(check.id, kNotRunAfterFailure));
      return;
    }
    if (context_.output_is_path()) clear_output(*options().output);
    context_.logger->debug(std::string("conformance: ") + check.id);
    const auto start = std::chrono::steady_clock::now();
    CheckResult result = check.run(context_, check.id);
    stop_if_asked();
    result.id = check.id;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (result.verdict == Verdict::kFail && !options().keep_going) stopped_ = true;
    if (check.uses_seed && result.verdict != Verdict::kSkip) seed_used_ = true;
    record(std::move(result));
  }

  // The plugin did not load: the checks for every plugin from `first` on are skipped (the
  // source or sink checks are not listed, the kind being unknown).
  int skip_unloaded(const CheckSpec& first) {
    bool reached = false;
    for (const CheckSpec& check : check_table()) {
      reached = reached || &check == &first;
      if (!reached || check.kind != CheckKind::kPlugin) continue;
      record(CheckResult::skip(check.id, stopped_ && results_.back().verdict == Verdict::kSkip
                                             ? kNotRunAfterFailure
                                             : "not run: the plugin does not load"));
    }
    return finish();
  }

  // The user's config, validated against the plugin's spec as `etlhost run` does. False
  // (after saying why) when it does not validate.
  bool build_user_config() {
    std::vector<ConfigOverride> overrides;
    for (const SetArgument& set : options().sets) {
      if (!set.target.empty() && set.target != context_.info.name && set.target != context_.info.kind) {
        throw UsageError("--set " + set.spelled + ": '" + set.target + "' is not the plugin ('" + context_.info.name +
                             "'); write --set " + set.key + "=VALUE",
                         "test-plugin");
      }
      overrides.push_back(ConfigOverride{set.key, set.value, set.spelled});
    }
    try {
      context_.config = build_config(context_.info.fields, ConfigInputs{context_.info.name, "--config",
                                                                        as_list(options().config_file), overrides});
    } catch (const HostError& config_error) {
      print("\n");
      context_.logger->error(std::string(config_error.what()) +
                             "\nThe kit runs the plugin with this config; fix it with --config FILE or --set "
                             "KEY=VALUE.");
      return false;
    }
    for (const std::string& secret : context_.config.secrets) context_.logger->add_secret(secret);
    return true;
  }

  int finish() const {
    ReportHeader header{context_.info.name, context_.info.kind, context_.info.version, options().plugin_path,
                        std::nullopt};
    if (seed_used_) header.seed = options().seed;
    if (options().json) {
      write_stdout(format_json_report(header, results_));
    } else {
      print(format_text_tail(results_));
    }
    for (const CheckResult& result : results_) {
      if (result.verdict == Verdict::kFail) return exit_code::kConformanceFailed;
    }
    return exit_code::kOk;
  }

  static constexpr const char* kNotRunAfterFailure = "not run: an earlier check failed (--keep-going runs every check)";

  KitContext& context_;
  const size_t width_;
  std::vector<CheckResult> results_;
  bool stopped_ = false;
  bool seed_used_ = false;
};

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
  return CheckRunner(context).run_all();
}

}  // namespace etlhost::conformance
