#include "plugin_harness.h"

#include <dlfcn.h>

#include <cstring>
#include <stdexcept>

#include "host_config.h"

namespace fstest {

struct PluginHarness::Context {
  PluginHarness* harness;
  RunResult* result;
  std::mutex mutex;  // log and count may come from the plugin's own threads
  EmitHook hook;
};

namespace {

const char* level_name(int32_t level) {
  switch (level) {
    case ETL_LOG_ERROR: return "ERROR";
    case ETL_LOG_WARN: return "WARN";
    case ETL_LOG_INFO: return "INFO";
    default: return "DEBUG";
  }
}

void host_log(void* ctx, int32_t level, etl_str message) {
  auto* context = static_cast<PluginHarness::Context*>(ctx);
  const std::lock_guard lock(context->mutex);
  if (level == ETL_LOG_WARN && !context->result->records_at_first_warning) {
    context->result->records_at_first_warning = context->result->records().size();
  }
  context->result->logs.push_back(std::string(level_name(level)) + " " + std::string(message.data, message.size));
}

int32_t host_is_cancelled(void* ctx) {
  return static_cast<PluginHarness::Context*>(ctx)->harness->cancelled.load() ? 1 : 0;
}

void host_count(void* ctx, etl_str counter, int64_t delta) {
  auto* context = static_cast<PluginHarness::Context*>(ctx);
  const std::lock_guard lock(context->mutex);
  context->result->counters[std::string(counter.data, counter.size)] += delta;
}

etl_status host_emit(void* ctx, const etl_message* const* messages, size_t count, etl_error* err) {
  auto* context = static_cast<PluginHarness::Context*>(ctx);
  for (size_t i = 0; i < count; ++i) {
    const etl_message* m = messages[i];
    if (m->kind != ETL_MSG_SCHEMA && m->kind != ETL_MSG_RECORD && m->kind != ETL_MSG_STATE) {
      std::snprintf(err->message, sizeof err->message, "unknown message kind %u", m->kind);
      err->code = ETL_E_INVALID_DATA;
      return ETL_E_INVALID_DATA;
    }
    context->result->messages.push_back(Message{m->kind, std::string(m->stream.data, m->stream.size),
                                                std::string(m->json.data, m->json.size), m->time_extracted_ms});
  }
  if (context->harness->cancelled.load()) {
    std::snprintf(err->message, sizeof err->message, "stopped at the user's request");
    err->code = ETL_E_CANCELLED;
    return ETL_E_CANCELLED;
  }
  if (context->hook) {
    const etl_status status = context->hook(context->result->messages);
    if (status != ETL_OK) {
      std::snprintf(err->message, sizeof err->message, "the test hook refused the batch");
      err->code = status;
      return status;
    }
  }
  return ETL_OK;
}

etl_error fresh_error() {
  etl_error err;
  std::memset(&err, 0, sizeof err);
  err.struct_size = ETL_STRUCT_SIZE(etl_error);
  return err;
}

}  // namespace

std::vector<std::string> RunResult::records() const {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    if (m.kind == ETL_MSG_RECORD) out.push_back(m.json);
  }
  return out;
}

std::vector<std::string> RunResult::states() const {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    if (m.kind == ETL_MSG_STATE) out.push_back(m.json);
  }
  return out;
}

size_t RunResult::schema_count() const {
  size_t n = 0;
  for (const auto& m : messages) n += m.kind == ETL_MSG_SCHEMA ? 1 : 0;
  return n;
}

std::string RunResult::last_state() const {
  const auto all = states();
  return all.empty() ? "" : all.back();
}

std::string RunResult::everything() const {
  std::string text = error + "\n";
  for (const auto& m : messages) text += m.stream + " " + m.json + "\n";
  for (const auto& line : logs) text += line + "\n";
  return text;
}

std::string RunResult::describe() const {
  std::string text = "status " + std::to_string(status) + " detail " + std::to_string(detail) + ": " + error +
                     "\nrecords " + std::to_string(records().size()) + ", states " + std::to_string(states().size()) +
                     "\nlast log lines:\n";
  const size_t from = logs.size() > 12 ? logs.size() - 12 : 0;
  for (size_t i = from; i < logs.size(); ++i) text += "  " + logs[i] + "\n";
  return text;
}

PluginHarness::PluginHarness(const std::string& library_path) {
  library_ = dlopen(library_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library_ == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
  auto entry = reinterpret_cast<etl_plugin_entry_fn>(dlsym(library_, ETL_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) throw std::runtime_error("no etl_plugin_entry");
  etl_error err = fresh_error();
  if (entry(ETL_ABI_VERSION, &plugin_, &err) != ETL_OK) throw std::runtime_error(err.message);
}

PluginHarness::~PluginHarness() {
  if (library_ != nullptr) dlclose(library_);
}

RunResult PluginHarness::run(const std::string& config_json, bool enforce_required,
                             const std::function<etl_status(void*, const etl_emitter*, etl_error*)>& call, EmitHook hook) {
  const std::string built = etltest::host_config(*plugin_, config_json, enforce_required);
  RunResult result;
  Context context{this, &result, {}, std::move(hook)};
  const etl_host_api host{ETL_STRUCT_SIZE(etl_host_api), ETL_ABI_VERSION, &context, &host_log, &host_is_cancelled,
                          &host_count};
  const etl_emitter emitter{ETL_STRUCT_SIZE(etl_emitter), &context, &host_emit};
  void* self = nullptr;
  etl_error err = fresh_error();
  result.status = plugin_->source->create(&host, etl_str{built.data(), built.size()}, &self, &err);
  if (result.status == ETL_OK && call) {
    err = fresh_error();
    result.status = call(self, &emitter, &err);
  }
  if (result.status != ETL_OK) {
    result.error = err.message;
    result.detail = err.detail;
  }
  if (self != nullptr) plugin_->source->destroy(self);
  return result;
}

RunResult PluginHarness::create_only(const std::string& config_json) { return run(config_json, true, nullptr, nullptr); }

RunResult PluginHarness::discover(const std::string& config_json) {
  return run(
      config_json, false,
      [this](void* self, const etl_emitter* emitter, etl_error* err) { return plugin_->source->discover(self, emitter, err); },
      nullptr);
}

RunResult PluginHarness::sync(const std::string& config_json, const std::string& state_json,
                              const std::string& catalog_json, EmitHook hook) {
  return run(
      config_json, true,
      [&](void* self, const etl_emitter* emitter, etl_error* err) {
        return plugin_->source->sync(self, etl_str{catalog_json.data(), catalog_json.size()},
                                     etl_str{state_json.data(), state_json.size()}, emitter, err);
      },
      std::move(hook));
}

}  // namespace fstest
