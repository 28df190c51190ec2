#include "sink_driver.h"

#include <dlfcn.h>

#include <doctest/doctest.h>

#include "host_config.h"

namespace csv_test {
namespace {

Status status_of(etl_status code, const etl_error& err) {
  return Status{code, code == ETL_OK ? std::string() : std::string(err.message)};
}

etl_error fresh_error() {
  etl_error err{};
  err.struct_size = ETL_STRUCT_SIZE(etl_error);
  return err;
}

void log_into(void* host_ctx, int32_t level, etl_str message) {
  static const char* const kLevels[] = {"?", "ERROR", "WARN", "INFO", "DEBUG"};
  auto* lines = static_cast<std::vector<std::string>*>(host_ctx);
  lines->push_back(std::string(kLevels[level >= 1 && level <= 4 ? level : 0]) + " " +
                   std::string(message.data, message.size));
}

int32_t never_cancelled(void*) { return 0; }
void ignore_count(void*, etl_str, int64_t) {}

const etl_sink_api& api() { return *csv_plugin().sink; }

}  // namespace

const etl_plugin& csv_plugin() {
  static const etl_plugin* plugin = [] {
    void* library = dlopen(ETL_CSV_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    REQUIRE_MESSAGE(library != nullptr, dlerror());
    auto entry = reinterpret_cast<etl_plugin_entry_fn>(dlsym(library, ETL_PLUGIN_ENTRY_SYMBOL));
    REQUIRE_MESSAGE(static_cast<bool>(entry), "etl-csv.so exports no " ETL_PLUGIN_ENTRY_SYMBOL);
    const etl_plugin* loaded = nullptr;
    etl_error err = fresh_error();
    REQUIRE(entry(ETL_ABI_VERSION, &loaded, &err) == ETL_OK);
    REQUIRE(loaded->kind == ETL_KIND_SINK);
    REQUIRE(loaded->sink != nullptr);
    return loaded;  // never dlclosed: the process ends first
  }();
  return *plugin;
}

Message schema(std::string stream, std::string message_json) {
  return Message{ETL_MSG_SCHEMA, std::move(stream), std::move(message_json)};
}

Message schema_of(std::string stream, const std::vector<std::string>& properties, bool additional_properties) {
  std::string json = R"({"schema":{"type":"object","properties":{)";
  for (size_t i = 0; i < properties.size(); ++i) {
    json += (i == 0 ? "\"" : ",\"") + properties[i] + R"(":{"type":["null","string"]})";
  }
  json += "}";
  if (!additional_properties) json += R"(,"additionalProperties":false)";
  json += R"(},"key_properties":[]})";
  return schema(std::move(stream), std::move(json));
}

Message record(std::string stream, std::string json) {
  return Message{ETL_MSG_RECORD, std::move(stream), std::move(json)};
}

Message state(std::string json) { return Message{ETL_MSG_STATE, std::string(), std::move(json)}; }

Sink::Sink(const std::string& config_json) {
  host_.struct_size = ETL_STRUCT_SIZE(etl_host_api);
  host_.abi_version = ETL_ABI_VERSION;
  host_.host_ctx = &logs_;
  host_.log = log_into;
  host_.is_cancelled = never_cancelled;
  host_.count = ignore_count;
  const std::string built = etltest::host_config(csv_plugin(), config_json);
  etl_error err = fresh_error();
  const etl_status code = api().create(&host_, etl_str{built.data(), built.size()}, &self_, &err);
  REQUIRE_MESSAGE(code == ETL_OK, err.message);
}

std::string Sink::config_for(const std::string& dir, const std::string& extra) {
  return R"({"output_dir":")" + dir + R"(","fsync":false)" + (extra.empty() ? "" : "," + extra) + "}";
}

Status Sink::try_create(const std::string& config_json) {
  etl_host_api host{};
  host.struct_size = ETL_STRUCT_SIZE(etl_host_api);
  host.abi_version = ETL_ABI_VERSION;
  void* self = nullptr;
  const std::string built = etltest::host_config(csv_plugin(), config_json);
  etl_error err = fresh_error();
  const etl_status code = api().create(&host, etl_str{built.data(), built.size()}, &self, &err);
  if (code == ETL_OK) api().destroy(self);
  return status_of(code, err);
}

Sink::~Sink() {
  if (self_ != nullptr) api().destroy(self_);
}

Status Sink::restore(std::string_view checkpoint) {
  etl_error err = fresh_error();
  return status_of(api().restore(self_, etl_str{checkpoint.data(), checkpoint.size()}, &err), err);
}

Status Sink::write(const std::vector<Message>& messages) {
  std::vector<etl_message> filled(messages.size());
  std::vector<const etl_message*> pointers(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    const Message& m = messages[i];
    filled[i] = etl_message{ETL_STRUCT_SIZE(etl_message), m.kind, etl_str{m.stream.data(), m.stream.size()},
                            etl_str{m.json.data(), m.json.size()}, 0};
    pointers[i] = &filled[i];
  }
  etl_error err = fresh_error();
  return status_of(api().write(self_, pointers.data(), pointers.size(), &err), err);
}

Status Sink::flush() {
  etl_error err = fresh_error();
  return status_of(api().flush(self_, &err), err);
}

std::string Sink::checkpoint() {
  etl_error err = fresh_error();
  etl_str out{};
  const etl_status code = api().checkpoint(self_, &out, &err);
  REQUIRE_MESSAGE(code == ETL_OK, err.message);
  return std::string(out.data, out.size);
}

bool Sink::logged(std::string_view level, std::string_view fragment) const {
  for (const auto& line : logs_) {
    if (line.starts_with(level) && line.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace csv_test
