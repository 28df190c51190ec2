// End to end with the real etlhost binary: fullstory -> singer and fullstory -> csv against
// the real simulator, resume with --state, a fault, HTTPS, SIGINT, and the key never leaking.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "etlhost_bin.h"
#include "process.h"

using namespace fstest;
using nlohmann::json;

TEST_CASE("e2e: fullstory -> singer emits exactly the simulator's events and commits the last bundle") {
  const std::vector<std::string> args = {"--bundles", "3", "--events-per-bundle", "400,0,900", "--seed", "11"};
  Simulator sim(args);
  Workspace work;
  const auto run = work.to_singer(sim);
  // Singer re-serialises the record object; compare values (exact int64s through nlohmann).
  const auto got = singer_records(run.result.out);
  const auto expected = Simulator::dump_events(args);
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    json record = json::parse(got[i]);
    CHECK(record.erase("event_id") == 1);
    if (record != json::parse(expected[i])) FAIL("event " << i << " differs");
  }
  CHECK(json::parse(run.state)["state"]["bookmarks"]["events"]["last_bundle_id"] == bundle_id(2));
  check_no_key(run);
}

TEST_CASE("e2e: fullstory -> csv writes exactly the simulator's events, every value") {
  const std::vector<std::string> args = {"--bundles", "2", "--events-per-bundle", "700,500", "--seed", "5"};
  Simulator sim(args);
  Workspace work;
  const auto run = work.to_csv(sim);
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  check_csv_events(work.csv_path(), Simulator::dump_events(args));
  check_no_key(run, {work.csv_path()});
}

TEST_CASE("e2e: a failed run resumes from --state: the csv ends with every event exactly once") {
  const std::vector<std::string> args = {"--bundles", "4", "--events-per-bundle", "300,200,500,100"};
  Workspace work;
  const std::vector<std::string> common = {"--state", work.state_path(), "--checkpoint-interval",
                                           "0",       "--set",           "csv.output_dir=" + work.csv_dir()};
  int port = 0;  // the healthy simulator takes the faulty one's: the same base_url, the state's identity
  {
    // Bundle 2 keeps failing: the run gives up after bundles 0 and 1 are committed.
    auto faulty = args;
    faulty.insert(faulty.end(), {"--fault", "get:503:always@" + std::to_string(bundle_id(2))});
    Simulator sim(faulty);
    port = sim.port();
    std::vector<std::string> cli = {"run", "fullstory", "->",
                                    "csv", "--config",  work.write_config(sim, {{"max_attempts", 2}})};
    cli.insert(cli.end(), common.begin(), common.end());
    const auto run = work.run(cli);
    CHECK_MESSAGE(run.result.exit_code == 5, run.result.describe());
    CHECK(contains(run.result.err, "gave up after 2 attempts"));
    CHECK(json::parse(run.state)["state"]["bookmarks"]["events"]["last_bundle_id"] == bundle_id(1));
    check_no_key(run, {work.csv_path()});
  }
  Simulator sim(args, false, "127.0.0.1", port);  // the same bundles, healthy now
  std::vector<std::string> cli = {"run", "fullstory", "->", "csv", "--config", work.write_config(sim)};
  cli.insert(cli.end(), common.begin(), common.end());
  const auto run = work.run(cli);
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(contains(run.result.err, "from the state's last delivered bundle"));
  CHECK(sim.stats()["get_requests"] == 2);  // bundles 0 and 1 were not downloaded again
  check_csv_events(work.csv_path(), Simulator::dump_events(args));
  check_no_key(run, {work.csv_path()});
}

TEST_CASE("e2e: a body cut mid-stream is retried and the csv has no duplicate") {
  const std::vector<std::string> args = {"--bundles", "2", "--events-per-bundle", "3000,100"};
  auto faulty = args;
  faulty.insert(faulty.end(), {"--fault", "get:truncate:1@" + std::to_string(bundle_id(0))});
  Simulator sim(faulty);
  Workspace work;
  const auto run = work.to_csv(sim);
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(contains(run.result.err, "2 attempts"));
  check_csv_events(work.csv_path(), Simulator::dump_events(args));
}

TEST_CASE("e2e: HTTPS with ca_file, and a clear refusal with the wrong CA") {
  const std::vector<std::string> args = {"--bundles", "1", "--events-per-bundle", "50"};
  Simulator sim(args, /*tls=*/true);
  Workspace work;
  auto run = work.run(
      {"run", "fullstory", "to", "singer", "--config", work.write_config(sim, {{"ca_file", test_certs().ca}})});
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(singer_records(run.result.out).size() == 50);
  check_no_key(run);

  run = work.run(
      {"run", "fullstory", "to", "singer", "--config", work.write_config(sim, {{"ca_file", test_certs().other_ca}})});
  CHECK(run.result.exit_code == 5);
  CHECK(contains(run.result.err, "did not verify"));
  check_no_key(run);
}

TEST_CASE("e2e: a ca_file that is not a readable PEM file is a config error (exit 3) before any request") {
  Simulator sim({"--bundles", "1"}, /*tls=*/true);
  Workspace work;
  const std::string not_pem = work.dir().file("not-a-ca.pem");
  etltest::write_file(not_pem, "this is not a certificate\n");
  for (const std::string& ca_file : {not_pem, work.dir().file("missing.pem"), work.dir().path().string()}) {
    CAPTURE(ca_file);
    const auto run = work.run({"run", "fullstory", "to", "singer", "--config",
                               work.write_config(sim, {{"ca_file", ca_file}}), "--state", work.state_path()});
    CHECK_MESSAGE(run.result.exit_code == 3, run.result.describe());
    CHECK(contains(run.result.err, "source 'fullstory' refused its config: config key 'ca_file'"));
    CHECK(contains(run.result.err, "'" + ca_file + "'"));
    CHECK_FALSE(etltest::file_exists(work.state_path()));  // nothing ran
    check_no_key(run);
  }
}

TEST_CASE("e2e: SIGINT during a retry wait stops promptly with exit 130") {
  Simulator sim({"--bundles", "1", "--fault", "get:503:always"});
  Workspace work;
  etltest::ProcessOptions options;
  options.env["FULLSTORY_API_KEY"] = kApiKey;
  options.timeout = std::chrono::seconds(60);  // the backoff below is 10 minutes: only a prompt stop passes
  auto process = etltest::Process::start(
      etltest::etlhost_bin(),
      {"run", "fullstory", "to", "singer", "--config",
       work.write_config(sim, {{"retry_base_delay_ms", 600000}, {"retry_max_delay_ms", 600000}})},
      options);
  REQUIRE(process.wait_for_stderr("retrying in", std::chrono::seconds(30)));
  process.send_signal(SIGINT);
  const auto result = process.wait();
  CHECK_MESSAGE(result.exit_code == 130, result.describe());
  CHECK_FALSE(result.timed_out);
  CHECK_FALSE(contains(result.err, kApiKey));
}

TEST_CASE("e2e: discover prints the events catalog") {
  Workspace work;
  etltest::ProcessOptions options;
  options.env["FULLSTORY_API_KEY"] = kApiKey;
  const auto result = etltest::run_process(etltest::etlhost_bin(), {"discover", "fullstory"}, options);
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const json catalog = json::parse(result.out);
  CHECK(contains(result.out, "\"events\""));
  CHECK(contains(result.out, "forced-replication-method"));
  CHECK(catalog.is_object());
}

TEST_CASE("e2e: discover needs no API key (the catalog is static), a run does") {
  etltest::ProcessOptions options;
  options.unset_env = {"FULLSTORY_API_KEY"};
  const auto discovered = etltest::run_process(etltest::etlhost_bin(), {"discover", "fullstory"}, options);
  REQUIRE_MESSAGE(discovered.exit_code == 0, discovered.describe());
  const json catalog = json::parse(discovered.out);
  CHECK(catalog["streams"][0]["tap_stream_id"] == "events");

  const auto run = etltest::run_process(etltest::etlhost_bin(), {"run", "fullstory", "to", "null"}, options);
  CHECK(run.exit_code == 3);
  CHECK(contains(run.err, "required key 'api_key' is missing"));
}

TEST_CASE("e2e: a lying export/list fails the run with state unmoved past it, an honest rerun loses nothing") {
  struct Lie {
    const char* kind;
    const char* message;  // part of the refusal
  };
  const Lie lies[] = {
      {"newest-first", "the list must be oldest first"},
      {"future-stop", "2100-01-01T00:00:00Z"},
      {"max-stop", "outside years 0001-9999"},
      {"duplicate-id", "whose Id was listed (or delivered) already"},
      {"duplicate-stop", "one bundle per Stop"},
      {"gap", "set allow_bundle_gaps to true"},
      {"overlap", "were delivered already"},
      {"stale", "does not end after start"},
  };
  const std::vector<std::string> args = {"--bundles",        "5", "--events-per-bundle", "40,30,20,10,50",
                                         "--list-page-size", "2"};
  for (const Lie& lie : lies) {
    const std::string kind = lie.kind;
    CAPTURE(kind);
    Workspace work;
    const std::vector<std::string> common = {"--state", work.state_path(), "--checkpoint-interval",
                                             "0",       "--set",           "csv.output_dir=" + work.csv_dir()};
    auto lying = args;
    lying.insert(lying.end(), {"--list-lie", lie.kind});
    int port = 0;  // the honest simulator takes the lying one's: the state's identity matches
    {
      Simulator sim(lying);
      port = sim.port();
      std::vector<std::string> cli = {"run", "fullstory", "->", "csv", "--config", work.write_config(sim)};
      cli.insert(cli.end(), common.begin(), common.end());
      const auto run = work.run(cli);
      CHECK_MESSAGE(run.result.exit_code == 5, run.result.describe());
      CHECK_MESSAGE(contains(run.result.err, lie.message), run.result.err);
      CHECK(contains(run.result.err, "the state is unchanged"));
      // Nothing past what was really delivered: no bookmark beyond the simulator's last bundle.
      if (!run.state.empty() && json::parse(run.state)["state"].contains("bookmarks")) {
        const auto stop = json::parse(run.state)["state"]["bookmarks"]["events"]["last_bundle_stop"];
        CHECK(stop.get<std::string>() <= "2023-11-20T00:00:00Z");
      }
    }
    Simulator sim(args, false, "127.0.0.1", port);
    std::vector<std::string> cli = {"run", "fullstory", "->", "csv", "--config", work.write_config(sim)};
    cli.insert(cli.end(), common.begin(), common.end());
    const auto run = work.run(cli);
    REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
    check_csv_events(work.csv_path(), Simulator::dump_events(args));
  }
}

TEST_CASE("e2e: pages shorter than FullStory's 20 are followed to the end, allow_bundle_gaps accepts a gap loudly") {
  const std::vector<std::string> args = {"--bundles", "7", "--events-per-bundle", "5", "--list-page-size", "3"};
  {
    Simulator sim(args);
    Workspace work;
    const auto run = work.to_csv(sim);
    REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
    check_csv_events(work.csv_path(), Simulator::dump_events(args));
    CHECK(sim.stats()["list_requests"] == 4);  // 3 + 3 + 1, then the empty page
  }
  auto gap = args;
  gap.insert(gap.end(), {"--list-lie", "gap"});
  Simulator sim(gap);
  Workspace work;
  const auto run = work.to_csv(sim, {{"allow_bundle_gaps", true}});
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(contains(run.result.err, "accepted, allow_bundle_gaps is true"));
  auto expected = Simulator::dump_events(args);
  expected.erase(expected.begin() + 5, expected.begin() + 10);  // bundle 1 was never listed
  check_csv_events(work.csv_path(), expected);
}

TEST_CASE("e2e: a state whose bookmark is in the future is refused, not followed into 'no new bundles' forever") {
  Simulator sim({"--bundles", "2", "--events-per-bundle", "5"});
  Workspace work;
  const std::string state = R"({"bookmarks":{"events":{"last_bundle_stop":"2100-01-01T00:00:00Z"}}})";
  std::ofstream(work.state_path()) << state;
  const auto run = work.to_csv(sim);
  CHECK_MESSAGE(run.result.exit_code == 7, run.result.describe());  // the state file's fault, left as it was
  CHECK(run.state == state);
  CHECK(contains(run.result.err, "the bookmark 2100-01-01T00:00:00Z is in the future"));
  CHECK(sim.stats()["list_requests"] == 0);
}

namespace {

// A bundle with one event far over a small max_event_bytes (fullstory-sim's --huge-event-bytes:
// event 200 of bundle 0's 600, so the half body that --fault truncate or stall sends holds it).
constexpr int64_t kHugeEventBytes = 2'000'000;
constexpr int64_t kSmallEventLimit = 1 << 20;
const std::vector<std::string> kHugeEventArgs = {
    "--bundles", "2", "--events-per-bundle", "600,50", "--huge-event-bytes", std::to_string(kHugeEventBytes)};

// The simulator's events without the huge one (event 200 of bundle 0).
std::vector<std::string> events_but_the_huge_one() {
  auto events = Simulator::dump_events(kHugeEventArgs);
  REQUIRE(events.at(200).size() == static_cast<size_t>(kHugeEventBytes));
  events.erase(events.begin() + 200);
  return events;
}

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("e2e: a trickling export/get body (slowloris) passes request_timeout_seconds, is retried, then fails") {
  // 2000 bytes a second: every byte well within the idle timeout, the body far slower than the
  // 16 KiB/s a download must keep up to earn time beyond request_timeout_seconds.
  Simulator sim({"--bundles", "1", "--events-per-bundle", "2000", "--slow-body-bytes-per-second", "2000"});
  Workspace work;
  const auto run = work.to_csv(sim,
                               {{"request_timeout_seconds", 1}, {"max_attempts", 2}, {"idle_timeout_seconds", 60}});
  CHECK_MESSAGE(run.result.exit_code == 5, run.result.describe());
  CHECK(contains(run.result.err, "export/get id=" + std::to_string(bundle_id(0)) + ": attempt 1 of 2 failed"));
  CHECK(contains(run.result.err, "gave up after 2 attempts"));
  CHECK(contains(run.result.err, "the request passed its deadline"));
  CHECK(contains(run.result.err, "request_timeout_seconds is 1, plus 1 s per 16384 body bytes received"));
  CHECK(contains(run.result.err, "(ETL_E_TIMEOUT)"));
  CHECK(sim.stats()["get_requests"] == 2);
  if (!run.state.empty()) CHECK_FALSE(contains(run.state, "last_bundle_id"));
}

TEST_CASE("e2e: a trickling export/list body is cut at request_timeout_seconds, the whole request") {
  Simulator sim({"--bundles", "1", "--slow-body-bytes-per-second", "10"});  // ~75 bytes: 7 s
  Workspace work;
  const auto run = work.to_csv(sim, {{"request_timeout_seconds", 1}, {"max_attempts", 2}});
  CHECK_MESSAGE(run.result.exit_code == 5, run.result.describe());
  CHECK(contains(run.result.err, "export/list start="));
  CHECK(contains(run.result.err, "the request passed its deadline"));
  CHECK(contains(run.result.err, "request_timeout_seconds is 1)"));
  CHECK(sim.stats()["list_requests"] == 2);
  CHECK(sim.stats()["get_requests"] == 0);
}

TEST_CASE("e2e: an event over max_event_bytes fails the run naming it, its size, the limit and the keys") {
  Simulator sim(kHugeEventArgs);
  Workspace work;
  const auto run = work.to_csv(sim, {{"max_event_bytes", kSmallEventLimit}});
  CHECK_MESSAGE(run.result.exit_code == 5, run.result.describe());
  CHECK(contains(run.result.err, "bundle " + std::to_string(bundle_id(0)) + " event 201 "));
  CHECK(contains(run.result.err, "is 2000000 bytes, over max_event_bytes (1048576)"));
  CHECK(contains(run.result.err, "set skip_oversized_events to true"));
  CHECK(contains(run.result.err, "no STATE was committed"));
  if (!run.state.empty()) CHECK_FALSE(contains(run.state, "last_bundle_id"));
}

TEST_CASE("e2e: skip_oversized_events skips the huge event loudly, counts it, and delivers every other event once") {
  // The first download of bundle 0 is cut halfway: the retry must pass over what the first
  // attempt emitted or skipped without a second warning, a duplicate or a loss.
  Simulator sim(with(kHugeEventArgs, {"--fault", "get:truncate:1@" + std::to_string(bundle_id(0))}));
  Workspace work;
  const auto run = work.to_csv(sim, {{"max_event_bytes", kSmallEventLimit}, {"skip_oversized_events", true}});
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(occurrences(run.result.err, "is 2000000 bytes, over max_event_bytes (1048576): SKIPPED") == 1);
  CHECK(contains(run.result.err, "fullstory.oversized_events_skipped=1"));
  CHECK(contains(run.result.err, "1 oversized events SKIPPED"));
  CHECK(sim.stats()["get_requests"] == 3);  // bundle 0 twice, bundle 1 once
  check_csv_events(work.csv_path(), events_but_the_huge_one());
}

TEST_CASE("e2e: killed mid-bundle with skip_oversized_events, the rerun still delivers every other event once") {
  Workspace work;
  const json skip = {{"max_event_bytes", kSmallEventLimit}, {"skip_oversized_events", true}};
  const std::vector<std::string> common = {"--state", work.state_path(), "--checkpoint-interval",
                                           "0",       "--set",           "csv.output_dir=" + work.csv_dir()};
  int port = 0;  // the rerun's simulator takes this one's: the state's identity matches
  {
    // Half of bundle 0, then silence: the run is killed while it waits for the rest.
    Simulator sim(
        with(kHugeEventArgs, {"--fault", "get:stall:1@" + std::to_string(bundle_id(0)), "--stall-seconds", "60"}));
    port = sim.port();
    etltest::ProcessOptions options;
    options.env["FULLSTORY_API_KEY"] = kApiKey;
    options.timeout = std::chrono::seconds(60);
    auto process = etltest::Process::start(
        etltest::etlhost_bin(),
        with({"run", "fullstory", "->", "csv", "--config", work.write_config(sim, skip)}, common), options);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (sim.stats()["faults_injected"] == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the first half reaches the csv
    process.send_signal(SIGKILL);
    const auto killed = process.wait();
    CHECK(killed.exit_code != 0);
  }
  Simulator sim(kHugeEventArgs, false, "127.0.0.1", port);
  const auto run = work.run(with({"run", "fullstory", "->", "csv", "--config", work.write_config(sim, skip)}, common));
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(contains(run.result.err, "fullstory.oversized_events_skipped=1"));
  check_csv_events(work.csv_path(), events_but_the_huge_one());
}

TEST_CASE("e2e: an event nested 100k levels deep is refused as invalid JSON, not a crash") {
  Simulator sim({"--bundles", "1", "--events-per-bundle", "5", "--deep-event-depth", "100000"});
  Workspace work;
  const auto run = work.to_csv(sim);
  CHECK_MESSAGE(run.result.exit_code == 5, run.result.describe());
  CHECK(contains(run.result.err, "event 2 (ending at byte offset"));
  CHECK(contains(run.result.err, "is invalid JSON: "));
  CHECK(contains(run.result.err, "too deep"));
  if (!run.state.empty()) CHECK_FALSE(contains(run.state, "last_bundle_id"));
}

TEST_CASE("e2e: fullstory -> singer declares every field before its first RECORD, and csv gets each as a column") {
  // One event per bundle: custom variables and new fields turn up bundle by bundle.
  const std::vector<std::string> args = {"--bundles", "10", "--events-per-bundle", "1", "--seed", "4"};
  Simulator sim(args);
  Workspace work;
  const auto run = work.to_singer(sim);
  json properties;
  size_t schemas = 0;
  for (const json& message : singer_messages(run.result.out)) {
    if (message["type"] == "SCHEMA") {
      ++schemas;
      properties = message["schema"]["properties"];
      CHECK(message["key_properties"] == json({"event_id"}));
    }
    if (message["type"] != "RECORD") continue;
    for (const auto& [name, value] : message["record"].items()) {
      if (!value.is_null() && !properties.contains(name)) FAIL("'" << name << "' used before its SCHEMA");
    }
  }
  CHECK(schemas > 2);
  CHECK(properties.contains("user_plan_str"));
  CHECK(contains(run.state, R"("fields":["user_plan_str")"));

  // The same bundles into csv: the custom variables are columns, not _extra text.
  Workspace csv;
  const auto to_csv = csv.to_csv(sim);
  REQUIRE_MESSAGE(to_csv.result.exit_code == 0, to_csv.result.describe());
  check_csv_events(csv.csv_path(), Simulator::dump_events(args));
  const auto rows = csv_generations(csv.csv_path());
  REQUIRE_FALSE(rows.empty());
  std::set<std::string> columns;
  for (const CsvCell& cell : rows.back().first) columns.insert(cell.text);
  for (const auto& [name, type] : properties.items()) CHECK_MESSAGE(columns.count(name) == 1, name);
}

TEST_CASE("e2e: --catalog deselecting UserEmail drops it from singer and csv, the automatic EventStart stays") {
  const std::vector<std::string> args = {"--bundles", "2", "--events-per-bundle", "60,40", "--seed", "3"};
  Simulator sim(args);
  Workspace work;
  const std::string catalog = work.dir().file("catalog.json");
  etltest::write_file(catalog, R"({"streams":[{"tap_stream_id":"events","metadata":[
      {"breadcrumb":[],"metadata":{"selected":true}},
      {"breadcrumb":["properties","UserEmail"],"metadata":{"selected":false}},
      {"breadcrumb":["properties","EventStart"],"metadata":{"selected":false}}]}]})");
  const auto run = work.run(
      {"run", "fullstory", "to", "singer", "--config", work.write_config(sim), "--catalog", catalog});
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(contains(run.result.err, "'EventStart' of stream 'events' is deselected, but its inclusion is automatic"));
  CHECK_FALSE(contains(run.result.out, "UserEmail"));
  size_t records = 0;
  for (const json& message : singer_messages(run.result.out)) {
    if (message["type"] == "RECORD") records += message["record"].contains("EventStart") ? 1 : 0;
  }
  CHECK(records == 100);

  const auto to_csv = work.run({"run", "fullstory", "->", "csv", "--config", work.write_config(sim), "--catalog",
                                catalog, "--set", "csv.output_dir=" + work.csv_dir()});
  REQUIRE_MESSAGE(to_csv.result.exit_code == 0, to_csv.result.describe());
  const auto rows = csv_generations(work.csv_path());
  REQUIRE(rows.size() == 100);
  for (const auto& [header, row] : rows) {
    for (const CsvCell& cell : header) CHECK(cell.text != "UserEmail");
    for (const CsvCell& cell : row) CHECK_FALSE(contains(cell.text, "UserEmail"));
  }
  CHECK_FALSE(contains(read_file(work.csv_path()), "@example."));  // no address, in any column
}

// README "Scheduling": what a cron line or a systemd timer every 30 minutes relies on.
TEST_CASE("e2e: scheduled runs: an overlapping run is refused at once, a run with nothing new is silent under -q") {
  Simulator sim({"--bundles", "2", "--events-per-bundle", "20"});
  Workspace work;
  REQUIRE(work.to_csv(sim).result.exit_code == 0);
  const auto downloads = sim.stats()["get_requests"];

  // The next tick finds nothing new: exit 0, no download, and nothing on stderr for cron to mail.
  HostRun quiet = work.run({"run", "fullstory", "->", "csv", "--config", work.write_config(sim), "--state",
                            work.state_path(), "--set", "csv.output_dir=" + work.csv_dir(), "-q"});
  CHECK_MESSAGE(quiet.result.exit_code == 0, quiet.result.describe());
  CHECK_MESSAGE(quiet.result.err.empty(), quiet.result.err);
  CHECK(sim.stats()["get_requests"] == downloads);

  // A tick that starts while the previous run still holds the state file (here: a retry
  // that backs off for minutes) exits 7 without touching anything.
  Simulator failing({"--bundles", "1", "--fault", "get:503:always"});
  const std::string state_before = read_file(work.state_path());
  etltest::ProcessOptions options;
  options.env["FULLSTORY_API_KEY"] = kApiKey;
  options.timeout = std::chrono::seconds(60);
  auto first = etltest::Process::start(
      etltest::etlhost_bin(),
      {"run", "fullstory", "->", "csv", "--state", work.dir().file("other.state"), "--set",
       "csv.output_dir=" + work.dir().file("other"), "--config",
       work.write_config(failing, {{"retry_base_delay_ms", 600000}, {"retry_max_delay_ms", 600000}})},
      options);
  REQUIRE(first.wait_for_stderr("retrying in", std::chrono::seconds(30)));
  HostRun overlapping = work.run({"run", "fullstory", "->", "csv", "--config", work.write_config(failing), "--state",
                                  work.dir().file("other.state"), "--set",
                                  "csv.output_dir=" + work.dir().file("other")});
  CHECK(overlapping.result.exit_code == 7);
  CHECK_MESSAGE(contains(overlapping.result.err, "another etlhost run is using state file"), overlapping.result.err);
  first.send_signal(SIGTERM);
  CHECK(first.wait().exit_code != 0);
  CHECK(read_file(work.state_path()) == state_before);  // the other account's state is its own
}

namespace {

// `etlhost run fullstory '->' csv` with `key` in FULLSTORY_API_KEY and `more` arguments.
HostRun to_csv_with_key(Workspace& work, const Simulator& sim, const std::string& key,
                        const std::vector<std::string>& more = {}) {
  etltest::ProcessOptions options;
  options.env["FULLSTORY_API_KEY"] = key;
  options.working_dir = work.dir().path().string();
  options.timeout = std::chrono::seconds(90);
  std::vector<std::string> args = {
      "run", "fullstory", "->", "csv", "--config", work.write_config(sim), "--set", "csv.output_dir=" + work.csv_dir()};
  args.insert(args.end(), more.begin(), more.end());
  auto result = etltest::run_process(etltest::etlhost_bin(), args, options);
  return HostRun{std::move(result), etltest::file_exists(work.state_path()) ? read_file(work.state_path()) : ""};
}

}  // namespace

TEST_CASE("e2e: a state of another simulator or another key is refused (exit 7) naming both, the state unchanged") {
  const std::vector<std::string> args = {"--bundles", "2", "--events-per-bundle", "30"};
  Workspace work;
  Simulator first(args);
  const auto done = work.to_csv(first);
  REQUIRE_MESSAGE(done.result.exit_code == 0, done.result.describe());
  const json identity = json::parse(done.state)["identity"];
  CHECK(identity["source"]["base_url"] == first.base_url());
  CHECK(identity["source"]["account"].get<std::string>().size() == 16);
  CHECK(identity["sink"]["output_dir"] == work.csv_dir());
  check_no_key(done);

  Simulator other(args);  // another port: another base_url
  const auto refused = work.to_csv(other);
  CHECK_MESSAGE(refused.result.exit_code == 7, refused.result.describe());
  CHECK(contains(refused.result.err, "belongs to another account"));
  CHECK(contains(refused.result.err, first.base_url()));
  CHECK(contains(refused.result.err, other.base_url()));
  CHECK(contains(refused.result.err, "--full-refresh"));
  CHECK(refused.state == done.state);
  CHECK(other.stats()["list_requests"] == 0);

  const auto another_key = to_csv_with_key(work, first, "another-account-key", {"--state", work.state_path()});
  CHECK_MESSAGE(another_key.result.exit_code == 7, another_key.result.describe());
  CHECK(contains(another_key.result.err, "belongs to another account"));
  CHECK(another_key.state == done.state);
  CHECK_FALSE(contains(another_key.result.err, "another-account-key"));
  check_csv_events(work.csv_path(), Simulator::dump_events(args));  // the output as the first run left it
}

TEST_CASE("e2e: --full-refresh starts over from start_date and replaces the csv: one run's rows, not two") {
  const std::vector<std::string> args = {"--bundles", "3", "--events-per-bundle", "20,30,40"};
  Workspace work;
  Simulator sim(args);
  REQUIRE(work.to_csv(sim).result.exit_code == 0);
  Simulator other(args);  // another base_url too: a full refresh does not ask whose the state was
  auto refresh = work.run({"run", "fullstory", "->", "csv", "--config", work.write_config(other), "--state",
                           work.state_path(), "--set", "csv.output_dir=" + work.csv_dir(), "--full-refresh"});
  REQUIRE_MESSAGE(refresh.result.exit_code == 0, refresh.result.describe());
  CHECK(contains(refresh.result.err, "full refresh: source 'fullstory' starts over"));
  CHECK(contains(refresh.result.err, "full refresh: removed 1 csv files in " + work.csv_dir()));
  CHECK(other.stats()["get_requests"] == 3);  // every bundle again, from start_date
  check_csv_events(work.csv_path(), Simulator::dump_events(args));
  const json state = json::parse(refresh.state);
  CHECK(state["state"]["bookmarks"]["events"]["last_bundle_id"] == bundle_id(2));
  CHECK(state["identity"]["source"]["base_url"] == other.base_url());
  check_no_key(refresh);
}

TEST_CASE("e2e: no --state into existing csv output is refused, and so is --full-refresh without reset") {
  const std::vector<std::string> args = {"--bundles", "1", "--events-per-bundle", "25"};
  Workspace work;
  Simulator sim(args);
  const std::vector<std::string> no_state = {
      "run", "fullstory", "->", "csv", "--config", work.write_config(sim), "--set", "csv.output_dir=" + work.csv_dir()};
  REQUIRE(work.run(no_state).result.exit_code == 0);
  const std::string before = read_file(work.csv_path());
  const auto again = work.run(no_state);
  CHECK_MESSAGE(again.result.exit_code == 6, again.result.describe());
  CHECK(contains(again.result.err, "already holds csv output ('events.csv')"));
  CHECK(contains(again.result.err, "--state FILE"));
  CHECK(contains(again.result.err, "--full-refresh"));
  CHECK(read_file(work.csv_path()) == before);
  CHECK(sim.stats()["get_requests"] == 1);  // refused before the source fetched anything

  auto replaced = no_state;
  replaced.push_back("--full-refresh");
  REQUIRE(work.run(replaced).result.exit_code == 0);
  CHECK(read_file(work.csv_path()) == before);  // the same one run's rows, not two

  const auto null = work.run({"run", "fullstory", "to", "null", "--config", work.write_config(sim), "--full-refresh"});
  CHECK_MESSAGE(null.result.exit_code == 2, null.result.describe());
  CHECK(contains(null.result.err, "sink 'null' cannot replace its output"));
  CHECK(sim.stats()["get_requests"] == 2);  // the refused run fetched nothing
}
