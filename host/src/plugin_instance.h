// Live plugin instances: create() in the constructor, destroy() in the destructor, and
// thin call wrappers that hand each call a fresh, zeroed error buffer and turn the result
// into a CallResult. Each instance owns its HostServices (whose etl_host_api must stay
// valid until destroy() returns) and shares ownership of its library, so the order of
// teardown is always: destroy(), then the services, then (maybe) dlclose.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "etlhost/plugin.h"
#include "exit_codes.h"
#include "host_error.h"
#include "host_services.h"
#include "plugin_loader.h"

namespace etlhost {

/// The outcome of one plugin call.
struct CallResult {
  etl_status status = ETL_OK;  // normalized: unknown codes become ETL_E_INTERNAL
  std::string message;         // the plugin's message, "(no message)" when it left none
  int32_t detail = 0;

  bool ok() const { return status == ETL_OK; }
  /// "message (ETL_E_IO)" / "message (ETL_E_IO, detail 404)".
  std::string describe() const;
};

/// create() refused the config: a HostError (exit 3) like any other, which also keeps the
/// plugin's own status, message and detail for callers that check them (the in-process
/// test driver, tests/support/plugin_driver.h).
class CreateRefused : public HostError {
 public:
  CreateRefused(const std::string& message, CallResult result)
      : HostError(exit_code::kConfig, message), result_(std::move(result)) {}
  const CallResult& result() const { return result_; }

 private:
  CallResult result_;
};

class SourceInstance {
 public:
  /// Calls create(). A refusal throws CreateRefused (exit 3) with the plugin's message.
  SourceInstance(std::shared_ptr<const LoadedPlugin> plugin, const std::string& config_json, Logger& logger,
                 const CancelFlag& cancel);
  ~SourceInstance();
  SourceInstance(const SourceInstance&) = delete;
  SourceInstance& operator=(const SourceInstance&) = delete;

  const LoadedPlugin& plugin() const { return *plugin_; }
  const std::string& name() const { return plugin_->name(); }
  const HostServices& services() const { return *services_; }

  bool has_discover() const { return plugin_->source_api()->discover != nullptr; }
  CallResult discover(const etl_emitter* emitter);
  CallResult sync(std::string_view catalog_json, std::string_view state_json, const etl_emitter* emitter);
  /// ABI 1.2. ETL_E_NOT_IMPLEMENTED when the source has no check().
  CallResult check();
  /// ABI 1.2. Copies the identity JSON into *out; "" (and OK) when the source records none.
  CallResult identity(std::string* out);
  /// ABI 1.2. Copies the plan JSON into *out. ETL_E_NOT_IMPLEMENTED when the source has no plan().
  CallResult plan(std::string_view catalog_json, std::string_view state_json, std::string* out);

 private:
  std::shared_ptr<const LoadedPlugin> plugin_;  // declared first: released last
  std::unique_ptr<HostServices> services_;
  void* self_ = nullptr;
};

class SinkInstance {
 public:
  /// Calls create(). A refusal throws CreateRefused (exit 3) with the plugin's message.
  SinkInstance(std::shared_ptr<const LoadedPlugin> plugin, const std::string& config_json, Logger& logger,
               const CancelFlag& cancel);
  ~SinkInstance();
  SinkInstance(const SinkInstance&) = delete;
  SinkInstance& operator=(const SinkInstance&) = delete;

  const LoadedPlugin& plugin() const { return *plugin_; }
  const std::string& name() const { return plugin_->name(); }
  const HostServices& services() const { return *services_; }

  bool has_restore() const { return plugin_->sink_api()->restore != nullptr; }
  bool has_checkpoint() const { return plugin_->sink_api()->checkpoint != nullptr; }
  bool has_finish() const { return plugin_->sink_finish() != nullptr; }

  /// No-op (OK) when the sink has no restore.
  CallResult restore(std::string_view checkpoint_json);
  CallResult write(const etl_message* const* messages, size_t count);
  /// Copies the sink's checkpoint text into *out ("" when the sink has no checkpoint()).
  CallResult checkpoint(std::string* out);
  CallResult flush();
  /// ABI 1.1. ETL_E_NOT_IMPLEMENTED when the sink has no acknowledged() (flush is its ack).
  CallResult acknowledged(uint64_t* out_states);
  /// ABI 1.1. No-op (OK) when the sink has no finish().
  CallResult finish(bool aborted);
  /// ABI 1.2. Copies the identity JSON into *out; "" (and OK) when the sink records none.
  CallResult identity(std::string* out);
  bool has_reset() const { return plugin_->sink_reset() != nullptr; }
  /// ABI 1.2. ETL_E_NOT_IMPLEMENTED when the sink has no reset().
  CallResult reset();

 private:
  std::shared_ptr<const LoadedPlugin> plugin_;  // declared first: released last
  std::unique_ptr<HostServices> services_;
  void* self_ = nullptr;
};

}  // namespace etlhost
