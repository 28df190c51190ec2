// The csv tests' view of the sink: the shared in-process driver (tests/support/plugin_driver.h)
// on the built etl-csv.so, with the config and message shapes these tests use, and temp
// files: each test works in its own temporary directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "files.h"
#include "plugin_driver.h"

namespace csv_test {

using etltest::file_exists;
using etltest::list_dir;
using etltest::Message;
using etltest::read_file;
using etltest::record;
using etltest::schema;
using etltest::state;
using etltest::TempDir;
using etltest::write_file;

/// The outcome of one call: the status and the error message the plugin wrote.
struct Status {
  etl_status code = ETL_OK;
  std::string message;
  bool ok() const { return code == ETL_OK; }
};

/// The loaded plugin's descriptor, once per process.
const etl_plugin& csv_plugin();

/// A SCHEMA message whose schema lists `properties` (each typed as a string), in order.
Message schema_of(std::string stream, const std::vector<std::string>& properties, bool additional_properties = true);

/// One instance of the built etl-csv.so, created with `config_json` through the host's
/// config builder (a refusal throws, failing the test with the message).
class Sink {
 public:
  explicit Sink(const std::string& config_json) : driver_(ETL_CSV_PLUGIN_PATH, config_json) {}
  /// A config with output_dir set to `dir` and fsync off (tests need no durability),
  /// plus `extra` members (e.g. R"("delimiter":";")").
  static std::string config_for(const std::string& dir, const std::string& extra = "");
  /// create() without keeping the instance: for config validation tests.
  static Status try_create(const std::string& config_json);

  Status restore(std::string_view checkpoint = {});
  Status write(const std::vector<Message>& messages);
  Status flush();
  Status reset();
  bool has_reset() const { return driver_.has_reset(); }
  /// FAILs the test unless identity() succeeds.
  std::string identity();
  /// FAILs the test unless checkpoint() succeeds.
  std::string checkpoint();

  /// Log lines the plugin wrote, each "<LEVEL> <message>" (WARN, INFO, ...).
  std::vector<std::string> logs() const { return driver_.logs(); }
  bool logged(std::string_view level, std::string_view fragment) const { return driver_.logged(level, fragment); }

 private:
  etltest::SinkDriver driver_;
};

/// A sink on `dir` restored with `checkpoint`, given `messages`, then flushed; REQUIREs
/// every step to succeed and returns the checkpoint taken after the messages.
std::string run_sink(const std::string& dir, const std::vector<Message>& messages, const std::string& checkpoint = "",
                     const std::string& extra_config = "");

}  // namespace csv_test
