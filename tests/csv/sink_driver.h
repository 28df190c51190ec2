// Drives the built etl-csv.so exactly as the host does: dlopen, etl_plugin_entry, the host's
// config layering, then create -> restore -> write / checkpoint / flush -> [restore] ->
// destroy on one instance.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "etlhost/plugin.h"

namespace csv_test {

/// The outcome of one call: the status and the error message the plugin wrote.
struct Status {
  etl_status code = ETL_OK;
  std::string message;
  bool ok() const { return code == ETL_OK; }
};

/// The loaded plugin, once per process.
const etl_plugin& csv_plugin();

struct Message {
  uint32_t kind;
  std::string stream;
  std::string json;
};
Message schema(std::string stream, std::string message_json);
/// A SCHEMA message whose schema lists `properties` (each typed as a string), in order.
Message schema_of(std::string stream, const std::vector<std::string>& properties, bool additional_properties = true);
Message record(std::string stream, std::string json);
Message state(std::string json);

class Sink {
 public:
  /// Creates an instance; FAILs the test when create() fails. `config_json` is the user's
  /// config: the host's config builder validates it and fills the defaults, as in a run.
  explicit Sink(const std::string& config_json);
  /// A config with output_dir set to `dir` and fsync off (tests need no durability),
  /// plus `extra` members (e.g. R"("delimiter":";")").
  static std::string config_for(const std::string& dir, const std::string& extra = "");
  /// create() without keeping the instance: for config validation tests.
  static Status try_create(const std::string& config_json);
  ~Sink();
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  Status restore(std::string_view checkpoint = {});
  Status write(const std::vector<Message>& messages);
  Status flush();
  /// FAILs the test unless checkpoint() succeeds.
  std::string checkpoint();

  /// Log lines the plugin wrote, each "<LEVEL> <message>" (WARN, INFO, ...).
  const std::vector<std::string>& logs() const { return logs_; }
  bool logged(std::string_view level, std::string_view fragment) const;

 private:
  etl_host_api host_{};
  void* self_ = nullptr;
  std::vector<std::string> logs_;
};

}  // namespace csv_test
