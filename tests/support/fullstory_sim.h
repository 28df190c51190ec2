// fullstory_sim.h: the real fullstory-sim (plugins/fullstory/simulator) on 127.0.0.1 for one
// test, stopped after it; the ground truth it generates; test certificates; and a fullstory
// plugin config pointing at it. Shared by every test suite that talks to "FullStory".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "files.h"
#include "process.h"

namespace etltest {

/// The key the simulator accepts (passed to it through FULLSTORY_SIM_API_KEY, not argv).
/// Shaped like FullStory's (46 characters, '/' and '+' among them, which encoders change),
/// so a test of redaction sees what a real key looks like in every form.
inline constexpr const char* kApiKey = "na1.dGVzdC1rZXktbm90LXJlYWw/Zq8r2Vx+Lp4mW7sQ0c";

/// Test CA material from the simulator's make-test-certs.sh, made once per test binary.
struct TestCerts {
  std::string ca, server_cert, server_key, other_ca;
};
const TestCerts& test_certs();

class Simulator {
 public:
  /// `args`: the bundle/fault options; --port, --port-file and --api-key are added. `tls`
  /// serves HTTPS with the test certificate. `port` 0: any free one; a simulator restarted
  /// on an earlier one's port() has its base_url, so a state file's identity still matches.
  explicit Simulator(std::vector<std::string> args, bool tls = false, const std::string& host = "127.0.0.1",
                     int port = 0);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// http://127.0.0.1:PORT (or https://).
  const std::string& base_url() const { return base_url_; }
  int port() const { return port_; }
  /// GET /__sim/stats.
  nlohmann::json stats() const;
  /// The simulator's stderr so far (for failure messages).
  std::string log();
  /// Reads the simulator's stderr until it holds `needle` (true) or `timeout` passes (false).
  bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Every event the same options generate, one compact JSON text per event, in order.
  static std::vector<std::string> dump_events(const std::vector<std::string>& args);
  /// The records of a Segment Export of [start, end) ("" = unbounded) under the same
  /// options, one compact JSON text per record, byte for byte as FORMAT_JSON serves them.
  static std::vector<std::string> dump_segment_export(const std::vector<std::string>& args, const std::string& start,
                                                      const std::string& end, const std::string& type = "TYPE_EVENT",
                                                      const std::vector<std::string>& fields = {});
  /// Every object the metadata API serves for `stream` ("users", "block_rules_history", ...)
  /// under the same options, one compact JSON text each, in the order the API serves them.
  static std::vector<std::string> dump_metadata(const std::vector<std::string>& args, const std::string& stream);

 private:
  TempDir dir_;
  std::vector<std::string> args_;
  std::optional<etltest::Process> process_;
  int port_ = 0;
  std::string host_;
  std::string base_url_;
};

/// The config JSON for the plugin against `sim`, with fast test defaults (no pacing, 10 ms
/// backoff) and `extra` members merged over them.
std::string plugin_config(const Simulator& sim, const nlohmann::json& extra = nlohmann::json::object());

}  // namespace etltest
