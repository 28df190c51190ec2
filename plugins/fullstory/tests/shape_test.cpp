// Unit tests of the record's shape: the event key splice, schema growth, the member filter,
// catalog selection, and the fields list in config and state.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bookmark.h"
#include "catalog_selection.h"
#include "etlhost/plugin.hpp"
#include "event_validator.h"
#include "events_schema.h"
#include "json_array_splitter.h"
#include "member_filter.h"
#include "record_shaper.h"
#include "shaping.h"
#include "text.h"

using namespace fullstory;
using etltest::contains;
using fstest::Shaping;
using json = nlohmann::json;

namespace {

std::string filtered(const std::string& object, const std::set<std::string>& drop) {
  std::string out = "{";
  append_members(
      object, [&](std::string_view name) { return drop.count(std::string(name)) == 0; }, out);
  return out + "}";
}

}  // namespace

TEST_CASE("event key: spliced first as bundle:position, the rest byte for byte, {} handled") {
  Shaping shaping("event_id");
  CHECK(event_id(9007199254740993, 17) == "9007199254740993:17");
  CHECK(shaping.shape(R"({"UserId":9007199254740993,"x":"\u00e9"})", 9007199254740993, 17) ==
        R"({"event_id":"9007199254740993:17","UserId":9007199254740993,"x":"\u00e9"})");
  CHECK(shaping.shape("{}", 5, 0) == R"({"event_id":"5:0"})");
  CHECK(shaping.shape("{ }", 5, 1) == R"({"event_id":"5:1" })");
  CHECK(json::parse(shaping.shape(R"({"a":1})", -3, 2))["event_id"] == "-3:2");
}

TEST_CASE("event key: none leaves the event untouched, key_properties empty") {
  Shaping shaping("");
  const std::string event = R"({"UserId":1,"PageId":2})";
  CHECK(shaping.shape(event) == event);
  const json message = json::parse(shaping.schema.message());
  CHECK(message["key_properties"] == json::array());
  CHECK_FALSE(message["schema"]["properties"].contains("event_id"));
  CHECK(json::parse(shaping.schema.catalog_message())["metadata"][0]["metadata"]["table-key-properties"] ==
        json::array());
}

TEST_CASE("schema growth: custom variables by suffix, other fields by the JSON type seen, widened on another") {
  Shaping shaping("event_id");
  shaping.schema.take_change();
  shaping.shape(R"({"UserId":1,"EventStart":"2023-11-15T00:00:00.123Z"})");
  CHECK_FALSE(shaping.schema.take_change());  // documented fields only

  shaping.shape(R"({"user_plan_str":"pro","evt_days_dates":["2023-01-01T00:00:00Z"],"NewThing":null})");
  CHECK(shaping.schema.take_change());
  auto properties = shaping.properties();
  CHECK(properties["user_plan_str"] == json({{"type", {"null", "string"}}}));
  CHECK(properties["evt_days_dates"]["items"]["format"] == "date-time");
  CHECK_FALSE(properties.contains("NewThing"));  // only null so far: no type to declare

  shaping.shape(R"({"NewThing":{"a":1},"Count":3})");
  CHECK(shaping.schema.take_change());
  properties = shaping.properties();
  CHECK(properties["NewThing"]["type"] == json({"null", "object"}));
  CHECK(properties["Count"]["type"] == json({"null", "integer"}));

  shaping.shape(R"({"Count":2.5,"NewThing":null})");
  CHECK(shaping.schema.take_change());
  CHECK(shaping.properties()["Count"]["type"] == json({"null", "integer", "number"}));
  shaping.shape(R"({"Count":7,"user_plan_str":null})");
  CHECK_FALSE(shaping.schema.take_change());

  // Columns: the key, the documented fields in FullStory's order, then first-seen order.
  std::vector<std::string> names;
  const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(shaping.schema.message());
  for (const auto& [name, type] : ordered["schema"]["properties"].items()) names.push_back(name);
  REQUIRE(names.size() == 34 + 4);
  CHECK(names.front() == "event_id");
  CHECK(names[1] == "IndvId");
  CHECK(std::vector<std::string>(names.end() - 4, names.end()) ==
        std::vector<std::string>{"user_plan_str", "evt_days_dates", "NewThing", "Count"});
  CHECK(extra_fields_json(shaping.schema.extra_fields()) ==
        R"(["user_plan_str","evt_days_dates",{"name":"NewThing","type":["object"]},)"
        R"({"name":"Count","type":["integer","number"]}])");
}

TEST_CASE("schema growth: past kMaxExtraFields one warning, nothing more declared, records unchanged") {
  Shaping shaping("");
  std::vector<ExtraField> many;
  for (size_t i = 0; i < kMaxExtraFields; ++i) many.push_back({"f" + std::to_string(i), kind_bit(JsonKind::kString)});
  shaping.schema.declare(many);
  const std::string event = R"({"one_more":1,"and_another":"x"})";
  CHECK(shaping.shape(event) == event);
  CHECK_FALSE(shaping.schema.take_change());
  REQUIRE(shaping.warnings.size() == 1);
  CHECK(contains(shaping.warnings[0], "field 'one_more' and any later new field are not declared"));
  CHECK(shaping.schema.extra_fields().size() == kMaxExtraFields);
}

TEST_CASE("selection: a deselected field leaves SCHEMA and record, automatic ones stay with a warning") {
  Shaping shaping("event_id", {"UserEmail", "user_plan_str", "EventStart", "event_id", "Gone"});
  CHECK(shaping.warnings.size() == 2);
  CHECK(contains(shaping.warnings[0] + shaping.warnings[1], "'EventStart' of stream 'events' is deselected"));
  CHECK(contains(shaping.warnings[0] + shaping.warnings[1], "'event_id' of stream 'events' is deselected"));
  const auto properties = shaping.properties();
  CHECK_FALSE(properties.contains("UserEmail"));
  CHECK(properties.contains("EventStart"));
  CHECK(properties.contains("event_id"));
  CHECK(shaping.shape(R"({"UserId":9223372036854775807,"UserEmail":"a@b","user_plan_str":"x","Gone":[1,{"}":"]"}],)"
                      R"("EventStart":"2023-11-15T00:00:00.5Z","n":1.50})",
                      3, 4) ==
        R"({"event_id":"3:4","UserId":9223372036854775807,"EventStart":"2023-11-15T00:00:00.5Z","n":1.50})");
  CHECK_FALSE(shaping.properties().contains("user_plan_str"));
}

TEST_CASE("member filter: exact text kept, escaped keys matched, nested brackets and strings skipped") {
  CHECK(filtered(R"({"a":1,"b":2})", {"b"}) == R"({"a":1})");
  CHECK(filtered(R"({"a":1,"b":2})", {"a"}) == R"({"b":2})");
  CHECK(filtered(R"({"a":1,"b":2})", {"a", "b"}) == "{}");
  CHECK(filtered("{}", {"a"}) == "{}");
  CHECK(filtered(R"( { "a" : 12345678901234567890123 , "b" : "x\"}" , "c":[{"d":"]"}] } )", {"b"}) ==
        R"({"a" : 12345678901234567890123,"c":[{"d":"]"}]})");
  CHECK(filtered(R"({"User\u0045mail":"x","k":true})", {"UserEmail"}) == R"({"k":true})");
  CHECK(filtered(R"({"a":null,"b":false,"c":-1e5})", {"b"}) == R"({"a":null,"c":-1e5})");
}

TEST_CASE("catalog selection: selected, selected-by-default, unlisted streams") {
  auto selection = read_catalog_selection("", "events");
  CHECK(selection.stream_selected);
  CHECK(selection.deselected_properties.empty());
  selection = read_catalog_selection(R"({"streams":[{"tap_stream_id":"other"}]})", "events");
  CHECK_FALSE(selection.stream_selected);
  selection = read_catalog_selection(R"({"streams":[{"stream":"events","metadata":[
      {"breadcrumb":[],"metadata":{"selected":true}},
      {"breadcrumb":["properties","UserEmail"],"metadata":{"selected":false,"selected-by-default":true}},
      {"breadcrumb":["properties","PageIp"],"metadata":{"selected-by-default":false}},
      {"breadcrumb":["properties","PageUrl"],"metadata":{"selected":true,"selected-by-default":false}},
      {"breadcrumb":["properties","PageAgent"],"metadata":{"inclusion":"available"}},
      {"breadcrumb":["properties","PageNewField2026","properties","variant"],"metadata":{"selected":false}}]}]})",
                                     "events");
  CHECK(selection.stream_selected);
  CHECK(selection.deselected_properties == std::set<std::string>{"PageIp", "UserEmail"});
  selection = read_catalog_selection(
      R"({"streams":[{"tap_stream_id":"events","metadata":[{"breadcrumb":[],"metadata":{"selected-by-default":false}}]}]})",
      "events");
  CHECK_FALSE(selection.stream_selected);
}

TEST_CASE("catalog selection: a shape it cannot read is ETL_E_INVALID_STATE naming the entry") {
  struct Bad {
    const char* catalog;
    const char* named;
  };
  const Bad bads[] = {
      {R"({"streams":[{"tap_stream_id":"events","metadata":{}}]})", "stream 'events' has \"metadata\" of type object"},
      {R"({"streams":[{"tap_stream_id":"events","metadata":[7]}]})", "metadata entry 0 is number"},
      {R"({"streams":[{"tap_stream_id":"events","metadata":[{"metadata":{}}]}]})",
       "metadata entry 0 has no \"breadcrumb\" array"},
      {R"({"streams":[{"tap_stream_id":"events","metadata":[{"breadcrumb":[],"metadata":{}},{"breadcrumb":[1],"metadata":{}}]}]})",
       "metadata entry 1 has a breadcrumb step that is not a string"},
      {R"({"streams":[{"tap_stream_id":"events","metadata":[{"breadcrumb":["properties","UserEmail"],"metadata":{"selected":"no"}}]}]})",
       "(property 'UserEmail') has \"selected\" of type string"},
      {R"({"streams":{}})", "has no \"streams\" array"},
  };
  for (const Bad& bad : bads) {
    CAPTURE(bad.catalog);
    try {
      read_catalog_selection(bad.catalog, "events");
      FAIL("accepted");
    } catch (const etl::Error& e) {
      CHECK(e.code() == ETL_E_INVALID_STATE);
      CHECK_MESSAGE(contains(e.what(), bad.named), e.what());
    }
  }
}

TEST_CASE("bookmark: the fields seen round-trip, states without them are accepted, bad ones refused") {
  Bookmark mark{
      1'700'092'800, 9'007'199'254'741'993, false, {{"user_plan_str", 0}, {"Sub", kind_bit(JsonKind::kString)}}};
  const std::string text = bookmark_state_json(mark);
  CHECK(text == R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-16T00:00:00Z","last_bundle_id":)"
                R"(9007199254741993,"fields":["user_plan_str",{"name":"Sub","type":["string"]}]}}})");
  const auto parsed = parse_bookmark(text);
  REQUIRE(parsed);
  REQUIRE(parsed->fields.size() == 2);
  CHECK(parsed->fields[1].name == "Sub");
  CHECK(parsed->fields[1].kinds == kind_bit(JsonKind::kString));
  CHECK(parse_bookmark(R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-16T00:00:00Z"}}})")->fields.empty());
  for (const char* bad : {R"("fields":{})", R"("fields":["NoSuffix"])", R"("fields":[{"name":"x","type":"text"}])",
                          R"("fields":[{"name":"x","type":["null"]}])", R"("fields":[42])"}) {
    CAPTURE(bad);
    const std::string state = std::string(R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-16T00:00:00Z",)") +
                              bad + "}}}";
    try {
      parse_bookmark(state);
      FAIL("accepted");
    } catch (const etl::Error& e) {
      CHECK(e.code() == ETL_E_INVALID_STATE);
      CHECK_MESSAGE(contains(e.what(), "state: bookmarks.events.fields"), e.what());
    }
  }
}
