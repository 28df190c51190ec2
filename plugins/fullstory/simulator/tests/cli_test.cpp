// The command line, offline modes, logging and shutdown.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include "http_support.h"
#include "sim_process.h"

using namespace simtest;

TEST_CASE("--help documents every flag") {
  const ProcessResult help = run_sim({"--help"});
  CHECK(help.exit_code == 0);
  for (const char* flag : {"--host",
                           "--port",
                           "--port-file",
                           "--api-key",
                           "--tls-cert",
                           "--tls-key",
                           "--bundles",
                           "--bundle-period",
                           "--first-start",
                           "--events-per-bundle",
                           "--seed",
                           "--gzip",
                           "--rate-limit",
                           "--rate-window",
                           "--rate-limit-body",
                           "--retry-after-format",
                           "--fault",
                           "--stall-seconds",
                           "--list-page-size",
                           "--list-lie",
                           "--reflect-auth",
                           "--huge-event-bytes",
                           "--deep-event-depth",
                           "--slow-body-bytes-per-second",
                           "--cache-dir",
                           "--write-bundle",
                           "--dump-events",
                           "--dump-bundles",
                           "--verbose",
                           "--segment",
                           "--prepare-ms",
                           "--export-ttl-seconds",
                           "--location-ttl-seconds",
                           "--api-rate-limit",
                           "--api-rate-window",
                           "--max-pending-exports",
                           "--dump-segment-export",
                           "--export-start",
                           "--export-end",
                           "--export-type",
                           "--export-fields",
                           "FULLSTORY_SIM_API_KEY"}) {
    CAPTURE(flag);
    CHECK(help.out.find(flag) != std::string::npos);
  }
}

TEST_CASE("bad flags exit 2 with a message naming the flag, the expectation and the value") {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> message_parts;
  };
  const std::vector<Case> cases{
      {{"--bogus"}, {"--bogus"}},
      {{"--port", "99999"}, {"--port", "[0, 65535]", "'99999'"}},
      {{"--gzip", "brotli"}, {"--gzip", "negotiate|payload|encoding|none", "'brotli'"}},
      {{"--fault", "get:418"}, {"--fault", "KIND", "'418'"}},
      {{"--fault", "list:500@5"}, {"--fault", "@BUNDLE_ID"}},
      {{"--fault", "get:500:0"}, {"--fault", "COUNT", "'0'"}},
      {{"--events-per-bundle", "1,2"}, {"--events-per-bundle", "3", "got 2"}},
      {{"--tls-cert", "x.pem", "--api-key", "k"}, {"--tls-key"}},
      {{"--cache-dir", "/tmp/x", "--gzip", "none", "--api-key", "k"}, {"--cache-dir", "none"}},
      {{"--write-bundle", "42", "-"}, {"--write-bundle", "9007199254740993", "42"}},
      {{"--seed"}, {"--seed", "nothing"}},
      {{"--verbose=yes"}, {"--verbose", "'yes'"}},
      {{"--list-lie", "fib"}, {"--list-lie", "newest-first", "'fib'"}},
      {{"--reflect-auth", "put:verbatim"}, {"--reflect-auth", "[list:|get:]MODE", "json-escaped", "'put:verbatim'"}},
      {{"--list-page-size", "21"}, {"--list-page-size", "[1, 20]", "'21'"}},
      {{"--dump-events", "-", "--dump-bundles", "-"}, {"only one"}},
      {{"--prepare-ms", "soon"}, {"--prepare-ms", "[0, 86400000]", "'soon'"}},
      {{"--api-rate-window", "0"}, {"--api-rate-window", "'0'"}},
      {{"--fault", "results:expired@x"}, {"--fault", "@START", "'x'"}},
      {{"--dump-segment-export", "-", "--export-start", "yesterday"},
       {"--export-start", "timeRange.start", "'yesterday'"}},
      {{"--dump-segment-export", "-", "--export-type", "TYPE_PAGE"},
       {"--export-type", "TYPE_INDIVIDUAL", "'TYPE_PAGE'"}},
      {{"--dump-segment-export", "-", "--export-fields", "EventStart,Nope"}, {"--export-fields", "'Nope'"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args[0]);
    const ProcessResult result = run_sim(c.args);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    for (const std::string& part : c.message_parts) {
      CAPTURE(part);
      CHECK(result.err.find(part) != std::string::npos);
    }
  }
}

TEST_CASE("--dump-bundles lists every bundle with its range and event count") {
  const ProcessResult dump = run_sim({"--bundles", "3", "--events-per-bundle", "5,0,7", "--first-start", "1000",
                                      "--bundle-period=60", "--dump-bundles", "-"});
  REQUIRE(dump.exit_code == 0);
  CHECK(dump.out == "{\"Id\":9007199254740993,\"Start\":1000,\"Stop\":1060,\"events\":5}\n"
                    "{\"Id\":9007199254741993,\"Start\":1060,\"Stop\":1120,\"events\":0}\n"
                    "{\"Id\":9007199254742993,\"Start\":1120,\"Stop\":1180,\"events\":7}\n");
}

TEST_CASE("--huge-event-bytes and --deep-event-depth make event N/3 of the first bundle odd, only it") {
  const std::vector<std::string> shape = {"--bundles", "2", "--events-per-bundle", "5,4", "--dump-events", "-"};
  const auto events_of = [](const std::vector<std::string>& args) {
    const ProcessResult dump = run_sim(args);
    REQUIRE(dump.exit_code == 0);
    std::vector<std::string> events;
    for (size_t at = 0, end; (end = dump.out.find('\n', at)) != std::string::npos; at = end + 1) {
      events.push_back(dump.out.substr(at, end - at));
    }
    return events;
  };
  const auto normal = events_of(shape);
  auto odd_args = shape;
  odd_args.insert(odd_args.end(), {"--huge-event-bytes", "5000", "--deep-event-depth", "3"});
  const auto odd = events_of(odd_args);
  REQUIRE(odd.size() == 9);
  for (size_t i = 0; i < odd.size(); ++i) {
    if (i != 1) CHECK(odd[i] == normal[i]);
  }
  CHECK(odd[1].size() == 5000);
  CHECK(odd[1].rfind(R"({"SimDeep":[[[]]],"SimPadding":")", 0) == 0);
  CHECK(odd[1].substr(odd[1].size() - (normal[1].size() - 1)) == normal[1].substr(1));  // its own members follow
}

TEST_CASE("--slow-body-bytes-per-second trickles a body at that rate") {
  SimServer sim({"--slow-body-bytes-per-second", "100"});
  const auto started = std::chrono::steady_clock::now();
  const auto list = http_get(sim.port(), list_path(0));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(list.status == 200);
  CHECK(list.body.find("\"exports\"") != std::string::npos);
  CHECK(seconds >= 0.5);  // the ~75-byte list in slices of 10 bytes every 0.1 s, not at once
}

TEST_CASE("startup writes the port file and one listening line to stderr") {
  SimServer sim({});
  CHECK(sim.log() == "fullstory-sim listening on http://127.0.0.1:" + std::to_string(sim.port()) + "\n");
  CHECK(http_get(sim.port(), "/__sim/health", {}).status == 200);
}

TEST_CASE("--verbose logs one line per request and never the API key") {
  SimServer sim({"--verbose", "--events-per-bundle", "3"});
  http_get(sim.port(), list_path(0));
  http_get(sim.port(), get_path(bundle_id(0)));
  http_get(sim.port(), list_path(0), {});
  CHECK(sim.stop() == 0);
  const std::string log = sim.log();
  CHECK(log.find("GET /api/v1/export/list?start=0 200 ") != std::string::npos);
  CHECK(log.find("GET /api/v1/export/get?id=9007199254740993 200 ") != std::string::npos);
  CHECK(log.find("GET /api/v1/export/list?start=0 401 ") != std::string::npos);
  CHECK(log.find(kApiKey) == std::string::npos);
  CHECK(std::count(log.begin(), log.end(), '\n') == 4);  // listening line + 3 requests
}

TEST_CASE("SIGTERM exits 0 promptly, even while a request is stalled") {
  // A stall far longer than this test's ctest timeout: stop() returns only if SIGTERM
  // cut it short.
  SimServer sim({"--fault", "get:stall", "--stall-seconds", "600"});
  auto stalled = std::async(std::launch::async, [&] {
    return raw_exchange(sim.port(), raw_get_request(get_path(bundle_id(0))), std::chrono::seconds(20));
  });
  // Wait until the stalled response has started, so the stall is really in progress.
  while (parse_json(http_get(sim.port(), "/__sim/stats", {}).body)["faults_injected"] == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(sim.stop() == 0);
  const RawReply reply = stalled.get();
  CHECK_FALSE(reply.timed_out);
  CHECK_FALSE(decode_chunked(reply.body()).complete);
}
