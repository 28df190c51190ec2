// The plugin (dlopen'ed, driven through its C ABI) against the real simulator: the happy
// paths, every gzip transport, paging, resume from state, selection.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "fullstory_support.h"

using namespace fstest;
using nlohmann::json;

TEST_CASE("discover: a SCHEMA for events with catalog metadata, then the 14 metadata streams") {
  PluginHarness plugin;
  const auto result = plugin.discover(R"({"api_key":"na1.TEST-KEY-Zq8r2Vx"})");
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  REQUIRE(result.messages.size() == 15);
  CHECK(result.messages[0].kind == ETL_MSG_SCHEMA);
  CHECK(result.messages[0].stream == "events");
  const auto message = json::parse(result.messages[0].json);
  CHECK(message["metadata"][0]["metadata"]["forced-replication-method"] == "INCREMENTAL");
  CHECK(message["schema"]["properties"]["PageId"]["type"] == json({"null", "integer"}));
  check_no_key(result);
}

TEST_CASE("sync: every event of every bundle, exactly the simulator's, STATE after each bundle") {
  const std::vector<std::string> args = {"--bundles", "3", "--events-per-bundle", "700,0,1300", "--seed", "7"};
  Simulator sim(args);
  PluginHarness plugin;
  const auto result = plugin.sync(plugin_config(sim));
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  const auto expected = Simulator::dump_events(args);
  REQUIRE(expected.size() == 2000);
  check_same_events(result.records(), expected);

  // SCHEMA first, then records; one STATE right after the last record of each bundle.
  REQUIRE_FALSE(result.messages.empty());
  CHECK(result.messages[0].kind == ETL_MSG_SCHEMA);
  std::vector<size_t> records_before_state;
  size_t records = 0;
  for (const auto& m : result.messages) {
    if (m.kind == ETL_MSG_RECORD) ++records;
    if (m.kind == ETL_MSG_STATE) records_before_state.push_back(records);
  }
  CHECK(records_before_state == std::vector<size_t>{700, 700, 2000});
  const auto states = result.states();
  REQUIRE(states.size() == 3);
  for (int i = 0; i < 3; ++i) {
    const auto state = json::parse(states[static_cast<size_t>(i)]);
    CHECK(state["bookmarks"]["events"]["last_bundle_id"].get<int64_t>() == bundle_id(i));
  }
  CHECK(states[2].rfind(R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-18T00:00:00Z",)"
                        R"("last_bundle_id":9007199254742993,"fields":[)",
                        0) == 0);
  CHECK(result.counters.at("bundles") == 3);
  CHECK(result.counters.at("bytes_downloaded") > 0);
  CHECK(contains(result.everything(),
                 "bundle 9007199254740993 (2023-11-15T00:00:00Z to 2023-11-16T00:00:00Z): 700 events"));
  check_no_key(result);
}

TEST_CASE("sync: values that break naive extractors arrive intact") {
  const std::vector<std::string> args = {"--bundles", "1", "--events-per-bundle", "400"};
  Simulator sim(args);
  PluginHarness plugin;
  const auto result = plugin.sync(plugin_config(sim));
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  bool saw_unsafe_id = false;
  bool saw_millis = false;
  for (const auto& record : result.records()) {
    const auto event = json::parse(without_event_id(record));
    // Above 2^53 a double would round; the record must carry the exact digits.
    if (event["UserId"].get<int64_t>() > (int64_t{1} << 53)) {
      saw_unsafe_id = contains(record, "\"UserId\":" + std::to_string(event["UserId"].get<int64_t>()));
    }
    const auto start = event["EventStart"].get<std::string>();
    saw_millis = saw_millis || (start.size() == 24 && start[19] == '.' && start.substr(20, 3) != "000");
    CHECK(record.find('\n') == std::string::npos);
    CHECK(record.find('\r') == std::string::npos);
  }
  for (const auto& m : result.messages) {
    if (m.kind == ETL_MSG_RECORD) CHECK(m.time_extracted_ms > 0);
  }
  CHECK(saw_unsafe_id);
  CHECK(saw_millis);
}

TEST_CASE("sync: every gzip transport and body framing gives the same events") {
  const std::vector<std::string> base = {"--bundles", "2", "--events-per-bundle", "300,500", "--seed", "3"};
  const auto expected = Simulator::dump_events(base);
  TempDir cache;
  struct Mode {
    const char* name;
    std::vector<std::string> args;
  };
  const std::vector<Mode> modes = {
      {"negotiate", {"--gzip", "negotiate"}},
      {"payload", {"--gzip", "payload"}},
      {"encoding", {"--gzip", "encoding"}},
      {"none", {"--gzip", "none"}},
      {"cache (Content-Length)", {"--gzip", "payload", "--cache-dir", cache.path().string()}},
  };
  for (const auto& mode : modes) {
    CAPTURE(mode.name);
    auto args = base;
    args.insert(args.end(), mode.args.begin(), mode.args.end());
    Simulator sim(args);
    PluginHarness plugin;
    const auto result = plugin.sync(plugin_config(sim));
    REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
    check_same_events(result.records(), expected);
    CHECK(result.states().size() == 2);
  }
}

TEST_CASE("sync: pages through more than 20 bundles") {
  for (const int bundles : {45, 40}) {
    CAPTURE(bundles);
    const std::vector<std::string> args = {"--bundles", std::to_string(bundles), "--events-per-bundle", "3"};
    Simulator sim(args);
    PluginHarness plugin;
    const auto result = plugin.sync(plugin_config(sim));
    REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
    check_same_events(result.records(), Simulator::dump_events(args));
    CHECK(result.states().size() == static_cast<size_t>(bundles));
    // Only an empty page proves there is no more: 45 is 20, 20, 5, 0; 40 is 20, 20, 0.
    CHECK(sim.stats()["list_requests"] == (bundles == 45 ? 4 : 3));
    CHECK(sim.stats()["get_requests"] == bundles);
  }
}

TEST_CASE("sync: a resumed run continues after the committed state: no event twice, none skipped") {
  // Bundle 2 is larger than one emit batch (1024 messages), so the sink can fail mid-bundle.
  const std::vector<std::string> args = {"--bundles", "4", "--events-per-bundle", "200,300,1500,500"};
  const auto expected = Simulator::dump_events(args);
  Simulator sim(args);
  PluginHarness plugin;

  // Run 1 dies in the middle of bundle 3 (the sink fails), after the STATE of bundle 2.
  const auto first = plugin.sync(plugin_config(sim), "", "", [](const std::vector<Message>& sofar) {
    size_t states = 0;
    for (const auto& m : sofar) states += m.kind == ETL_MSG_STATE ? 1 : 0;
    return states >= 2 && sofar.back().kind == ETL_MSG_RECORD ? ETL_E_IO : ETL_OK;
  });
  REQUIRE(first.status == ETL_E_IO);
  REQUIRE(first.states().size() == 2);
  const std::string committed = first.last_state();
  CHECK(json::parse(committed)["bookmarks"]["events"]["last_bundle_id"] == bundle_id(1));
  // The host commits only up to that STATE: records after it are rolled back.
  std::vector<std::string> delivered;
  for (const auto& m : first.messages) {
    if (m.kind == ETL_MSG_RECORD) delivered.push_back(m.json);
    if (m.kind == ETL_MSG_STATE && m.json == committed) break;
  }
  CHECK(delivered.size() == 500);

  const auto second = plugin.sync(plugin_config(sim), committed);
  REQUIRE_MESSAGE(second.status == ETL_OK, second.describe());
  for (const auto& record : second.records()) delivered.push_back(record);
  check_same_events(delivered, expected);
  CHECK(second.states().size() == 2);

  // And a run from the final state finds nothing new and emits no STATE.
  const auto third = plugin.sync(plugin_config(sim), second.last_state());
  REQUIRE_MESSAGE(third.status == ETL_OK, third.describe());
  CHECK(third.records().empty());
  CHECK(third.states().empty());
  CHECK(contains(third.everything(), "no new bundles"));
}

TEST_CASE("sync: takes over from a tap-fullstory state without re-extracting") {
  const std::vector<std::string> args = {"--bundles", "3", "--events-per-bundle", "10,20,30"};
  const auto expected = Simulator::dump_events(args);
  Simulator sim(args);
  PluginHarness plugin;
  for (const char* state : {R"({"events":"2023-11-16T00:00:00Z"})", R"({"events":"2023-11-16T00:00:00.000000Z"})"}) {
    CAPTURE(state);
    const auto result = plugin.sync(plugin_config(sim), state);
    REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
    check_same_events(result.records(), slice(expected, 10, 60));
    CHECK(json::parse(result.last_state())["bookmarks"]["events"]["last_bundle_id"] == bundle_id(2));
    CHECK(contains(result.everything(), "tap-fullstory"));
  }
  // A time set by hand, inside bundle 1: bundle 1 and 2 follow, not refused as an overlap.
  const auto result = plugin.sync(plugin_config(sim), R"({"events":"2023-11-16T12:00:00Z"})");
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  check_same_events(result.records(), slice(expected, 10, 60));
}

TEST_CASE("sync: start_date selects bundles by their Stop") {
  const std::vector<std::string> args = {"--bundles", "3", "--events-per-bundle", "5"};
  const auto expected = Simulator::dump_events(args);
  Simulator sim(args);
  PluginHarness plugin;
  // Bundle 0 ends 2023-11-16T00:00:00Z: a start exactly there excludes it, a second earlier
  // includes it.
  auto result = plugin.sync(plugin_config(sim, {{"start_date", "2023-11-16T00:00:00Z"}}));
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  check_same_events(result.records(), slice(expected, 5, 15));
  result = plugin.sync(plugin_config(sim, {{"start_date", "2023-11-15T23:59:59Z"}}));
  check_same_events(result.records(), expected);
  // Without an offset it is UTC, and the log says so.
  result = plugin.sync(plugin_config(sim, {{"start_date", "2023-11-16 00:00:00"}}));
  check_same_events(result.records(), slice(expected, 5, 15));
  CHECK(contains(result.everything(), "start_date, read as UTC: it has no offset"));
}

TEST_CASE("sync: the default start_date is one year back (the simulator's 2023 bundles are older)") {
  Simulator sim({"--bundles", "2", "--events-per-bundle", "5"});
  PluginHarness plugin;
  json config = json::parse(plugin_config(sim));
  config.erase("start_date");
  const auto result = plugin.sync(config.dump());
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  CHECK(result.records().empty());
  CHECK(contains(result.everything(), "default start_date"));
}

TEST_CASE("sync: honours catalog selection") {
  Simulator sim({"--bundles", "1", "--events-per-bundle", "5"});
  PluginHarness plugin;
  const std::string deselected =
      R"({"streams":[{"tap_stream_id":"events","metadata":[{"breadcrumb":[],"metadata":{"selected":false}}]}]})";
  auto result = plugin.sync(plugin_config(sim), "", deselected);
  REQUIRE_MESSAGE(result.status == ETL_OK, result.describe());
  CHECK(result.messages.empty());
  CHECK(sim.stats()["list_requests"] == 0);
  const std::string selected =
      R"({"streams":[{"tap_stream_id":"events","metadata":[{"breadcrumb":[],"metadata":{"selected":true}}]}]})";
  result = plugin.sync(plugin_config(sim), "", selected);
  CHECK(result.records().size() == 5);
}

TEST_CASE("sync: a metadata bookmark it cannot use is refused before any request, naming it") {
  Simulator sim({"--bundles", "1"});
  PluginHarness plugin;
  const std::string selected = R"({"streams":[{"tap_stream_id":"block_rules_history",)"
                               R"("metadata":[{"breadcrumb":[],"metadata":{"selected":true}}]}]})";
  const auto result = plugin.sync(plugin_config(sim),
                                  R"({"bookmarks":{"block_rules_history":{"lastUpdated":"yesterday"}}})", selected);
  CHECK(result.status == ETL_E_INVALID_STATE);
  CHECK(contains(result.error, "bookmarks.block_rules_history"));
  CHECK(contains(result.error, "\"yesterday\""));
  CHECK(sim.stats()["list_requests"] == 0);
  CHECK(sim.stats()["settings_requests"] == 0);
}

TEST_CASE("sync: an unknown state is refused before any request") {
  Simulator sim({"--bundles", "1"});
  PluginHarness plugin;
  const auto result = plugin.sync(plugin_config(sim), R"({"bookmarks":{"sessions":{"x":1}}})");
  CHECK(result.status == ETL_E_INVALID_STATE);
  CHECK(contains(result.error, "tap-fullstory"));
  CHECK(sim.stats()["list_requests"] == 0);
}

TEST_CASE("create: bad config values are refused with the key named and the secret hidden") {
  PluginHarness plugin;
  auto result = plugin.create_only(R"({"api_key":"na1.TEST-KEY-Zq8r2Vx","idle_timeout_seconds":0})");
  CHECK(result.status == ETL_E_INVALID_ARGUMENT);
  CHECK(contains(result.error, "idle_timeout_seconds"));
  result = plugin.create_only(R"({"api_key":"Basic na1.TEST-KEY-Zq8r2Vx"})");
  CHECK(result.status == ETL_E_INVALID_ARGUMENT);
  check_no_key(result);
}
