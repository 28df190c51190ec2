// The conformance kit (`etlhost test-plugin`): what every check shares, and the checks.
//
// The kit process never runs plugin code. It resolves the plugin's path, then runs each
// check: the checks that call the plugin fork a child (child.h) that loads the plugin
// afresh and drives it through the host's own pieces (LoadedPlugin, SourceInstance,
// SinkInstance, Pipeline, StateStore) wrapped by spy.h, and reports back as JSON.
// sink.crash_injection instead runs the real binary (`etlhost __conformance-run run ...`).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "config_builder.h"
#include "config_spec.h"
#include "conformance/child.h"
#include "conformance/report.h"
#include "logger.h"
#include "plugin_loader.h"

namespace etlhost::conformance {

struct KitOptions {
  std::string plugin_path;                 // absolute, resolved from the name or path the user gave
  std::string expected_name;               // the name the user asked for, or "" when given a path
  std::optional<std::string> config_file;  // absolute
  std::vector<SetArgument> sets;
  std::optional<std::string> output;  // absolute path, or "-" for stdout
  bool quick = false;
  bool keep_going = false;
  bool json = false;
  uint64_t seed = 0;
  double timeout_s = 60;
};

/// The plugin as descriptor.valid saw it in its child.
struct PluginInfo {
  std::string name;
  std::string version;
  std::string description;
  std::string kind;  // "source" / "sink"
  std::vector<ConfigField> fields;
  bool has_discover = false;
  bool has_restore = false;
  bool has_checkpoint = false;

  nlohmann::json to_json() const;
  static PluginInfo from_json(const nlohmann::json& json);
};

struct KitContext {
  KitOptions options;
  PluginInfo info;
  bool plugin_loaded = false;  // descriptor.valid loaded it, so `info` is filled
  BuiltConfig config;          // the user's config for the plugin, validated against its spec
  std::string temp_dir;
  std::string self_exe;  // this etlhost binary, for the real runs
  Logger* logger = nullptr;

  /// Files for a child's stdout and stderr, named after `label`, in the temp dir.
  ChildOptions child_options(const std::string& label) const;
  /// True when --output names a file or directory (not "-", not absent).
  bool output_is_path() const { return options.output && *options.output != "-"; }
  /// Text safe to show: the user's secret values replaced by ***.
  std::string redact(const std::string& text) const;
};

/// Runs `body` in a child with the kit's options. The body's JSON result is returned in
/// outcome.result.
ChildOutcome run_check_child(const KitContext& context, const std::string& label,
                             const std::function<nlohmann::json()>& body, double overall_timeout_s = 0);

/// The FAIL for a child that crashed, exited or hung (`what`: "a full sync").
CheckResult abnormal_result(const KitContext& context, const std::string& id, const ChildOutcome& outcome,
                            const std::string& what);

/// The result a completed child reported, or a FAIL when the kit itself broke in it.
CheckResult completed_result(const std::string& id, const ChildOutcome& outcome);

/// In a child: loads the plugin and wraps it (spy.h). Throws HostError.
std::shared_ptr<LoadedPlugin> load_spied_plugin(const KitContext& context);

/// In a child: a logger that keeps every line (unredacted unless secrets are added) and
/// also writes it to stderr (the child's captured file).
class CapturingLogger {
 public:
  explicit CapturingLogger(LogLevel level = LogLevel::kDebug);
  Logger& logger() { return logger_; }
  const std::vector<std::string>& lines() const { return *lines_; }
  /// The last `count` lines that are warnings or errors.
  std::vector<std::string> last_problems(size_t count) const;

 private:
  std::shared_ptr<std::vector<std::string>> lines_;
  Logger logger_;
};

/// "ETL_E_IO" etc.
std::string status_text(int32_t status);

// The checks (check_table.h lists them, in the order they run). `id` is the check's id
// in the table, for its results and its children's labels.
CheckResult check_entry_no_side_effects(KitContext& context, const std::string& id);
/// Also fills context.info and sets context.plugin_loaded when the plugin loads.
CheckResult check_descriptor_valid(KitContext& context, const std::string& id);
CheckResult check_config_rejects_bad_values(KitContext& context, const std::string& id);
CheckResult check_create_destroy(KitContext& context, const std::string& id);
CheckResult check_discover_catalog(KitContext& context, const std::string& id);
CheckResult check_sync_protocol(KitContext& context, const std::string& id);
CheckResult check_sync_resume(KitContext& context, const std::string& id);
CheckResult check_sync_cancellation(KitContext& context, const std::string& id);
CheckResult check_sink_write_flush(KitContext& context, const std::string& id);
CheckResult check_sink_acknowledged(KitContext& context, const std::string& id);
CheckResult check_sink_state_ordering(KitContext& context, const std::string& id);
CheckResult check_sink_error_paths(KitContext& context, const std::string& id);
CheckResult check_sink_crash_injection(KitContext& context, const std::string& id);

/// The whole kit: runs the checks, prints the report, returns the exit code.
int run_kit(const KitOptions& options, Logger& logger);

}  // namespace etlhost::conformance
