#include "csv_support.h"

#include <doctest/doctest.h>

namespace csv_test {
namespace {

Status status_of(const etltest::CallResult& result) { return Status{result.status, result.message}; }

}  // namespace

const etl_plugin& csv_plugin() { return *etltest::load_plugin(ETL_CSV_PLUGIN_PATH)->descriptor(); }

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

std::string Sink::config_for(const std::string& dir, const std::string& extra) {
  return R"({"output_dir":")" + dir + R"(","fsync":false)" + (extra.empty() ? "" : "," + extra) + "}";
}

Status Sink::try_create(const std::string& config_json) {
  return status_of(etltest::SinkDriver::try_create(ETL_CSV_PLUGIN_PATH, config_json));
}

Status Sink::restore(std::string_view checkpoint) { return status_of(driver_.restore(checkpoint)); }

Status Sink::write(const std::vector<Message>& messages) { return status_of(driver_.write(messages)); }

Status Sink::flush() { return status_of(driver_.flush()); }

Status Sink::reset() { return status_of(driver_.reset()); }

std::string Sink::identity() {
  std::string out;
  const Status status = status_of(driver_.identity(&out));
  REQUIRE_MESSAGE(status.ok(), status.message);
  return out;
}

std::string Sink::checkpoint() {
  std::string out;
  const etltest::CallResult result = driver_.checkpoint(&out);
  REQUIRE_MESSAGE(result.ok(), result.message);
  return out;
}

std::string run_sink(const std::string& dir, const std::vector<Message>& messages, const std::string& checkpoint,
                     const std::string& extra_config) {
  Sink sink(Sink::config_for(dir, extra_config));
  const Status restored = sink.restore(checkpoint);
  REQUIRE_MESSAGE(restored.ok(), restored.message);
  const Status written = sink.write(messages);
  REQUIRE_MESSAGE(written.ok(), written.message);
  std::string after = sink.checkpoint();
  const Status flushed = sink.flush();
  REQUIRE_MESSAGE(flushed.ok(), flushed.message);
  return after;
}

}  // namespace csv_test
