// Unit tests of the schemas beyond the Data Export events stream: Segment Export's event
// fields, their legacy names (renamed in each record) and the individuals stream.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "events_schema.h"
#include "individuals_schema.h"
#include "shaping.h"
#include "text.h"

using namespace fullstory;
using etltest::contains;
using fstest::Shaping;
using json = nlohmann::json;

namespace {

// The fields of reference §2.4, in the order the schema declares them, each with a type
// letter: i integer, n number, s string, t date-time.
const char* const kSegmentEventFields =
    "IndvId:i UserId:i SessionId:i PageId:i "
    "UserCreated:t UserAppKey:s UserDisplayName:s UserEmail:s "
    "SessionStart:t "
    "EventStart:t EventType:s EventSubType:s EventCustomName:s EventTargetText:s EventTargetSelector:s "
    "EventDuration:n EventSecondaryDuration:n EventPageOffset:i EventSessionOffset:i EventModFrustrated:i "
    "EventModDead:i EventModError:i EventModSuspicious:i EventVarErrorKind:s EventVarFields:s "
    "EventWebSourceFileUrl:s "
    "PageName:s PageStart:t PageDuration:i PageActiveDuration:i PageUrl:s PageRefererUrl:s PageIp:s "
    "PageLatLong:s PageUserAgent:s PageBrowser:s PageBrowserVersion:s PageDevice:s PagePlatform:s "
    "PageOperatingSystem:s PageScreenWidth:i PageScreenHeight:i PageViewportWidth:i PageViewportHeight:i "
    "PageNumEvents:i PageNumDerivedEvents:i PageNumInfos:i PageNumWarnings:i PageNumErrors:i PageClusterId:i "
    "PageMaxScrollDepthPercent:i "
    "LoadDomContentTime:i LoadEventTime:i LoadFirstPaintTime:i LoadLargestPaintTime:i "
    "ReqUrl:s ReqMethod:s ReqStatus:i "
    "AppName:s AppPackageName:s AppDeviceModel:s AppDeviceVendor:s AppVersion:s AppOsVersion:s AppViewName:s "
    "EventMobileSourceFile:s "
    "EventFirstInputDelay:i EventCumulativeLayoutShift:n";

const char* const kIndividualFields =
    "IndvId:i Created:t Uid:s DisplayName:s Email:s NumSessions:i NumPages:i NumEvents:i TotalSec:i ActiveSec:i "
    "AvgSessionSec:n AvgSessionActiveSec:n MaxSessionSec:i LastSessionNumPages:i LastSessionNumEvents:i "
    "LastSessionSec:i LastSessionActiveSec:i LastSessionStart:t LastPage:s LastIp:s LastLatLong:s "
    "LastEventStart:t LastBrowser:s LastDevice:s LastPlatform:s LastOperatingSystem:s";

std::vector<std::pair<std::string, char>> fields_of(const char* list) {
  std::vector<std::pair<std::string, char>> fields;
  std::istringstream words(list);
  for (std::string word; words >> word;) fields.emplace_back(word.substr(0, word.size() - 2), word.back());
  return fields;
}

json schema_of(char letter) {
  switch (letter) {
    case 'i': return {{"type", {"null", "integer"}}};
    case 'n': return {{"type", {"null", "number"}}};
    case 's': return {{"type", {"null", "string"}}};
    case 't': return {{"type", {"null", "string"}}, {"format", "date-time"}};
  }
  FAIL("no type letter " << letter);
  return {};
}

// A value of the type, as FullStory writes one.
std::string value_of(char letter) {
  switch (letter) {
    case 'i': return "9007199254740993";
    case 'n': return "12.50";
    case 's': return R"("caf\u00e9 \"x\"")";
    default: return R"("2026-11-15T00:00:00.123Z")";
  }
}

// The declared properties of `message`, in order.
std::vector<std::pair<std::string, json>> properties_in_order(const std::string& message) {
  std::vector<std::pair<std::string, json>> properties;
  const auto parsed = nlohmann::ordered_json::parse(message);
  for (const auto& [name, type] : parsed["schema"]["properties"].items()) {
    properties.emplace_back(name, json::parse(type.dump()));
  }
  return properties;
}

// Checks `message` declares `expected` (after the key, if any) and nothing else.
void check_declares(const std::string& message, const std::vector<std::pair<std::string, char>>& expected,
                    const std::string& key) {
  const auto properties = properties_in_order(message);
  const size_t skip = key.empty() ? 0 : 1;
  REQUIRE(properties.size() == expected.size() + skip);
  if (!key.empty()) CHECK(properties[0] == std::pair<std::string, json>(key, {{"type", "string"}}));
  for (size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(properties[i + skip].first == expected[i].first);
    CHECK(properties[i + skip].second == schema_of(expected[i].second));
  }
}

std::string segment_event(const std::vector<std::pair<std::string, char>>& fields) {
  std::string event = "{";
  for (const auto& [name, letter] : fields)
    event += (event.size() > 1 ? "," : "") + ("\"" + name + "\":") + value_of(letter);
  return event + "}";
}

const json* stream_metadata(const json& catalog_message) {
  for (const auto& entry : catalog_message["metadata"]) {
    if (entry["breadcrumb"] == json::array()) return &entry["metadata"];
  }
  return nullptr;
}

}  // namespace

TEST_CASE("segment_export schema: every event field of reference 2.4 with its type, in documented order") {
  const auto expected = fields_of(kSegmentEventFields);
  REQUIRE(expected.size() == 68);
  check_declares(Shaping(events_spec(ExportApiKind::kSegmentExport, false, "event_id")).schema.message(), expected,
                 "event_id");
  check_declares(Shaping(events_spec(ExportApiKind::kSegmentExport, false, "")).schema.message(), expected, "");
  const json message = json::parse(Shaping(events_spec(ExportApiKind::kSegmentExport, false, "k")).schema.message());
  CHECK(message["key_properties"] == json({"k"}));
  CHECK(message["bookmark_properties"] == json::array());
  CHECK(message["schema"]["patternProperties"].contains("^(user|evt|page)_.+_str$"));
  CHECK(message["schema"]["additionalProperties"] == true);
}

TEST_CASE("segment_export: an event with every field is shaped byte for byte and needs no SCHEMA change") {
  Shaping shaping(events_spec(ExportApiKind::kSegmentExport, false, "event_id"));
  const std::string event = segment_event(fields_of(kSegmentEventFields));
  CHECK(shaping.shape(event, 12, 3) == R"({"event_id":"12:3",)" + event.substr(1));
  CHECK_FALSE(shaping.schema.take_change());
  // A number field with an integral value, a string field with null: still declared as is.
  shaping.shape(R"({"EventDuration":1500,"EventCumulativeLayoutShift":0,"PageName":null})");
  CHECK_FALSE(shaping.schema.take_change());
  CHECK(shaping.schema.extra_fields().empty());
  CHECK(is_documented_field("PageUserAgent", segment_export_fields(false)));
  CHECK_FALSE(is_documented_field("PageUserAgent", data_export_fields()));
  CHECK_FALSE(is_documented_field("PageUserAgent"));  // the default: Data Export
}

TEST_CASE("segment_export: an unknown field is declared when first seen, custom variables by suffix") {
  Shaping shaping(events_spec(ExportApiKind::kSegmentExport, false, "event_id"));
  shaping.schema.take_change();
  CHECK(shaping.shape(R"({"EventStart":"2026-11-15T00:00:00Z","EventFutureField":true})") ==
        R"({"event_id":"7:0","EventStart":"2026-11-15T00:00:00Z","EventFutureField":true})");
  CHECK(shaping.schema.take_change());
  shaping.shape(R"({"user_plan_str":"pro","EventFutureField":false})");
  CHECK(shaping.schema.take_change());
  const auto properties = properties_in_order(shaping.schema.message());
  REQUIRE(properties.size() == 1 + 68 + 2);
  CHECK(properties[69] == std::pair<std::string, json>("EventFutureField", {{"type", {"null", "boolean"}}}));
  CHECK(properties[70] == std::pair<std::string, json>("user_plan_str", {{"type", {"null", "string"}}}));
  CHECK(extra_fields_json(shaping.schema.extra_fields()) == R"([{"name":"EventFutureField","type":["boolean"]},)"
                                                            R"("user_plan_str"])");
}

TEST_CASE("legacy names: declared instead of the new ones, every Data Export column kept with its type") {
  auto expected = fields_of(kSegmentEventFields);
  for (auto& [name, letter] : expected) {
    if (name == "PageUserAgent") name = "PageAgent";
    if (name == "EventTargetSelector") name = "EventTargetSelectorTok";
  }
  const Shaping legacy(events_spec(ExportApiKind::kSegmentExport, true, "event_id"));
  check_declares(legacy.schema.message(), expected, "event_id");
  CHECK(is_documented_field("PageAgent", segment_export_fields(true)));
  CHECK_FALSE(is_documented_field("PageUserAgent", segment_export_fields(true)));

  // A user switching from data_export keeps every column, with the same type.
  const json switched = json::parse(legacy.schema.message())["schema"]["properties"];
  const json before = json::parse(Shaping("event_id").schema.message())["schema"]["properties"];
  for (const auto& [name, type] : before.items()) {
    CAPTURE(name);
    REQUIRE(switched.contains(name));
    CHECK(switched[name] == type);
  }
}

TEST_CASE("legacy names: the record's keys renamed, every value byte and the other members as they were") {
  Shaping shaping(events_spec(ExportApiKind::kSegmentExport, true, "event_id"));
  shaping.schema.take_change();
  CHECK(shaping.shape(R"({"UserId":9007199254740993,"PageUserAgent" : "Mozilla\/5.0 X11; \u00e9",)"
                      R"("EventTargetSelector":"div.no%2Djs > a","EventDuration":1.50e3})",
                      4, 2) ==
        R"({"event_id":"4:2","UserId":9007199254740993,"PageAgent" : "Mozilla\/5.0 X11; \u00e9",)"
        R"("EventTargetSelectorTok":"div.no%2Djs > a","EventDuration":1.50e3})");
  CHECK_FALSE(shaping.schema.take_change());  // the renamed fields are declared under their legacy names

  // No key to splice: renamed all the same; a key written with an escape is matched too.
  Shaping keyless(events_spec(ExportApiKind::kSegmentExport, true, ""));
  CHECK(keyless.shape(R"({"PageUser\u0041gent":"x","a":[1,{"PageUserAgent":2}]})") ==
        R"({"PageAgent":"x","a":[1,{"PageUserAgent":2}]})");
  const std::string untouched = R"({"UserId":1,"PageUrl":"https://e.com/"})";
  CHECK(keyless.shape(untouched) == untouched);

  // Deselected under its declared name: the field FullStory sends is dropped.
  Shaping deselecting(events_spec(ExportApiKind::kSegmentExport, true, ""), {"PageAgent"});
  CHECK(deselecting.shape(R"({"PageUserAgent":"x","UserId":1})") == R"({"UserId":1})");
  CHECK_FALSE(deselecting.properties().contains("PageAgent"));

  // Without legacy names nothing is renamed, and a legacy name is just another field.
  Shaping current(events_spec(ExportApiKind::kSegmentExport, false, ""));
  current.schema.take_change();
  const std::string both = R"({"PageUserAgent":"x","PageAgent":"y"})";
  CHECK(current.shape(both) == both);
  CHECK(current.schema.take_change());
  CHECK(current.properties()["PageAgent"] == json({{"type", {"null", "string"}}}));
}

TEST_CASE("legacy names: a record with both names keeps the value sent under the current name, once") {
  Shaping shaping(events_spec(ExportApiKind::kSegmentExport, true, ""));
  shaping.schema.take_change();
  CHECK(shaping.shape(R"({"EventTargetSelectorTok":"old","UserId":1,"EventTargetSelector":"new"})") ==
        R"({"UserId":1,"EventTargetSelectorTok":"new"})");
  CHECK(shaping.shape(R"({"EventTargetSelector":"new","EventTargetSelectorTok":"old","PageAgent":"ua"})") ==
        R"({"EventTargetSelectorTok":"new","PageAgent":"ua"})");
  // Only the legacy name (the user asked for it, FullStory sent no current one): kept as sent.
  const std::string legacy_only = R"({"EventTargetSelectorTok":"old","UserId":1})";
  CHECK(shaping.shape(legacy_only) == legacy_only);
  CHECK_FALSE(shaping.schema.take_change());
  CHECK(shaping.shape(R"({"PageAgent":"a","PageUserAgent":"b"})") == R"({"PageAgent":"b"})");
}

TEST_CASE("individuals: its fields and types, IndvId the key, LastEventStart the bookmark, not selected by default") {
  Shaping shaping(individuals_spec(), {"IndvId", "LastEventStart"});
  REQUIRE(shaping.warnings.size() == 2);
  CHECK(contains(shaping.warnings[0] + shaping.warnings[1],
                 "property 'IndvId' of stream 'individuals' is deselected, but its inclusion is automatic (the key)"));
  CHECK(contains(shaping.warnings[0] + shaping.warnings[1],
                 "property 'LastEventStart' of stream 'individuals' is deselected, but its inclusion is automatic "
                 "(the replication key)"));
  CHECK(std::string(kIndividualsStream) == "individuals");
  CHECK(shaping.schema.spec().stream == "individuals");
  check_declares(shaping.schema.message(), fields_of(kIndividualFields), "");

  const json message = json::parse(shaping.schema.message());
  CHECK(message["key_properties"] == json({"IndvId"}));
  CHECK(message["bookmark_properties"] == json::array());  // the bookmark is the window end, no record field
  CHECK_FALSE(message["schema"]["properties"].contains("EventStart"));
  CHECK(message["schema"]["patternProperties"]["^(user|evt|page)_.+_int$"] == json({{"type", {"null", "integer"}}}));

  const json catalog = json::parse(shaping.schema.catalog_message());
  const json* stream = stream_metadata(catalog);
  REQUIRE(stream != nullptr);
  CHECK(*stream == json({{"inclusion", "available"},
                         {"selected-by-default", false},
                         {"forced-replication-method", "INCREMENTAL"},
                         {"valid-replication-keys", {"LastEventStart"}},
                         {"table-key-properties", {"IndvId"}}}));
  for (const auto& entry : catalog["metadata"]) {
    if (entry["breadcrumb"] == json::array()) continue;
    const std::string name = entry["breadcrumb"][1];
    CAPTURE(name);
    CHECK(entry["metadata"]["inclusion"] == (name == "IndvId" || name == "LastEventStart" ? "automatic" : "available"));
    CHECK(entry["metadata"]["selected-by-default"] == true);
  }
  // The events stream stays selected by default, whichever API.
  const json events = json::parse(
      Shaping(events_spec(ExportApiKind::kSegmentExport, true, "")).schema.catalog_message());
  CHECK((*stream_metadata(events))["selected-by-default"] == true);
  CHECK((*stream_metadata(events))["valid-replication-keys"] == json({"EventStart"}));
}

TEST_CASE("individuals: no key spliced, a deselected field dropped, a new field declared when first seen") {
  Shaping shaping(individuals_spec(), {"Email", "user_tier_str"});
  shaping.schema.take_change();
  const std::string plain = R"({"IndvId":9007199254740993,"AvgSessionSec":12.25,"user_plan_str":"pro"})";
  CHECK(shaping.shape(plain) == plain);
  CHECK(shaping.schema.take_change());  // user_plan_str: typed by its suffix
  CHECK(shaping.shape(R"({"IndvId":1,"Email":"a@b.c","user_tier_str":"gold","LastIp":"10.0.0.1"})") ==
        R"({"IndvId":1,"LastIp":"10.0.0.1"})");
  CHECK_FALSE(shaping.schema.take_change());
  const json properties = shaping.properties();
  CHECK_FALSE(properties.contains("Email"));
  CHECK_FALSE(properties.contains("user_tier_str"));
  CHECK(properties["user_plan_str"] == json({{"type", {"null", "string"}}}));

  shaping.shape(R"({"IndvId":2,"LastNewMetric":3})");
  CHECK(shaping.schema.take_change());
  CHECK(shaping.properties()["LastNewMetric"] == json({{"type", {"null", "integer"}}}));
}
