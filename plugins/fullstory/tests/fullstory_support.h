// fullstory_support.h: the plugin-level tests' driver (the shared in-process one on the
// built etl-fullstory.so) and their shared checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "files.h"
#include "fullstory_sim.h"
#include "plugin_driver.h"
#include "text.h"

namespace fstest {

using etltest::contains;
using etltest::kApiKey;
using etltest::Message;
using etltest::plugin_config;
using etltest::read_file;
using etltest::RunResult;
using etltest::Simulator;
using etltest::TempDir;
using etltest::test_certs;

/// The built etl-fullstory.so, driven in process as the host drives it.
class PluginHarness : public etltest::SourceDriver {
 public:
  PluginHarness() : SourceDriver(ETL_FULLSTORY_PLUGIN_PATH) {}
};

/// The simulator's bundle i (0-based) with default --first-start and --bundle-period.
inline int64_t bundle_id(int i) { return 9'007'199'254'740'993 + int64_t{i} * 1000; }
inline int64_t bundle_stop(int i) { return 1'700'006'400 + int64_t{i + 1} * 86'400; }

/// plugin.sync(...), required to succeed.
RunResult sync_ok(PluginHarness& plugin, const std::string& config_json, const std::string& state_json = "",
                  const std::string& catalog_json = "");

/// `record` without the key the plugin splices in first ({"event_id":"<bundle>:<position>",
/// ...}), which goes to *id: FullStory's own text, byte for byte. Fails the test when the
/// record does not start with the key.
std::string without_event_id(const std::string& record, std::string* id = nullptr);

/// Checks `got` equals `expected` event for event: same count, each record's key well formed
/// and unique, and each pair (key left out) equal as parsed JSON (exact int64s) and byte for
/// byte (the plugin forwards FullStory's text).
void check_same_events(const std::vector<std::string>& got, const std::vector<std::string>& expected);

/// Checks the API key appears nowhere in what the plugin produced.
void check_no_key(const RunResult& result);

/// `events` sliced [from, to).
std::vector<std::string> slice(const std::vector<std::string>& events, size_t from, size_t to);

}  // namespace fstest
