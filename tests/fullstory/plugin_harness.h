// plugin_harness.h: loads the built etl-fullstory.so with dlopen and drives its C ABI the
// way the host does (the host's config layering, then create -> discover | sync -> destroy),
// recording every message, log line and counter, with a cancel switch for stop-request tests.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "etlhost/plugin.h"

namespace fstest {

struct Message {
  uint32_t kind = 0;
  std::string stream;
  std::string json;
  int64_t time_extracted_ms = 0;
};

struct RunResult {
  etl_status status = ETL_OK;
  int32_t detail = 0;
  std::string error;               // etl_error.message when status != OK
  std::vector<Message> messages;   // in emit order
  std::vector<std::string> logs;   // "LEVEL message"
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

class PluginHarness {
 public:
  /// Called after every emit() with the messages recorded so far; return a non-OK status to
  /// make emit() fail with it (as the host does on a sink error or a stop request).
  using EmitHook = std::function<etl_status(const std::vector<Message>&)>;

  explicit PluginHarness(const std::string& library_path = ETL_FULLSTORY_PLUGIN_PATH);
  ~PluginHarness();
  PluginHarness(const PluginHarness&) = delete;
  PluginHarness& operator=(const PluginHarness&) = delete;

  const etl_plugin& plugin() const { return *plugin_; }

  /// create() only (config validation). status/error tell the outcome.
  RunResult create_only(const std::string& config_json);
  RunResult discover(const std::string& config_json);
  RunResult sync(const std::string& config_json, const std::string& state_json = "",
                 const std::string& catalog_json = "", EmitHook hook = nullptr);

  /// What the host's is_cancelled() answers; settable from any thread.
  std::atomic<bool> cancelled{false};

  /// The host side of one create/sync call (internal; public for the C callbacks).
  struct Context;

 private:
  // `config_json` goes through the host's config builder first (defaults, spec checks);
  // `enforce_required` is false for discover, as in the host.
  RunResult run(const std::string& config_json, bool enforce_required,
                const std::function<etl_status(void*, const etl_emitter*, etl_error*)>& call, EmitHook hook);

  void* library_ = nullptr;
  const etl_plugin* plugin_ = nullptr;
};

}  // namespace fstest
