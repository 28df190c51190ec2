#include "plugin_instance.h"

#include "etlhost/plugin.hpp"
#include "exit_codes.h"
#include "exit_guard.h"
#include "host_error.h"
#include "text_util.h"

namespace etlhost {

std::string CallResult::describe() const {
  std::string text = message + " (" + status_name(status);
  if (detail != 0) text += ", detail " + std::to_string(detail);
  return text + ")";
}

namespace {

// A fresh host-owned error buffer for one call (plugin.h, section 6).
struct ErrorBuffer {
  etl_error error{};
  ErrorBuffer() { error.struct_size = ETL_STRUCT_SIZE(etl_error); }

  CallResult result(etl_status status) {
    CallResult out;
    out.status = normalize_status(status);
    if (status == ETL_OK) return out;
    error.message[ETL_ERROR_MESSAGE_CAPACITY - 1] = '\0';  // never trust the terminator
    out.message = error.message[0] != '\0' ? error.message : "(no message)";
    out.detail = error.detail;
    return out;
  }
};

etl_str to_str(std::string_view text) { return etl_str{text.empty() ? nullptr : text.data(), text.size()}; }

template <class Api>
void* create_instance(const Api* api, const LoadedPlugin& plugin, const HostServices& services,
                      const std::string& config_json) {
  ErrorBuffer buffer;
  void* self = nullptr;
  const PluginCallScope scope(plugin.name(), "create()");
  const etl_status status = api->create(services.api(), to_str(config_json), &self, &buffer.error);
  if (status != ETL_OK) {
    const CallResult result = buffer.result(status);
    throw CreateRefused(
        std::string(kind_name(plugin.kind())) + " '" + plugin.name() + "' refused its config: " + result.describe(),
        result);
  }
  if (self == nullptr) {
    throw HostError(exit_code::kPluginLoad, "plugin '" + plugin.name() + "' (" + plugin.path() +
                                                ") returned ETL_OK from create() but no instance");
  }
  return self;
}

// Copies the text a callback returned through an out-parameter (owned by the plugin, valid
// only until its next call) into *out, after checking it.
CallResult take_text(ErrorBuffer& buffer, etl_status status, etl_str text, const char* callback, std::string* out) {
  if (status != ETL_OK) return buffer.result(status);
  if (text.data == nullptr && text.size > 0) {
    return CallResult{ETL_E_INTERNAL,
                      std::string(callback) + " returned a NULL text of size " + std::to_string(text.size), 0};
  }
  out->assign(etl::view(text));
  return {};
}

// A 1.2 identity() callback: "" and OK when there is none or it answers ETL_E_NOT_IMPLEMENTED.
template <class Fn>
CallResult call_identity(Fn callback, void* self, const std::string& plugin_name, std::string* out) {
  out->clear();
  if (callback == nullptr) return {};
  ErrorBuffer buffer;
  etl_str text{nullptr, 0};
  etl_status status = ETL_OK;
  {
    const PluginCallScope scope(plugin_name, "identity()");
    status = callback(self, &text, &buffer.error);
  }
  if (status == ETL_E_NOT_IMPLEMENTED) return {};
  return take_text(buffer, status, text, "identity()", out);
}

// An optional callback that takes only (self, err): ETL_E_NOT_IMPLEMENTED when absent.
template <class Fn>
CallResult call_optional(Fn callback, void* self, const std::string& plugin_name, const char* name,
                         const char* absent) {
  if (callback == nullptr) return CallResult{ETL_E_NOT_IMPLEMENTED, absent, 0};
  ErrorBuffer buffer;
  const PluginCallScope scope(plugin_name, name);
  return buffer.result(callback(self, &buffer.error));
}

}  // namespace

SourceInstance::SourceInstance(std::shared_ptr<const LoadedPlugin> plugin, const std::string& config_json,
                               Logger& logger, const CancelFlag& cancel)
    : plugin_(std::move(plugin)), services_(std::make_unique<HostServices>(plugin_->name(), logger, cancel)) {
  self_ = create_instance(plugin_->source_api(), *plugin_, *services_, config_json);
}

SourceInstance::~SourceInstance() {
  if (self_ == nullptr) return;
  const PluginCallScope scope(plugin_->name(), "destroy()");
  plugin_->source_api()->destroy(self_);
}

CallResult SourceInstance::discover(const etl_emitter* emitter) {
  if (!has_discover()) return CallResult{ETL_E_NOT_IMPLEMENTED, "the source has no discover()", 0};
  ErrorBuffer buffer;
  const PluginCallScope scope(plugin_->name(), "discover()");
  return buffer.result(plugin_->source_api()->discover(self_, emitter, &buffer.error));
}

CallResult SourceInstance::sync(std::string_view catalog_json, std::string_view state_json,
                                const etl_emitter* emitter) {
  ErrorBuffer buffer;
  const PluginCallScope scope(plugin_->name(), "sync()");
  return buffer.result(
      plugin_->source_api()->sync(self_, to_str(catalog_json), to_str(state_json), emitter, &buffer.error));
}

CallResult SourceInstance::check() {
  return call_optional(plugin_->source_check(), self_, plugin_->name(), "check()", "the source has no check()");
}

CallResult SourceInstance::identity(std::string* out) {
  return call_identity(plugin_->source_identity(), self_, plugin_->name(), out);
}

CallResult SourceInstance::plan(std::string_view catalog_json, std::string_view state_json, std::string* out) {
  out->clear();
  const SourcePlanFn callback = plugin_->source_plan();
  if (callback == nullptr) return CallResult{ETL_E_NOT_IMPLEMENTED, "the source has no plan()", 0};
  ErrorBuffer buffer;
  etl_str text{nullptr, 0};
  etl_status status = ETL_OK;
  {
    const PluginCallScope scope(plugin_->name(), "plan()");
    status = callback(self_, to_str(catalog_json), to_str(state_json), &text, &buffer.error);
  }
  return take_text(buffer, status, text, "plan()", out);
}

SinkInstance::SinkInstance(std::shared_ptr<const LoadedPlugin> plugin, const std::string& config_json, Logger& logger,
                           const CancelFlag& cancel)
    : plugin_(std::move(plugin)), services_(std::make_unique<HostServices>(plugin_->name(), logger, cancel)) {
  self_ = create_instance(plugin_->sink_api(), *plugin_, *services_, config_json);
}

SinkInstance::~SinkInstance() {
  if (self_ == nullptr) return;
  const PluginCallScope scope(plugin_->name(), "destroy()");
  plugin_->sink_api()->destroy(self_);
}

CallResult SinkInstance::restore(std::string_view checkpoint_json) {
  if (!has_restore()) return {};
  ErrorBuffer buffer;
  const PluginCallScope scope(plugin_->name(), "restore()");
  return buffer.result(plugin_->sink_api()->restore(self_, to_str(checkpoint_json), &buffer.error));
}

CallResult SinkInstance::write(const etl_message* const* messages, size_t count) {
  ErrorBuffer buffer;
  const PluginCallScope scope(plugin_->name(), "write()");
  return buffer.result(plugin_->sink_api()->write(self_, messages, count, &buffer.error));
}

CallResult SinkInstance::checkpoint(std::string* out) {
  out->clear();
  if (!has_checkpoint()) return {};
  ErrorBuffer buffer;
  etl_str text{nullptr, 0};
  etl_status status = ETL_OK;
  {
    const PluginCallScope scope(plugin_->name(), "checkpoint()");
    status = plugin_->sink_api()->checkpoint(self_, &text, &buffer.error);
  }
  return take_text(buffer, status, text, "checkpoint()", out);  // the sink may reuse its buffer after this call
}

CallResult SinkInstance::flush() {
  ErrorBuffer buffer;
  const PluginCallScope scope(plugin_->name(), "flush()");
  return buffer.result(plugin_->sink_api()->flush(self_, &buffer.error));
}

CallResult SinkInstance::acknowledged(uint64_t* out_states) {
  *out_states = 0;
  const SinkAcknowledgedFn callback = plugin_->sink_acknowledged();
  if (callback == nullptr) return CallResult{ETL_E_NOT_IMPLEMENTED, "the sink has no acknowledged()", 0};
  ErrorBuffer buffer;
  const PluginCallScope scope(plugin_->name(), "acknowledged()");
  return buffer.result(callback(self_, out_states, &buffer.error));
}

CallResult SinkInstance::finish(bool aborted) {
  const SinkFinishFn callback = plugin_->sink_finish();
  if (callback == nullptr) return {};
  ErrorBuffer buffer;
  const PluginCallScope scope(plugin_->name(), "finish()");
  return buffer.result(callback(self_, aborted ? ETL_FINISH_ABORTED : 0u, &buffer.error));
}

CallResult SinkInstance::identity(std::string* out) {
  return call_identity(plugin_->sink_identity(), self_, plugin_->name(), out);
}

CallResult SinkInstance::reset() {
  return call_optional(plugin_->sink_reset(), self_, plugin_->name(), "reset()", "the sink has no reset()");
}

}  // namespace etlhost
