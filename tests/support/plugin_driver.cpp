#include "plugin_driver.h"

#include <csignal>
#include <cstdio>
#include <map>

#include "config_builder.h"
#include "files.h"
#include "host_error.h"

namespace etltest {
namespace {

etl_str to_str(const std::string& text) { return etl_str{text.data(), text.size()}; }

etl_message to_etl(const Message& m) {
  return etl_message{ETL_STRUCT_SIZE(etl_message), m.kind, to_str(m.stream), to_str(m.json), m.time_extracted_ms};
}

// The plugin's own outcome of a refused create(), or the host's refusal of the config, as
// the host reports it: ETL_E_INVALID_ARGUMENT with the builder's message.
template <class Create>
CallResult outcome_of_create(Create&& create) {
  try {
    create();
    return {};
  } catch (const etlhost::CreateRefused& refused) {
    return refused.result();
  } catch (const etlhost::HostError& error) {
    return CallResult{ETL_E_INVALID_ARGUMENT, error.what(), 0};
  }
}

}  // namespace

std::shared_ptr<const etlhost::LoadedPlugin> load_plugin(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const etlhost::LoadedPlugin>> loaded;
  const std::lock_guard lock(mutex);
  auto& plugin = loaded[path];
  if (!plugin) plugin = etlhost::LoadedPlugin::load(path, "");
  return plugin;
}

std::string build_config(const etlhost::LoadedPlugin& plugin, const std::string& config_json, bool enforce_required) {
  TempDir dir;
  etlhost::ConfigInputs inputs;
  inputs.plugin_name = plugin.name();
  inputs.file_option = "--config";
  inputs.file_paths = {dir / "config.json"};
  inputs.enforce_required = enforce_required;
  write_file(inputs.file_paths.front(), config_json);
  const auto no_env = [](const std::string&) { return std::optional<std::string>(); };
  return etlhost::build_config(plugin.config_fields(), inputs, no_env).json_text;
}

Message schema(std::string stream, std::string message_json) {
  return Message{ETL_MSG_SCHEMA, std::move(stream), std::move(message_json)};
}
Message record(std::string stream, std::string json) {
  return Message{ETL_MSG_RECORD, std::move(stream), std::move(json)};
}
Message state(std::string json) { return Message{ETL_MSG_STATE, std::string(), std::move(json)}; }

// ---- LogCapture ----------------------------------------------------------------------------

LogCapture::LogCapture(std::function<void(const std::string& line)> on_line)
    : on_line_(std::move(on_line)),
      logger_(etlhost::LogLevel::kDebug, [this](std::string_view formatted) { take(formatted); }) {}

std::vector<std::string> LogCapture::lines() const {
  const std::lock_guard lock(mutex_);
  return lines_;
}

// The Logger's line is "<timestamp> <LEVEL> [<plugin>] <message>\n" (logger.h); the tests
// want "LEVEL message".
void LogCapture::take(std::string_view formatted) {
  const size_t level_at = formatted.find(' ') + 1;
  const size_t level_end = formatted.find(' ', level_at);
  const size_t message_at = formatted.find("] ", level_end) + 2;
  std::string line(formatted.substr(level_at, level_end - level_at));
  line += ' ';
  line += formatted.substr(message_at);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  if (on_line_) on_line_(line);
  const std::lock_guard lock(mutex_);
  lines_.push_back(std::move(line));
}

// ---- SinkDriver ----------------------------------------------------------------------------

SinkDriver::SinkDriver(const std::string& library, const std::string& config_json)
    : SinkDriver(load_plugin(library), config_json) {}

SinkDriver::SinkDriver(const std::shared_ptr<const etlhost::LoadedPlugin>& plugin, const std::string& config_json)
    : instance_(plugin, build_config(*plugin, config_json), logs_.logger(), cancel_) {}

CallResult SinkDriver::try_create(const std::string& library, const std::string& config_json) {
  return outcome_of_create([&] { SinkDriver created(library, config_json); });
}

CallResult SinkDriver::restore(std::string_view checkpoint) { return instance_.restore(checkpoint); }

CallResult SinkDriver::write(const std::vector<Message>& messages) {
  std::vector<etl_message> filled;
  std::vector<const etl_message*> pointers;
  filled.reserve(messages.size());
  for (const Message& m : messages) filled.push_back(to_etl(m));
  for (const etl_message& m : filled) pointers.push_back(&m);
  return write(pointers.data(), pointers.size());
}

CallResult SinkDriver::write(const etl_message* const* messages, size_t count) {
  return instance_.write(messages, count);
}

CallResult SinkDriver::checkpoint(std::string* out) { return instance_.checkpoint(out); }

CallResult SinkDriver::flush() { return instance_.flush(); }

bool SinkDriver::logged(std::string_view level, std::string_view fragment) const {
  for (const auto& line : logs()) {
    if (line.starts_with(level) && line.find(fragment) != std::string::npos) return true;
  }
  return false;
}

// ---- RunResult -----------------------------------------------------------------------------

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

// ---- SourceDriver --------------------------------------------------------------------------

// The host side of one run: the emitter's context. Messages and the first-warning mark are
// written by emit() and by log lines, which may come from the plugin's own threads.
struct SourceDriver::Run {
  const SourceDriver* driver;
  RunResult* result;
  EmitHook hook;
  std::mutex mutex;

  static etl_status emit(void* ctx, const etl_message* const* messages, size_t count, etl_error* err) noexcept;
  void on_log(const std::string& line);
  size_t records_so_far() const;
};

size_t SourceDriver::Run::records_so_far() const {
  size_t n = 0;
  for (const auto& m : result->messages) n += m.kind == ETL_MSG_RECORD ? 1 : 0;
  return n;
}

void SourceDriver::Run::on_log(const std::string& line) {
  const std::lock_guard lock(mutex);
  if (line.starts_with("WARN ") && !result->records_at_first_warning) {
    result->records_at_first_warning = records_so_far();
  }
}

etl_status SourceDriver::Run::emit(void* ctx, const etl_message* const* messages, size_t count,
                                   etl_error* err) noexcept {
  auto* run = static_cast<Run*>(ctx);
  std::unique_lock lock(run->mutex);
  for (size_t i = 0; i < count; ++i) {
    const etl_message* m = messages[i];
    if (m->kind != ETL_MSG_SCHEMA && m->kind != ETL_MSG_RECORD && m->kind != ETL_MSG_STATE) {
      std::snprintf(err->message, sizeof err->message, "unknown message kind %u", m->kind);
      err->code = ETL_E_INVALID_DATA;
      return ETL_E_INVALID_DATA;
    }
    run->result->messages.push_back(Message{m->kind, std::string(m->stream.data, m->stream.size),
                                            std::string(m->json.data, m->json.size), m->time_extracted_ms});
  }
  if (run->driver->cancelled()) {
    std::snprintf(err->message, sizeof err->message, "stopped at the user's request");
    err->code = ETL_E_CANCELLED;
    return ETL_E_CANCELLED;
  }
  lock.unlock();  // the hook reads the messages and may take its time
  if (run->hook) {
    const etl_status status = run->hook(run->result->messages);
    if (status != ETL_OK) {
      std::snprintf(err->message, sizeof err->message, "the test hook refused the batch");
      err->code = status;
      return status;
    }
  }
  return ETL_OK;
}

SourceDriver::SourceDriver(const std::string& library) : plugin_(load_plugin(library)) {}

void SourceDriver::cancel() { cancel_.request(SIGINT); }

RunResult SourceDriver::run(const std::string& config_json, const Call& call, EmitHook hook, bool enforce_required) {
  RunResult result;
  Run context{this, &result, std::move(hook), {}};
  LogCapture logs([&context](const std::string& line) { context.on_log(line); });
  const etl_emitter emitter{ETL_STRUCT_SIZE(etl_emitter), &context, &Run::emit};
  CallResult outcome;
  const CallResult created = outcome_of_create([&] {
    etlhost::SourceInstance instance(plugin_, build_config(*plugin_, config_json, enforce_required), logs.logger(),
                                     cancel_);
    if (call) outcome = call(instance, &emitter);
    for (const auto& [name, value] : instance.services().counters()) result.counters[name] = value;
  });
  if (!created.ok()) outcome = created;
  result.status = outcome.status;
  result.detail = outcome.detail;
  result.error = outcome.message;
  result.logs = logs.lines();  // after destroy(), which may log too
  return result;
}

RunResult SourceDriver::create_only(const std::string& config_json) { return run(config_json, nullptr, nullptr); }

RunResult SourceDriver::discover(const std::string& config_json) {
  // Required keys are not enforced for discover, as in the host (plugin.h).
  return run(
      config_json,
      [](etlhost::SourceInstance& instance, const etl_emitter* emitter) { return instance.discover(emitter); }, nullptr,
      /*enforce_required=*/false);
}

RunResult SourceDriver::sync(const std::string& config_json, const std::string& state_json,
                             const std::string& catalog_json, EmitHook hook) {
  return run(
      config_json,
      [&](etlhost::SourceInstance& instance, const etl_emitter* emitter) {
        return instance.sync(catalog_json, state_json, emitter);
      },
      std::move(hook));
}

}  // namespace etltest
