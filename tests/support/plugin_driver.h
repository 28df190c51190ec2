// The one in-process plugin driver: loads a built plugin with the host's own loader
// (LoadedPlugin), builds its config with the host's config builder (so defaults are filled
// exactly as in a real run) and drives it through the host's own instances (SourceInstance,
// SinkInstance), recording what the plugin logs, counts and emits. Used by the plugins'
// suites (plugins/*/tests) and the csv benchmark.
//
// Unlike a real run, secrets are not registered with the logger: a test must see exactly
// what the plugin wrote, to check a secret never appears in it. No environment variable
// reaches the config either, so a test's config is the whole config.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "etlhost/plugin.h"
#include "logger.h"
#include "plugin_instance.h"
#include "plugin_loader.h"
#include "signals.h"

namespace etltest {

using etlhost::CallResult;

/// The plugin library at `path`, loaded and validated once per process.
std::shared_ptr<const etlhost::LoadedPlugin> load_plugin(const std::string& path);

/// `config_json` (an object, as a config file holds it) layered and validated by the host's
/// config builder against the plugin's spec: what create() receives in a real run. No
/// environment variable is read. `enforce_required` is false for discover (plugin.h).
/// Throws etlhost::HostError (exit 3) as the host would refuse it.
std::string build_config(const etlhost::LoadedPlugin& plugin, const std::string& config_json,
                         bool enforce_required = true);

/// One message as a test writes it to a sink or a source emitted it.
struct Message {
  uint32_t kind = 0;
  std::string stream;
  std::string json;
  int64_t time_extracted_ms = 0;
};
Message schema(std::string stream, std::string message_json);
Message record(std::string stream, std::string json);
Message state(std::string json);

/// Every line the plugin logged, as "LEVEL message" (ERROR, WARN, INFO, DEBUG), through the
/// host's Logger at debug level. `on_line` (optional) sees each line as it arrives.
class LogCapture {
 public:
  explicit LogCapture(std::function<void(const std::string& line)> on_line = nullptr);
  etlhost::Logger& logger() { return logger_; }
  std::vector<std::string> lines() const;

 private:
  void take(std::string_view formatted);

  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  std::function<void(const std::string&)> on_line_;
  etlhost::Logger logger_;  // last: its writer uses the members above
};

/// A sink plugin's instance: create() in the constructor, then the calls a run makes.
class SinkDriver {
 public:
  /// Builds the config and creates an instance. Throws etlhost::HostError when the host's
  /// config builder refuses the config, etlhost::CreateRefused when create() does.
  SinkDriver(const std::string& library, const std::string& config_json);
  /// create() and destroy() without keeping the instance: the outcome, with the host's
  /// message as ETL_E_INVALID_ARGUMENT when its config builder refused the config first.
  static CallResult try_create(const std::string& library, const std::string& config_json);

  CallResult restore(std::string_view checkpoint = {});
  CallResult write(const std::vector<Message>& messages);
  /// Without copies, for the benchmark.
  CallResult write(const etl_message* const* messages, size_t count);
  CallResult checkpoint(std::string* out);
  CallResult flush();
  /// ABI 1.2: the sink's identity() and reset(), as the host calls them.
  CallResult identity(std::string* out) { return instance_.identity(out); }
  bool has_reset() const { return instance_.has_reset(); }
  CallResult reset() { return instance_.reset(); }

  /// What the plugin logged so far, "LEVEL message" per line.
  std::vector<std::string> logs() const { return logs_.lines(); }
  bool logged(std::string_view level, std::string_view fragment) const;

 private:
  SinkDriver(const std::shared_ptr<const etlhost::LoadedPlugin>& plugin, const std::string& config_json);

  LogCapture logs_;  // outlives the instance, which logs to it until destroy() returns
  etlhost::CancelFlag cancel_;
  etlhost::SinkInstance instance_;
};

/// What one create -> discover | sync -> destroy of a source produced.
struct RunResult {
  etl_status status = ETL_OK;
  int32_t detail = 0;
  std::string error;              // the plugin's message when status != OK
  std::vector<Message> messages;  // in emit order
  std::vector<std::string> logs;  // "LEVEL message"
  std::map<std::string, int64_t> counters;
  /// RECORDs the host had received when the plugin logged its first warning (a retry).
  std::optional<size_t> records_at_first_warning;

  std::vector<std::string> records() const;
  std::vector<std::string> states() const;
  size_t schema_count() const;
  /// The last STATE's JSON, or "" when none was emitted.
  std::string last_state() const;
  /// Every text the plugin produced (messages, logs, error), for "the key never leaks" checks.
  std::string everything() const;
  /// Status, error and the last log lines, for failing CHECK messages.
  std::string describe() const;
};

/// A source plugin, run once per call on a fresh instance.
class SourceDriver {
 public:
  /// Called after every emit() with the messages recorded so far; return a non-OK status to
  /// make emit() fail with it (as the host does on a sink error).
  using EmitHook = std::function<etl_status(const std::vector<Message>&)>;

  explicit SourceDriver(const std::string& library);

  const etl_plugin& plugin() const { return *plugin_->descriptor(); }

  /// create() only (config validation). status/error tell the outcome.
  RunResult create_only(const std::string& config_json);
  RunResult discover(const std::string& config_json);
  RunResult sync(const std::string& config_json, const std::string& state_json = "",
                 const std::string& catalog_json = "", EmitHook hook = nullptr);

  /// A stop request, as Ctrl-C gives one: is_cancelled() answers yes and emit() fails with
  /// ETL_E_CANCELLED from now on. Callable from any thread.
  void cancel();
  bool cancelled() const { return cancel_.requested(); }

  /// The host side of one run (internal; public for the emitter's C callback).
  struct Run;

 private:
  using Call = std::function<CallResult(etlhost::SourceInstance&, const etl_emitter*)>;
  RunResult run(const std::string& config_json, const Call& call, EmitHook hook, bool enforce_required = true);

  std::shared_ptr<const etlhost::LoadedPlugin> plugin_;
  etlhost::CancelFlag cancel_;
};

}  // namespace etltest
