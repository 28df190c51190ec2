// `etlhost check fullstory` and `etlhost run --dry-run` with the real binary against the real
// simulator, and the fast failure of permanent connection errors (an unknown host, a TLS
// handshake against a plain http port, a refused port) in check and in runs. Counts are
// asserted (the simulator's request counters, the attempts a message reports), never times.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "etlhost_bin.h"
#include "fullstory_support.h"
#include "process.h"

using namespace fstest;
using nlohmann::json;

namespace {

class Workspace {
 public:
  /// A config file for `sim` (or, with `base_url` in `extra`, for anything), api_key left to
  /// FULLSTORY_API_KEY as a cron job would.
  std::string config(const Simulator& sim, json extra = json::object()) {
    json config = json::parse(plugin_config(sim, extra));
    config.erase("api_key");
    const std::string path = dir_.file("fullstory-" + std::to_string(configs_++) + ".json");
    std::ofstream(path) << config.dump();
    return path;
  }
  /// etlhost `args`, with FULLSTORY_API_KEY set to `api_key` ("": unset).
  etltest::ProcessResult run(const std::vector<std::string>& args, const std::string& api_key = kApiKey) {
    etltest::ProcessOptions options;
    if (api_key.empty()) {
      options.unset_env = {"FULLSTORY_API_KEY"};
    } else {
      options.env["FULLSTORY_API_KEY"] = api_key;
    }
    options.working_dir = dir_.path().string();
    options.timeout = std::chrono::seconds(90);
    return etltest::run_process(etltest::etlhost_bin(), args, options);
  }
  std::string state_path() const { return dir_.file("fullstory.state"); }
  std::string csv_dir() const { return dir_.file("csv"); }

 private:
  TempDir dir_;
  int configs_ = 0;
};

// A port on 127.0.0.1 that was just free and has nothing listening: bound, then closed.
int dead_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A plain http server on 127.0.0.1 that answers whatever it is sent with a 400 at once, as
// nginx does to a TLS ClientHello (the simulator's HTTP parser may instead wait for the rest of
// a request line, so whether a handshake fails or times out would depend on random bytes).
// Counts the connections it accepted: the attempts a client made.
class PlainHttpResponder {
 public:
  PlainHttpResponder() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~PlainHttpResponder() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
  }
  PlainHttpResponder(const PlainHttpResponder&) = delete;
  PlainHttpResponder& operator=(const PlainHttpResponder&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void serve() {
    for (int client; (client = ::accept(fd_, nullptr, nullptr)) >= 0;) {
      ++connections_;
      char buffer[4096];
      if (::recv(client, buffer, sizeof buffer, 0) > 0) {
        static const char kAnswer[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)::send(client, kAnswer, sizeof kAnswer - 1, MSG_NOSIGNAL);
      }
      // Read to the client's close before closing: closing with unread bytes sends a reset,
      // which could destroy the answer before the client reads it.
      ::shutdown(client, SHUT_WR);
      timeval timeout{5, 0};
      ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      while (::recv(client, buffer, sizeof buffer, 0) > 0) {
      }
      ::close(client);
    }
  }

  int fd_;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// How many times the plugin warned that an attempt failed and it would retry.
size_t retries_in(const std::string& err) {
  size_t count = 0;
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    if (contains(line, ": attempt ") && contains(line, " failed: ") && contains(line, "; retrying in ")) ++count;
  }
  return count;
}

void check_no_key(const etltest::ProcessResult& result) {
  CHECK_FALSE(contains(result.out, kApiKey));
  CHECK_FALSE(contains(result.err, kApiKey));
}

}  // namespace

TEST_CASE("check: a good key lists once and says OK, with base_url, the bundles listed and no TLS") {
  Simulator sim({"--bundles", "3"});
  Workspace work;
  const auto result = work.run({"check", "fullstory", "--config", work.config(sim)});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(contains(result.err, "check: fullstory "));
  CHECK(contains(result.err, " OK: the config is valid and the source's check() passed"));
  CHECK(contains(result.err, "export/list at " + sim.base_url() + " answered 200"));
  CHECK(contains(result.err, "3 bundles listed"));
  CHECK(contains(result.err, "plain http (no TLS)"));
  CHECK(sim.stats()["list_requests"] == 1);
  CHECK(sim.stats()["get_requests"] == 0);
  check_no_key(result);
}

TEST_CASE("check: over HTTPS the verdict says the certificate was verified") {
  Simulator sim({"--bundles", "1"}, /*tls=*/true);
  Workspace work;
  const auto result = work.run({"check", "fullstory", "--config", work.config(sim, {{"ca_file", test_certs().ca}})});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(contains(result.err, "TLS, certificate verified against"));
}

TEST_CASE("check: a bad key fails at once with exit 5 naming the key, without leaking it") {
  Simulator sim({"--bundles", "1"});
  Workspace work;
  const auto result = work.run({"check", "fullstory", "--config", work.config(sim)},
                               "na1.this-is-not-the-right-key-0000");
  CHECK_MESSAGE(result.exit_code == 5, result.describe());
  CHECK(contains(result.err, "FAILED"));
  CHECK(contains(result.err, "FullStory rejected the API key"));
  CHECK(contains(result.err, "ETL_E_UNAUTHENTICATED"));
  CHECK(sim.stats()["list_requests"] == 1);  // a 401 is not retried
  CHECK_FALSE(contains(result.err, "na1.this-is-not-the-right-key-0000"));
}

TEST_CASE("check: a 403 names the key's role and the Data Export add-on") {
  Simulator sim({"--bundles", "1", "--fault", "list:403:always"});
  Workspace work;
  const auto result = work.run({"check", "fullstory", "--config", work.config(sim)});
  CHECK_MESSAGE(result.exit_code == 5, result.describe());
  CHECK(contains(result.err, "Admin or Architect key"));
  CHECK(contains(result.err, "Data Export add-on"));
  CHECK(sim.stats()["list_requests"] == 1);
}

TEST_CASE("check: a 404 account names the missing Data Export and base_url") {
  Simulator sim({"--bundles", "1", "--fault", "list:404:always"});
  Workspace work;
  const auto result = work.run({"check", "fullstory", "--config", work.config(sim)});
  CHECK_MESSAGE(result.exit_code == 5, result.describe());
  CHECK(contains(result.err, "the account has no Data Export"));
  CHECK(contains(result.err, "set export_api to segment_export"));  // the way forward without the add-on
  CHECK(contains(result.err, "base_url (" + sim.base_url() + ") is wrong"));
  CHECK(contains(result.err, "ETL_E_NOT_FOUND"));
  CHECK(sim.stats()["list_requests"] == 1);
}

TEST_CASE("check: a missing api_key is a config error (exit 3) before any request") {
  Simulator sim({"--bundles", "1"});
  Workspace work;
  const auto result = work.run({"check", "fullstory", "--config", work.config(sim)}, "");
  CHECK_MESSAGE(result.exit_code == 3, result.describe());
  CHECK(sim.stats()["list_requests"] == 0);
}

TEST_CASE("check: a dead port is refused, retried only within connect_retry_seconds") {
  Simulator sim({"--bundles", "1"});  // only for the config's other keys
  Workspace work;
  const std::string base_url = "http://127.0.0.1:" + std::to_string(dead_port());
  SUBCASE("connect_retry_seconds 0: one attempt") {
    const auto result = work.run(
        {"check", "fullstory", "--config", work.config(sim, {{"base_url", base_url}, {"connect_retry_seconds", 0}})});
    CHECK_MESSAGE(result.exit_code == 5, result.describe());
    CHECK(contains(result.err, "connection refused"));
    CHECK(contains(result.err, "gave up after 1 attempt and"));
    CHECK(contains(result.err, "connect_retry_seconds is 0; check base_url's port"));
    CHECK_MESSAGE(retries_in(result.err) == 0, result.err);
  }
  SUBCASE("connect_retry_seconds 1, waits of 0.5-1 s: the second refusal ends it") {
    const auto result = work.run({"check", "fullstory", "--config",
                                  work.config(sim, {{"base_url", base_url},
                                                    {"connect_retry_seconds", 1},
                                                    {"retry_base_delay_ms", 1000},
                                                    {"retry_max_delay_ms", 1000}})});
    CHECK_MESSAGE(result.exit_code == 5, result.describe());
    CHECK(contains(result.err, "gave up after 2 attempts"));
    CHECK(contains(result.err, "connect_retry_seconds is 1"));
    CHECK(retries_in(result.err) == 1);
  }
}

TEST_CASE("check: an unknown host fails on the first attempt, naming base_url") {
  Simulator sim({"--bundles", "1"});
  Workspace work;
  const auto result = work.run(
      {"check", "fullstory", "--config", work.config(sim, {{"base_url", "http://no-such-host.invalid:8080"}})});
  CHECK_MESSAGE(result.exit_code == 5, result.describe());
  CHECK(contains(result.err, "base_url http://no-such-host.invalid:8080: the host name 'no-such-host.invalid' does "
                             "not resolve"));
  CHECK(contains(result.err, "Not retried"));
  CHECK_MESSAGE(retries_in(result.err) == 0, result.err);
}

TEST_CASE("check: https:// against a plain http port fails the handshake on the first attempt") {
  Simulator sim({"--bundles", "1"});  // only for the config's other keys
  PlainHttpResponder http;
  Workspace work;
  const std::string base_url = "https://127.0.0.1:" + std::to_string(http.port());
  const auto result = work.run({"check", "fullstory", "--config", work.config(sim, {{"base_url", base_url}})});
  CHECK_MESSAGE(result.exit_code == 5, result.describe());
  CHECK(contains(result.err, "base_url " + base_url + ": the TLS handshake with 127.0.0.1:"));
  CHECK(contains(result.err, "base_url should start with http://"));
  CHECK_MESSAGE(retries_in(result.err) == 0, result.err);
  CHECK(http.connections() == 1);
}

TEST_CASE("run: permanent connection errors fail the run on the first attempt too") {
  Simulator sim({"--bundles", "1"});
  PlainHttpResponder http;
  Workspace work;
  for (const json& extra :
       {json{{"base_url", "http://no-such-host.invalid"}},
        json{{"base_url", "https://127.0.0.1:" + std::to_string(http.port())}},
        json{{"base_url", "http://127.0.0.1:" + std::to_string(dead_port())}, {"connect_retry_seconds", 0}}}) {
    CAPTURE(extra.dump());
    const auto result = work.run({"run", "fullstory", "to", "singer", "--config", work.config(sim, extra)});
    CHECK_MESSAGE(result.exit_code == 5, result.describe());
    CHECK_MESSAGE(retries_in(result.err) == 0, result.err);
    CHECK(result.out.find("RECORD") == std::string::npos);
  }
  CHECK(sim.stats()["list_requests"] == 0);
  CHECK(http.connections() == 1);
}

TEST_CASE("dry-run: lists the bundles a first run would fetch, with no export/get and no state or output") {
  Simulator sim({"--bundles", "3"});
  Workspace work;
  const auto result = work.run({"run", "fullstory", "to", "csv", "--config",
                                work.config(sim, {{"downloads_per_minute", 2}}), "--state", work.state_path(), "--set",
                                "csv.output_dir=" + work.csv_dir(), "--dry-run"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const json plan = json::parse(result.out);
  REQUIRE(plan["units"].size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(plan["units"][i]["stream"] == "events");
    CHECK(plan["units"][i]["id"] == std::to_string(bundle_id(i)));
  }
  CHECK(plan["estimated_ms"] == 60000);  // 2 start at once, the third a minute later
  CHECK(contains(result.err, "3 bundles to download"));
  CHECK(contains(result.err, "  events " + std::to_string(bundle_id(0)) + ": "));
  CHECK(contains(result.err, "expected duration at least 60 s"));
  CHECK(sim.stats()["get_requests"] == 0);
  CHECK(sim.stats()["list_requests"] == 2);  // the page of 3, then the empty page that ends it
  CHECK_FALSE(etltest::file_exists(work.state_path()));
  CHECK_FALSE(etltest::file_exists(work.state_path() + ".lock"));
  CHECK_FALSE(etltest::file_exists(work.csv_dir()));
  check_no_key(result);
}

TEST_CASE("dry-run: from a state, only the bundles after its bookmark, and the state file is byte-identical") {
  Simulator sim({"--bundles", "3"});
  Workspace work;
  const json state = {
      {"bookmarks", {{"events", {{"last_bundle_stop", "2023-11-16T00:00:00Z"}, {"last_bundle_id", bundle_id(0)}}}}}};
  REQUIRE(bundle_stop(0) == 1'700'092'800);  // 2023-11-16T00:00:00Z
  const std::string before = state.dump() + "\n";
  etltest::write_file(work.state_path(), before);
  const auto result = work.run({"run", "fullstory", "to", "csv", "--config", work.config(sim), "--state",
                                work.state_path(), "--set", "csv.output_dir=" + work.csv_dir(), "--dry-run"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const json plan = json::parse(result.out);
  REQUIRE(plan["units"].size() == 2);
  CHECK(plan["units"][0]["id"] == std::to_string(bundle_id(1)));
  CHECK(plan["units"][1]["id"] == std::to_string(bundle_id(2)));
  CHECK(plan["estimated_ms"] == 0);  // the test config does not pace (downloads_per_minute 0)
  CHECK(sim.stats()["get_requests"] == 0);
  CHECK(read_file(work.state_path()) == before);
  CHECK_FALSE(etltest::file_exists(work.csv_dir()));
}

TEST_CASE("dry-run: after a full run there is nothing to fetch") {
  Simulator sim({"--bundles", "2", "--events-per-bundle", "5"});
  Workspace work;
  const std::string config = work.config(sim);
  const auto full = work.run({"run", "fullstory", "to", "csv", "--config", config, "--state", work.state_path(),
                              "--set", "csv.output_dir=" + work.csv_dir()});
  REQUIRE_MESSAGE(full.exit_code == 0, full.describe());
  const std::string before = read_file(work.state_path());
  const auto gets = sim.stats()["get_requests"];
  const auto result = work.run({"run", "fullstory", "to", "csv", "--config", config, "--state", work.state_path(),
                                "--set", "csv.output_dir=" + work.csv_dir(), "--dry-run"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(json::parse(result.out)["units"].empty());
  CHECK(contains(result.err, "no new bundles"));
  CHECK(sim.stats()["get_requests"] == gets);
  CHECK(read_file(work.state_path()) == before);
}
