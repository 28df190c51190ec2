// The plugin against the real simulator: the event key, schema growth and catalog
// selection as a target sees them (issue 9, parts B, C and D).
#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "fullstory_support.h"

using namespace fstest;
using nlohmann::json;

namespace {

// The records of `result` up to and including the STATE `state` (what a host commits).
std::vector<std::string> records_through(const RunResult& result, const std::string& state) {
  std::vector<std::string> records;
  for (const auto& m : result.messages) {
    if (m.kind == ETL_MSG_RECORD) records.push_back(m.json);
    if (m.kind == ETL_MSG_STATE && m.json == state) break;
  }
  return records;
}

// A catalog selecting the events stream with these property metadata entries.
std::string catalog_with(const json& property_metadata) {
  json metadata = json::array({{{"breadcrumb", json::array()}, {"metadata", {{"selected", true}}}}});
  for (const auto& item : property_metadata) metadata.push_back(item);
  return json({{"streams", {{{"tap_stream_id", "events"}, {"metadata", metadata}}}}}).dump();
}

json deselect(const std::string& property) {
  return {{"breadcrumb", {"properties", property}}, {"metadata", {{"selected", false}}}};
}

// Checks every RECORD's top-level fields are declared by the SCHEMA before it; returns the
// properties of the last SCHEMA.
json check_declared_before_use(const RunResult& result) {
  json properties;
  size_t records = 0;
  for (const auto& m : result.messages) {
    if (m.kind == ETL_MSG_SCHEMA) properties = json::parse(m.json)["schema"]["properties"];
    if (m.kind != ETL_MSG_RECORD) continue;
    ++records;
    const json record = json::parse(m.json);
    for (const auto& [name, value] : record.items()) {
      if (value.is_null() || properties.contains(name)) continue;
      FAIL("record " << records << " has '" << name << "' before a SCHEMA declares it");
    }
  }
  return properties;
}

}  // namespace

TEST_CASE("key: event_id is bundle:position, the same across downloads, a retried body and a resumed run") {
  const std::vector<std::string> args = {"--bundles", "3", "--events-per-bundle", "300,1500,400", "--seed", "21"};
  Simulator sim(args);
  PluginHarness plugin;
  const auto first = sync_ok(plugin, plugin_config(sim));
  const auto records = first.records();
  REQUIRE(records.size() == 2200);
  const size_t sizes[] = {300, 1500, 400};
  size_t at = 0;
  for (int bundle = 0; bundle < 3; ++bundle) {
    for (size_t position = 0; position < sizes[bundle]; ++position, ++at) {
      std::string id;
      without_event_id(records[at], &id);
      if (id != std::to_string(bundle_id(bundle)) + ":" + std::to_string(position)) FAIL("record " << at << ": " << id);
    }
  }

  // Downloaded again from scratch: the very same records.
  CHECK(sync_ok(plugin, plugin_config(sim)).records() == records);

  // Bundle 1's body is cut halfway: the retry emits the rest at the same positions.
  Simulator cut({"--bundles", "3", "--events-per-bundle", "300,1500,400", "--seed", "21", "--fault",
                 "get:truncate:1@" + std::to_string(bundle_id(1))});
  const auto retried = sync_ok(plugin, plugin_config(cut));
  CHECK(contains(retried.everything(), "2 attempts"));
  CHECK(retried.records() == records);

  // The sink fails inside bundle 1; a second run resumes from bundle 0's STATE.
  const auto failed = plugin.sync(plugin_config(sim), "", "", [](const std::vector<Message>& sofar) {
    size_t states = 0;
    for (const auto& m : sofar) states += m.kind == ETL_MSG_STATE ? 1 : 0;
    return states >= 1 && sofar.back().kind == ETL_MSG_RECORD ? ETL_E_IO : ETL_OK;
  });
  REQUIRE(failed.status == ETL_E_IO);
  auto delivered = records_through(failed, failed.states().at(0));
  const auto resumed = sync_ok(plugin, plugin_config(sim), failed.states().at(0));
  for (const auto& record : resumed.records()) delivered.push_back(record);
  CHECK(delivered == records);
}

TEST_CASE("key: unique across a bundle of identical events, whose fields cannot tell them apart") {
  Simulator sim({"--bundles", "2", "--events-per-bundle", "50", "--identical-events"});
  PluginHarness plugin;
  const auto result = sync_ok(plugin, plugin_config(sim));
  const auto records = result.records();
  REQUIRE(records.size() == 100);
  std::set<std::string> ids;
  std::set<std::string> bodies;
  for (const auto& record : records) {
    std::string id;
    bodies.insert(without_event_id(record, &id));
    ids.insert(id);
  }
  CHECK(bodies.size() == 2);  // one event per bundle, repeated
  CHECK(ids.size() == 100);
  const auto schema = json::parse(result.messages.at(0).json);
  CHECK(schema["key_properties"] == json({"event_id"}));
}

TEST_CASE("key: event_key none is Stitch's keyless shape, FullStory's bytes unchanged") {
  const std::vector<std::string> args = {"--bundles", "2", "--events-per-bundle", "40,60"};
  Simulator sim(args);
  PluginHarness plugin;
  const auto result = sync_ok(plugin, plugin_config(sim, {{"event_key", "none"}}));
  CHECK(result.records() == Simulator::dump_events(args));
  for (const auto& m : result.messages) {
    if (m.kind != ETL_MSG_SCHEMA) continue;
    const auto schema = json::parse(m.json);
    CHECK(schema["key_properties"] == json::array());
    CHECK_FALSE(schema["schema"]["properties"].contains("event_id"));
  }
  const auto catalog = json::parse(plugin.discover(plugin_config(sim, {{"event_key", "none"}})).messages.at(0).json);
  CHECK(catalog["metadata"][0]["metadata"]["table-key-properties"] == json::array());
}

TEST_CASE("schema growth: every field is declared before its first use, and a later run starts with all of them") {
  // One event per bundle: the custom variables and new fields turn up bundle by bundle.
  const std::vector<std::string> args = {"--bundles", "12", "--events-per-bundle", "1", "--seed", "4"};
  Simulator sim(args);
  PluginHarness plugin;
  const auto first = sync_ok(plugin, plugin_config(sim));
  const json declared = check_declared_before_use(first);
  CHECK(first.schema_count() > 2);  // it grew more than once
  std::set<std::string> seen;
  for (const auto& record : first.records()) {
    const json event = json::parse(record);
    for (const auto& [name, value] : event.items()) seen.insert(name);
  }
  CHECK(seen.count("user_plan_str") == 1);
  CHECK(declared["user_plan_str"]["type"] == json({"null", "string"}));
  CHECK(declared["evt_prices_reals"]["items"]["type"] == json({"null", "number"}));
  CHECK(declared["EventSubType"]["type"] == json({"null", "string"}));
  CHECK(declared["PageNewField2026"]["type"] == json({"null", "object"}));

  // A state from run 1's bundle 5: run 2's first SCHEMA already declares what bundles 0-5
  // brought, in the same order.
  const std::string state = first.states().at(5);
  CHECK(contains(state, R"("fields":[)"));
  const auto second = sync_ok(plugin, plugin_config(sim), state);
  REQUIRE(second.messages.at(0).kind == ETL_MSG_SCHEMA);
  const auto first_schema = nlohmann::ordered_json::parse(second.messages[0].json)["schema"]["properties"];
  nlohmann::ordered_json at_state;
  for (const auto& m : first.messages) {
    if (m.kind == ETL_MSG_SCHEMA) at_state = nlohmann::ordered_json::parse(m.json)["schema"]["properties"];
    if (m.kind == ETL_MSG_STATE && m.json == state) break;
  }
  CHECK(first_schema == at_state);
  check_declared_before_use(second);
  // And the last schema of both runs is the same, column order included.
  nlohmann::ordered_json last_first;
  nlohmann::ordered_json last_second;
  for (const auto& m : first.messages) {
    if (m.kind == ETL_MSG_SCHEMA) last_first = nlohmann::ordered_json::parse(m.json);
  }
  for (const auto& m : second.messages) {
    if (m.kind == ETL_MSG_SCHEMA) last_second = nlohmann::ordered_json::parse(m.json);
  }
  CHECK(last_first == last_second);
}

TEST_CASE("schema growth: custom_fields are declared in the first SCHEMA, before any record") {
  Simulator sim({"--bundles", "1", "--events-per-bundle", "5"});
  PluginHarness plugin;
  const json fields = {"user_vip_bool", {{"name", "AccountTier"}, {"type", "string"}}};
  const auto result = sync_ok(plugin, plugin_config(sim, {{"custom_fields", fields}}));
  const auto properties = json::parse(result.messages.at(0).json)["schema"]["properties"];
  CHECK(properties["user_vip_bool"]["type"] == json({"null", "boolean"}));
  CHECK(properties["AccountTier"]["type"] == json({"null", "string"}));
  CHECK(contains(result.last_state(), R"("user_vip_bool",{"name":"AccountTier","type":["string"]})"));
}

TEST_CASE("selection: deselected properties leave SCHEMA and every RECORD, automatic ones stay") {
  const std::vector<std::string> args = {"--bundles", "2", "--events-per-bundle", "200,100", "--seed", "9"};
  Simulator sim(args);
  PluginHarness plugin;
  const std::string catalog = catalog_with({deselect("UserEmail"), deselect("user_plan_str"),
                                            deselect("PageNewField2026"), deselect("EventStart"),
                                            deselect("event_id")});
  const auto result = sync_ok(plugin, plugin_config(sim), "", catalog);
  CHECK(contains(result.everything(), "property 'EventStart' of stream 'events' is deselected, but its inclusion is "
                                      "automatic (the replication key): it is kept"));
  CHECK(contains(result.everything(), "property 'event_id' of stream 'events' is deselected"));
  for (const auto& m : result.messages) {
    if (m.kind != ETL_MSG_SCHEMA) continue;
    const auto properties = json::parse(m.json)["schema"]["properties"];
    CHECK_FALSE(properties.contains("UserEmail"));
    CHECK_FALSE(properties.contains("user_plan_str"));
    CHECK_FALSE(properties.contains("PageNewField2026"));
    CHECK(properties.contains("EventStart"));
    CHECK(properties.contains("event_id"));
  }
  // Every record is FullStory's event without those members, its other bytes as they were.
  auto expected = Simulator::dump_events(args);
  const auto records = result.records();
  REQUIRE(records.size() == expected.size());
  bool dropped_some = false;
  for (size_t i = 0; i < records.size(); ++i) {
    const json event = json::parse(expected[i]);
    dropped_some = dropped_some || event.contains("UserEmail");
    json want = event;
    for (const char* gone : {"UserEmail", "user_plan_str", "PageNewField2026"}) want.erase(gone);
    json got = json::parse(records[i]);
    CHECK(got.erase("event_id") == 1);
    if (got != want) FAIL("record " << i << " differs: " << records[i]);
    CHECK(contains(records[i], "\"EventStart\":"));
    if (event.contains("UserId")) {
      CHECK(contains(records[i], "\"UserId\":" + std::to_string(event["UserId"].get<int64_t>())));
    }
  }
  CHECK(dropped_some);
}

TEST_CASE("selection: a catalog shape it cannot read fails the sync naming the entry, before any request") {
  Simulator sim({"--bundles", "1", "--events-per-bundle", "5"});
  PluginHarness plugin;
  const std::string catalog =
      R"({"streams":[{"tap_stream_id":"events","metadata":[{"breadcrumb":["properties","UserEmail"],"metadata":{"selected":"false"}}]}]})";
  const auto result = plugin.sync(plugin_config(sim), "", catalog);
  CHECK(result.status == ETL_E_INVALID_STATE);
  CHECK_MESSAGE(contains(result.error, "catalog: stream 'events' metadata entry 0 (property 'UserEmail') has "
                                       "\"selected\" of type string, not true or false"),
                result.error);
  CHECK(sim.stats()["list_requests"] == 0);
}
