// End to end with the real etlhost binary: the metadata streams (users, segments, the six
// recording settings and their histories) against the real simulator, into singer and csv:
// every record and value, paging, incremental histories across runs and SIGKILL, the 403
// skip, 429 storms, and each bug of tap-fullstory 2.0 as a named test.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <map>
#include <thread>

#include "e2e_support.h"

using namespace fstest;

namespace {

const std::vector<std::string> kHistories = {"block_rules_history",        "domain_settings_history",
                                             "geo_settings_history",       "privacy_settings_history",
                                             "recording_features_history", "target_rules_history"};
const std::vector<std::string> kCurrent = {"block_rules",      "domain_settings",    "geo_settings",
                                           "privacy_settings", "recording_features", "target_rules"};

// One bundle of events (the events stream is selected too), default metadata (250 users in 3
// pages, 130 + 1 segments, 130 versions per setting).
const std::vector<std::string> kArgs = {"--bundles", "1", "--events-per-bundle", "50", "--seed", "5"};

std::vector<std::string> all_metadata_streams() {
  std::vector<std::string> streams = {"users", "segments"};
  for (size_t i = 0; i < kCurrent.size(); ++i) streams.insert(streams.end(), {kCurrent[i], kHistories[i]});
  return streams;
}

bool is_settings(const std::string& stream) { return stream != "users" && stream != "segments"; }

// What etlhost delivers for one object the API served: settings objects get metadata's
// lastUpdated, created and createdBy at the top level (tap-fullstory 2.0's columns).
json delivered(const std::string& stream, const std::string& served) {
  json record = json::parse(served);
  if (is_settings(stream)) {
    for (const char* key : {"lastUpdated", "created", "createdBy"}) record[key] = record["metadata"][key];
  }
  return record;
}

std::vector<json> expected_records(const std::vector<std::string>& args, const std::string& stream) {
  std::vector<json> records;
  for (const std::string& line : Simulator::dump_metadata(args, stream)) records.push_back(delivered(stream, line));
  return records;
}

std::vector<json> parsed(const std::vector<std::string>& lines) {
  std::vector<json> out;
  for (const std::string& line : lines) out.push_back(json::parse(line));
  return out;
}

// The catalog `etlhost discover` prints, every stream selected.
std::string select_all(Workspace& work, const Simulator& sim, const json& extra = json::object()) {
  const auto discovered = work.run({"discover", "fullstory", "--config", work.write_config(sim, extra)});
  REQUIRE_MESSAGE(discovered.result.exit_code == 0, discovered.result.describe());
  json document = json::parse(discovered.result.out);
  for (json& stream : document["streams"]) {
    for (json& item : stream["metadata"]) {
      if (item["breadcrumb"].empty()) item["metadata"]["selected"] = true;
    }
  }
  const std::string path = work.dir().file("catalog.json");
  std::ofstream(path) << document.dump();
  return path;
}

HostRun singer_run(Workspace& work, const Simulator& sim, const std::string& catalog, json extra = json::object()) {
  return work.run({"run", "fullstory", "to", "singer", "--config", work.write_config(sim, std::move(extra)), "--set",
                   "singer.commit_when_written=true", "--state", work.state_path(), "--catalog", catalog});
}

// Every stream to singer in one successful run.
HostRun all_to_singer(Workspace& work, const Simulator& sim) {
  HostRun run = singer_run(work, sim, select_all(work, sim));
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  return run;
}

HostRun csv_run(Workspace& work, const Simulator& sim, const std::string& catalog) {
  return work.run({"run", "fullstory", "->", "csv", "--config", work.write_config(sim), "--state", work.state_path(),
                   "--catalog", catalog, "--set", "csv.output_dir=" + work.csv_dir()});
}

json bookmarks_of(const HostRun& run) { return json::parse(run.state)["state"]["bookmarks"]; }

// The rows of <stream>.csv as objects keyed by its header; nested values parsed back from
// their JSON text.
std::vector<std::map<std::string, std::string>> csv_rows(const Workspace& work, const std::string& stream) {
  const auto rows = parse_csv(read_file(work.dir().file("csv/" + stream + ".csv")));
  REQUIRE_FALSE(rows.empty());
  std::vector<std::map<std::string, std::string>> out;
  for (size_t r = 1; r < rows.size(); ++r) {
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) row[rows[0][c].text] = rows[r][c].text;
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

TEST_CASE("metadata e2e: a catalog selecting every stream delivers all 15 to singer, every record and value") {
  Simulator sim(kArgs);
  Workspace work;
  const auto run = all_to_singer(work, sim);
  CHECK(singer_records_of(run.result.out, "events").size() == 50);
  for (const std::string& stream : all_metadata_streams()) {
    INFO("stream " << stream);
    const auto got = parsed(singer_records_of(run.result.out, stream));
    const auto expected = expected_records(kArgs, stream);
    REQUIRE(!expected.empty());
    CHECK(got == expected);
  }
  // Each stream says it in its own SCHEMA, before its records.
  std::set<std::string> schemas;
  for (const json& message : singer_messages(run.result.out)) {
    if (message["type"] == "SCHEMA") schemas.insert(message["stream"].get<std::string>());
  }
  CHECK(schemas.size() == 15);
  const json bookmarks = bookmarks_of(run);
  CHECK(bookmarks.contains("events"));
  for (const std::string& stream : all_metadata_streams()) CHECK_MESSAGE(bookmarks.contains(stream), stream);
  check_no_key(run);
}

TEST_CASE("metadata e2e: into csv, one file per stream with every row, nested values as JSON") {
  Simulator sim(kArgs);
  Workspace work;
  const auto run = csv_run(work, sim, select_all(work, sim));
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  for (const std::string& stream : all_metadata_streams()) {
    INFO("stream " << stream);
    CHECK(csv_rows(work, stream).size() == Simulator::dump_metadata(kArgs, stream).size());
  }
  const auto users = csv_rows(work, "users");
  const auto expected = expected_records(kArgs, "users");
  REQUIRE(users.size() == expected.size());
  for (size_t i = 0; i < users.size(); ++i) {
    CHECK(users[i].at("id") == expected[i]["id"].get<std::string>());
    CHECK(json::parse(users[i].at("properties")) == expected[i]["properties"]);
  }
}

TEST_CASE("metadata e2e: 2.0 bug fixed: users are read across every page with page_token, not one page") {
  Simulator sim(kArgs);
  Workspace work;
  const auto run = all_to_singer(work, sim);
  const auto users = parsed(singer_records_of(run.result.out, "users"));
  std::set<std::string> ids;
  for (const json& user : users) ids.insert(user["id"].get<std::string>());
  CHECK(users.size() == 250);
  CHECK(ids.size() == 250);
  const json stats = sim.stats();
  CHECK(stats["users_requests"] == 3);
  CHECK(stats["segments_requests"] == 2);  // 131 segments at limit 100
  CHECK(contains(run.result.err, "users: 250 records in 3 pages"));
}

TEST_CASE("metadata e2e: 2.0 bug fixed: every custom user property is kept, nested ones included, schema an object") {
  Simulator sim(kArgs);
  Workspace work;
  const auto run = all_to_singer(work, sim);
  const auto users = parsed(singer_records_of(run.result.out, "users"));
  size_t nested = 0;
  size_t beyond_the_three_samples = 0;
  for (const json& user : users) {
    for (const auto& [name, value] : user["properties"].items()) {
      if (value.is_object()) ++nested;
      if (name != "pricing_plan" && name != "popup_help" && name != "total_spent") ++beyond_the_three_samples;
    }
    if (!user["schema"].is_null()) CHECK(user["schema"].is_object());
  }
  CHECK(nested > 0);
  CHECK(beyond_the_three_samples > users.size());
  // The declared schema leaves properties open: a target keeps every member.
  for (const json& message : singer_messages(run.result.out)) {
    if (message["type"] != "SCHEMA" || message["stream"] != "users") continue;
    const json& properties = message["schema"]["properties"]["properties"];
    CHECK_FALSE(properties.contains("properties"));
    CHECK(message["schema"]["properties"]["schema"]["type"] == json({"null", "object"}));
  }
}

TEST_CASE("metadata e2e: 2.0 bug fixed: Basic auth and single-slash paths on every request") {
  Simulator sim(kArgs);
  Workspace work;
  const auto run = all_to_singer(work, sim);
  const json stats = sim.stats();
  CHECK(stats["settings_requests"] >= 12);
  CHECK(stats["bearer_requests"] == 0);
  CHECK(stats["double_slash_requests"] == 0);
}

TEST_CASE("metadata e2e: 2.0 bugs fixed: a second run emits only newer versions, stops paging, skips unchanged") {
  Workspace work;
  const int port = [&] {
    Simulator sim(kArgs);
    const auto first = singer_run(work, sim, select_all(work, sim));
    REQUIRE_MESSAGE(first.result.exit_code == 0, first.result.describe());
    for (const std::string& stream : kHistories) CHECK(singer_records_of(first.result.out, stream).size() == 130);
    return sim.port();
  }();
  // Five more versions of every setting: the next run gets exactly those, from one page each.
  const std::vector<std::string> more = with(kArgs, {"--history-versions", "135"});
  {
    Simulator sim(more, false, "127.0.0.1", port);
    const auto second = singer_run(work, sim, work.dir().file("catalog.json"));
    REQUIRE_MESSAGE(second.result.exit_code == 0, second.result.describe());
    for (const std::string& stream : kHistories) {
      INFO("stream " << stream);
      auto expected = expected_records(more, stream);
      expected.resize(5);  // newest first: the five new ones
      CHECK(parsed(singer_records_of(second.result.out, stream)) == expected);
      CHECK(bookmarks_of(second)[stream]["lastUpdated"] == expected.front()["lastUpdated"]);
    }
    // Every current object changed (its newest version is new): emitted once each.
    for (const std::string& stream : kCurrent) CHECK(singer_records_of(second.result.out, stream).size() == 1);
    CHECK(sim.stats()["history_requests"] == 6);  // one page each, not all 2
  }
  Simulator sim(more, false, "127.0.0.1", port);
  const auto third = singer_run(work, sim, work.dir().file("catalog.json"));
  REQUIRE_MESSAGE(third.result.exit_code == 0, third.result.describe());
  for (const std::string& stream : kHistories) CHECK(singer_records_of(third.result.out, stream).empty());
  for (const std::string& stream : kCurrent) {
    CHECK(singer_records_of(third.result.out, stream).empty());
    CHECK(contains(third.result.err, stream + ": unchanged since the last run"));
  }
  // Full tables are full every run.
  CHECK(singer_records_of(third.result.out, "users").size() == 250);
}

TEST_CASE("metadata e2e: 2.0 bug fixed: timestamps compare as instants, so a version in start_date's second counts") {
  // The oldest version is 2023-05-12T15:16:10.268269Z: as strings it sorts before
  // "2023-05-12T15:16:10Z" (which 2.0 compared, so dropped it), as instants it is after it.
  Simulator sim(kArgs);
  Workspace work;
  const std::string catalog = select_all(work, sim);
  const auto run = singer_run(work, sim, catalog, {{"start_date", "2023-05-12T15:16:10Z"}});
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  const auto expected = expected_records(kArgs, "block_rules_history");
  CHECK(expected.back()["metadata"]["lastUpdated"].get<std::string>().rfind("2023-05-12T15:16:10.", 0) == 0);
  CHECK(parsed(singer_records_of(run.result.out, "block_rules_history")) == expected);
}

TEST_CASE("metadata e2e: a key without Admin permission skips privacy settings with a warning, the rest arrive") {
  Simulator sim(with(kArgs, {"--non-admin-key"}));
  Workspace work;
  const std::string catalog = select_all(work, sim);
  const auto run = singer_run(work, sim, catalog);
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  CHECK(contains(run.result.err, "stream 'privacy_settings' SKIPPED"));
  CHECK(contains(run.result.err, "stream 'privacy_settings_history' SKIPPED"));
  CHECK(contains(run.result.err, "privacy settings need an Admin key"));
  CHECK(singer_records_of(run.result.out, "privacy_settings").empty());
  CHECK(singer_records_of(run.result.out, "block_rules_history").size() == 130);
  const json bookmarks = bookmarks_of(run);
  CHECK_FALSE(bookmarks.contains("privacy_settings"));
  CHECK_FALSE(bookmarks.contains("privacy_settings_history"));
  CHECK(bookmarks.contains("target_rules_history"));

  // Asked to, the same run fails, naming the stream and the key it needs, state unchanged.
  const auto strict = singer_run(work, sim, catalog, {{"skip_forbidden_streams", false}});
  CHECK(strict.result.exit_code != 0);
  CHECK(contains(strict.result.err, "privacy_settings (GET /settings/recording/v1/privacy)"));
  CHECK(contains(strict.result.err, "Admin key"));
  check_no_key(strict);
}

TEST_CASE("metadata e2e: 2.0 bug fixed: a 429 storm is paced by Retry-After, never hammered, nothing lost") {
  Simulator sim(with(kArgs, {"--api-rate-limit", "4", "--api-burst", "4"}));
  Workspace work;
  const auto run = all_to_singer(work, sim);
  const json stats = sim.stats();
  CHECK(stats["rate_limited"] > 0);
  CHECK(stats["early_retries"] == 0);  // every retry waited as long as the server said
  for (const std::string& stream : all_metadata_streams()) {
    CHECK(parsed(singer_records_of(run.result.out, stream)) == expected_records(kArgs, stream));
  }
}

TEST_CASE("metadata e2e: SIGKILL between streams resumes exactly: no version twice, no partial table") {
  Workspace work;
  int port = 0;
  std::string catalog;
  {
    // The first settings request stalls: killed there, after users and segments.
    Simulator sim(with(kArgs, {"--fault", "settings:stall:1", "--stall-seconds", "60"}));
    port = sim.port();
    catalog = select_all(work, sim);
    etltest::ProcessOptions options;
    options.env["FULLSTORY_API_KEY"] = kApiKey;
    options.working_dir = work.dir().path().string();
    options.timeout = std::chrono::seconds(60);
    auto process = etltest::Process::start(
        etltest::etlhost_bin(),
        {"run", "fullstory", "->", "csv", "--config", work.write_config(sim), "--state", work.state_path(), "--catalog",
         catalog, "--set", "csv.output_dir=" + work.csv_dir()},
        options);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (sim.stats()["faults_injected"] < 1) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    process.send_signal(SIGKILL);
    CHECK(process.wait().exit_code != 0);
  }
  Simulator sim(kArgs, false, "127.0.0.1", port);
  const auto run = csv_run(work, sim, catalog);
  REQUIRE_MESSAGE(run.result.exit_code == 0, run.result.describe());
  for (const std::string& stream : kHistories) {
    INFO("stream " << stream);
    const auto rows = csv_rows(work, stream);
    std::set<std::string> versions;
    for (const auto& row : rows) versions.insert(row.at("lastUpdated"));
    CHECK(rows.size() == 130);
    CHECK(versions.size() == 130);
  }
  for (const std::string& stream : kCurrent) CHECK(csv_rows(work, stream).size() == 1);
  // A full table is whole each time it was committed: every user as often as every other.
  std::map<std::string, int> copies;
  for (const auto& row : csv_rows(work, "users")) ++copies[row.at("id")];
  CHECK(copies.size() == 250);
  for (const auto& [id, count] : copies) CHECK(count == copies.begin()->second);
}

TEST_CASE("metadata e2e: discover lists every stream, metadata ones opt-in, with keys and replication") {
  Simulator sim(kArgs);
  Workspace work;
  const auto discovered = work.run({"discover", "fullstory", "--config", work.write_config(sim)});
  REQUIRE_MESSAGE(discovered.result.exit_code == 0, discovered.result.describe());
  const json catalog = json::parse(discovered.result.out);
  std::map<std::string, json> root;
  for (const json& stream : catalog["streams"]) {
    for (const json& item : stream["metadata"]) {
      if (item["breadcrumb"].empty()) root[stream["tap_stream_id"].get<std::string>()] = item["metadata"];
    }
  }
  CHECK(root.size() == 15);
  CHECK(root["events"]["selected-by-default"] == true);
  for (const std::string& stream : all_metadata_streams()) {
    INFO("stream " << stream);
    CHECK(root[stream]["selected-by-default"] == false);
    CHECK(root[stream]["forced-replication-method"] == (is_settings(stream) ? "INCREMENTAL" : "FULL_TABLE"));
  }
  // Without a catalog only events run, as a Stitch user expects.
  const auto plain = work.to_singer(sim);
  CHECK(singer_records_of(plain.result.out, "users").empty());
  CHECK_FALSE(bookmarks_of(plain).contains("users"));
}
