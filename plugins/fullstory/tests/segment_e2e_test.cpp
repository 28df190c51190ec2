// End to end with the real etlhost binary: export_api segment_export against the real
// simulator's Segment Export endpoints, into csv and singer: every value, windows resumed
// exactly across SIGKILL, expired locations, FAILED exports, Range resumes, the settle delay,
// the EU host, fields, legacy names and the individuals stream.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <thread>

#include "e2e_support.h"
#include "timestamps.h"

using namespace fstest;

namespace {

// Three days of bundles (2023-11-15 to 18) in 6 h windows: 12 windows.
const std::vector<std::string> kArgs = {"--bundles", "3", "--events-per-bundle", "300,0,500", "--seed", "7"};
constexpr const char* kFirst = "2023-11-15T00:00:00Z";
constexpr const char* kLast = "2023-11-18T00:00:00Z";
constexpr int64_t kWindow = 6 * 3600;
const int64_t kFirstUnix = fullstory::parse_rfc3339(kFirst).value();

// The segment_export config for the 12 windows; `extra` merged over it.
json segment(json extra = json::object()) {
  json config = {{"export_api", "segment_export"},
                 {"start_date", kFirst},
                 {"export_window_minutes", 360},
                 {"max_windows_per_run", 12},
                 {"exports_in_flight", 3}};
  for (const auto& [key, value] : extra.items()) config[key] = value;
  return config;
}

std::vector<std::string> truth() { return Simulator::dump_segment_export(kArgs, kFirst, kLast); }

json state_of(const HostRun& run) { return json::parse(run.state)["state"]; }

std::string window_start_text(int i) { return std::to_string(kFirstUnix + i * kWindow); }

// Waits until `done` says so (a stats condition), or fails after 30 s.
template <class Done>
void wait_until(const Done& done, const char* what) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "timed out waiting for " << what);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

TEST_CASE("segment e2e: fullstory -> csv writes exactly the simulator's events of every window, every value") {
  Simulator sim(with(kArgs, {"--prepare-ms", "300"}));
  Workspace work;
  const auto run = work.to_csv(sim, segment());
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  check_csv_events(work.csv_path(), truth());
  CHECK(state_of(run)["bookmarks"]["events"]["window_end"] == kLast);
  const json stats = sim.stats();
  CHECK(stats["exports_created"] == 12);
  CHECK(stats["storage_authorization_rejected"] == 0);  // no Authorization to the signed URL, ever
  CHECK(stats["storage_requests"] == 12);
  CHECK(stats["exports_pending_max"] > 1);   // the next windows were preparing meanwhile
  CHECK(stats["exports_pending_max"] <= 3);  // and never more than exports_in_flight
  CHECK(contains(run.result.err, "events: 12 windows of 360 min to export"));
  CHECK(contains(run.result.err, "fullstory.events_windows=12"));  // the progress counter, per stream
  check_no_key(run, {work.csv_path()});
}

TEST_CASE("segment e2e: fullstory -> singer emits exactly the simulator's events, keyed by window and position") {
  Simulator sim(kArgs);
  Workspace work;
  const auto run = work.to_singer(sim, segment());
  const auto got = singer_records(run.result.out);
  const auto expected = truth();
  REQUIRE(got.size() == expected.size());
  std::set<std::string> keys;
  for (size_t i = 0; i < got.size(); ++i) {
    json record = json::parse(got[i]);
    keys.insert(record.at("event_id").get<std::string>());
    record.erase("event_id");
    if (record != json::parse(expected[i])) FAIL("event " << i << " differs");
  }
  CHECK(keys.size() == got.size());
  CHECK(keys.count(window_start_text(0) + ":0") == 1);
  // One STATE per window, each after its window's records.
  int states = 0;
  for (const json& message : singer_messages(run.result.out)) states += message["type"] == "STATE" ? 1 : 0;
  CHECK(states == 12);
}

TEST_CASE("segment e2e: a resumed run exports the next windows, never a committed one again") {
  Workspace work;
  Simulator sim(kArgs);
  const auto first = work.to_csv(sim, segment({{"max_windows_per_run", 5}}));
  REQUIRE_MESSAGE(first.result.exit_code == 0, first.result.describe());
  CHECK(state_of(first)["bookmarks"]["events"]["window_end"] ==
        fullstory::format_rfc3339_utc(kFirstUnix + 5 * kWindow));
  const auto second = work.to_csv(sim, segment({{"max_windows_per_run", 7}}));
  REQUIRE_MESSAGE(second.result.exit_code == 0, second.result.describe());
  CHECK(sim.stats()["exports_created"] == 12);  // 5 + 7: no window twice
  check_csv_events(work.csv_path(), truth());
  CHECK(state_of(second)["bookmarks"]["events"]["window_end"] == kLast);
}

TEST_CASE("segment e2e: killed while polling and while downloading, the reruns deliver every event once") {
  Workspace work;
  const std::vector<std::string> common = {"--state", work.state_path(), "--checkpoint-interval",
                                           "0",       "--set",           "csv.output_dir=" + work.csv_dir()};
  int port = 0;
  const auto kill_when = [&](const std::vector<std::string>& sim_args, const auto& ready, const char* what) {
    Simulator sim(sim_args, false, "127.0.0.1", port);
    port = sim.port();
    etltest::ProcessOptions options;
    options.env["FULLSTORY_API_KEY"] = kApiKey;
    options.timeout = std::chrono::seconds(60);
    auto process = etltest::Process::start(
        etltest::etlhost_bin(),
        with({"run", "fullstory", "->", "csv", "--config", work.write_config(sim, segment())}, common), options);
    wait_until([&] { return ready(sim.stats()); }, what);
    process.send_signal(SIGKILL);
    CHECK(process.wait().exit_code != 0);
  };
  // Every export takes 20 s to prepare: killed while polling window 0, nothing committed.
  kill_when(
      with(kArgs, {"--prepare-ms", "20000"}), [](const json& stats) { return stats["operation_polls"] >= 2; },
      "a poll");
  // Window 2's body stalls halfway: killed mid-download, its first half already in the csv.
  kill_when(
      with(kArgs, {"--fault", "storage:stall:1@" + window_start_text(2), "--stall-seconds", "60"}),
      [](const json& stats) { return stats["faults_injected"] >= 1; }, "the stall");
  Simulator sim(kArgs, false, "127.0.0.1", port);
  const auto run = work.run(
      with({"run", "fullstory", "->", "csv", "--config", work.write_config(sim, segment())}, common));
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  check_csv_events(work.csv_path(), truth());
}

TEST_CASE("segment e2e: a body cut mid-download resumes with a Range request, no record twice") {
  Simulator sim(with(kArgs, {"--fault", "storage:truncate:1@" + window_start_text(0)}));
  Workspace work;
  const auto run = work.to_csv(sim, segment());
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(sim.stats()["storage_range_requests"] == 1);
  // The simulator logs each ("storage: Range bytes=N- for export ID"); its stderr is read as it comes.
  CHECK(sim.wait_for_log("Range bytes=", std::chrono::seconds(10)));
  CHECK(contains(run.result.err, "fullstory.range_resumes=1"));
  check_csv_events(work.csv_path(), truth());
}

TEST_CASE("segment e2e: an expired signed URL is fetched again from the results endpoint") {
  Simulator sim(with(kArgs, {"--fault", "results:expired:1@" + window_start_text(0)}));
  Workspace work;
  const auto run = work.to_csv(sim, segment());
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(sim.stats()["results_requests"] == 13);  // window 0 twice
  check_csv_events(work.csv_path(), truth());
}

TEST_CASE("segment e2e: a FAILED export fails the run with FullStory's details, the state stays before its window") {
  Simulator sim(with(kArgs, {"--fault", "operation:failed:1@" + window_start_text(3)}));
  Workspace work;
  const auto run = work.to_csv(sim, segment());
  CHECK_MESSAGE(run.result.exit_code == 5, run.result.describe());
  CHECK(contains(run.result.err, "FAILED: export failed: internal error preparing the export"));
  CHECK(contains(run.result.err, "No state was saved for this window"));
  CHECK(state_of(run)["bookmarks"]["events"]["window_end"] == fullstory::format_rfc3339_utc(kFirstUnix + 3 * kWindow));
  // The rerun exports window 3 again and goes on: every event once.
  const auto rerun = work.to_csv(sim, segment());
  REQUIRE_MESSAGE(rerun.result.exit_code == 0, rerun.result.describe());
  check_csv_events(work.csv_path(), truth());
}

TEST_CASE("segment e2e: only settled windows are exported: one ending inside settle_minutes waits") {
  // Windows of the last two days, settle 24 h: those ending in the last 24 h are not asked for.
  const int64_t now = fullstory::unix_now();
  const int64_t from = now - 2 * 86400 - now % kWindow;
  Simulator sim(kArgs);
  Workspace work;
  const auto run = work.to_csv(
      sim, segment({{"start_date", fullstory::format_rfc3339_utc(from)}, {"max_windows_per_run", 0}}));
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  const json exports = sim.stats()["exports"];
  REQUIRE(!exports.empty());
  for (const json& created : exports) {
    CHECK(fullstory::parse_rfc3339(created["end"].get<std::string>()).value() <= now + 1 - 86400);
  }
  // Every settled window of the two days: from `from` to the last boundary a day before now.
  const int64_t settled_end = (now - 86400) - (now - 86400) % kWindow;
  CHECK(static_cast<int64_t>(exports.size()) == (settled_end - from) / kWindow);
  CHECK(state_of(run)["bookmarks"]["events"]["window_end"] == fullstory::format_rfc3339_utc(settled_end));
}

TEST_CASE("segment e2e: export_fields is sent and honoured, legacy_field_names keeps Data Export's columns") {
  Simulator sim(kArgs);
  Workspace work;
  const std::vector<std::string> fields = {"EventStart", "EventType", "PageUserAgent", "EventTargetSelector", "user_*"};
  const auto run = work.to_csv(sim, segment({{"export_fields", fields}, {"legacy_field_names", true}}));
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(sim.stats()["exports"][0]["fields"] == json(fields));
  const auto rows = csv_generations(work.csv_path());
  REQUIRE(!rows.empty());
  std::set<std::string> columns;
  for (const auto& cell : rows.back().first) columns.insert(cell.text);
  CHECK(columns.count("PageAgent") == 1);
  CHECK(columns.count("EventTargetSelectorTok") == 1);
  CHECK(columns.count("PageUserAgent") == 0);
  CHECK(rows.size() == Simulator::dump_segment_export(kArgs, kFirst, kLast, "TYPE_EVENT", fields).size());
}

TEST_CASE("segment e2e: the individuals stream is exported when the catalog selects it") {
  Simulator sim(kArgs);
  Workspace work;
  const std::string catalog = work.dir().file("catalog.json");
  {
    const auto discovered = work.run({"discover", "fullstory", "--config", work.write_config(sim, segment())});
    REQUIRE_MESSAGE(discovered.result.exit_code == 0, discovered.result.describe());
    json document = json::parse(discovered.result.out);
    for (json& stream : document["streams"]) {
      for (json& item : stream["metadata"]) {
        if (item["breadcrumb"].empty()) item["metadata"]["selected"] = true;
      }
    }
    std::ofstream(catalog) << document.dump();
  }
  const auto run = work.run({"run", "fullstory", "to", "singer", "--config", work.write_config(sim, segment()), "--set",
                             "singer.commit_when_written=true", "--state", work.state_path(), "--catalog", catalog});
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  // One export per window: an individual active in several windows is a record per window.
  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    const auto window = Simulator::dump_segment_export(kArgs, fullstory::format_rfc3339_utc(kFirstUnix + i * kWindow),
                                                       fullstory::format_rfc3339_utc(kFirstUnix + (i + 1) * kWindow),
                                                       "TYPE_INDIVIDUAL");
    expected.insert(expected.end(), window.begin(), window.end());
  }
  const auto individuals = singer_records_of(run.result.out, "individuals");
  REQUIRE(!expected.empty());
  REQUIRE(individuals.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    if (json::parse(individuals[i]) != json::parse(expected[i])) FAIL("individual " << i << " differs");
  }
  CHECK(singer_records_of(run.result.out, "events").size() == truth().size());
  CHECK(state_of(run)["bookmarks"]["individuals"]["window_end"] == kLast);
}

TEST_CASE("segment e2e: an eu1. key without base_url goes to api.eu1.fullstory.com, and says so") {
  Workspace work;
  const std::string config = work.dir().file("eu.json");
  std::ofstream(config) << segment({{"connect_retry_seconds", 0}, {"max_attempts", 1}}).dump();
  etltest::ProcessOptions options;
  options.env["FULLSTORY_API_KEY"] = "eu1.not-a-real-key";
  options.timeout = std::chrono::seconds(60);
  const auto run = etltest::run_process(
      etltest::etlhost_bin(),
      {"run", "fullstory", "->", "csv", "--config", config, "--set", "csv.output_dir=" + work.csv_dir()}, options);
  // No network here: the name does not resolve, which proves where the request went.
  CHECK(run.exit_code != 0);
  CHECK(contains(run.err, "base_url https://api.eu1.fullstory.com: derived from the api_key's eu1. prefix"));
  CHECK_FALSE(contains(run.err, "not-a-real-key"));
}

TEST_CASE("segment e2e: check probes the Segment Export API with one cheap request, and names a rejected key") {
  Simulator sim(kArgs);
  Workspace work;
  const std::string config = work.write_config(sim, segment());
  const auto ok = work.run({"check", "fullstory", "--config", config});
  CHECK_MESSAGE(ok.result.exit_code == 0, ok.result.describe());
  CHECK(contains(ok.result.err, "the API key is accepted by the Segment Export API"));
  CHECK(sim.stats()["operation_lists"] == 1);
  CHECK(sim.stats()["exports_created"] == 0);  // a check creates nothing in the account
  etltest::ProcessOptions options;
  options.env["FULLSTORY_API_KEY"] = "na1.someone-elses-key-000";
  options.timeout = std::chrono::seconds(60);
  const auto refused = etltest::run_process(etltest::etlhost_bin(), {"check", "fullstory", "--config", config},
                                            options);
  CHECK_MESSAGE(refused.exit_code == 5, refused.describe());
  CHECK(contains(refused.err, "HTTP 401"));
}
