// StateBook (every stream's bookmark in one STATE) and the microsecond instants the settings
// histories are bookmarked by.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "bookmark.h"
#include "etlhost/plugin.hpp"
#include "state_book.h"
#include "timestamps.h"

using fullstory::StateBook;
using nlohmann::json;

TEST_CASE("fullstory.state_book: metadata bookmarks are kept apart from what the events parsers read") {
  const StateBook book(
      R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-16T00:00:00Z","last_bundle_id":7},)"
      R"("block_rules_history":{"lastUpdated":"2021-05-12T15:16:10.268269Z"},"users":{"records":3}}})");
  const auto events = fullstory::parse_bookmark(book.events_state());
  REQUIRE(events.has_value());
  CHECK(events->last_bundle_id == 7);
  CHECK(json::parse(book.events_state())["bookmarks"].size() == 1);
  REQUIRE(book.bookmark("block_rules_history") != nullptr);
  CHECK((*book.bookmark("block_rules_history"))["lastUpdated"] == "2021-05-12T15:16:10.268269Z");
  CHECK(book.bookmark("segments") == nullptr);
}

TEST_CASE("fullstory.state_book: a state of metadata bookmarks only is a first run for events") {
  const StateBook book(R"({"bookmarks":{"segments":{"records":2}},"currently_syncing":"segments"})");
  CHECK_FALSE(fullstory::parse_bookmark(book.events_state()).has_value());
  CHECK_FALSE(fullstory::parse_window_state(book.events_state()).events.has_value());
}

TEST_CASE("fullstory.state_book: every STATE carries every stream's bookmark") {
  StateBook book(R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-16T00:00:00Z"}}})");
  json state = json::parse(book.commit("users", {{"records", 5}}));
  CHECK(state["bookmarks"]["events"]["last_bundle_stop"] == "2023-11-16T00:00:00Z");
  CHECK(state["bookmarks"]["users"]["records"] == 5);
  state = json::parse(book.merge(R"({"bookmarks":{"events":{"last_bundle_stop":"2023-11-17T00:00:00Z"}}})"));
  CHECK(state["bookmarks"]["events"]["last_bundle_stop"] == "2023-11-17T00:00:00Z");
  CHECK(state["bookmarks"]["users"]["records"] == 5);
}

TEST_CASE("fullstory.state_book: a tap-fullstory 1.x events bookmark survives a metadata-only STATE") {
  StateBook book(R"({"events":"2017-01-17T20:32:05Z"})");
  CHECK(fullstory::parse_bookmark(book.events_state())->from_tap_fullstory);  // read as it was written
  const std::string emitted = book.commit("segments", {{"records", 1}});
  // The next run reads the same instant from our shape.
  const StateBook next(emitted);
  const auto resumed = fullstory::parse_bookmark(next.events_state());
  REQUIRE(resumed.has_value());
  CHECK(resumed->last_bundle_stop == fullstory::parse_rfc3339("2017-01-17T20:32:05Z").value());
  CHECK_FALSE(resumed->from_tap_fullstory);
}

TEST_CASE("fullstory.state_book: tap-fullstory 2.0's target_rule_history bookmark carries on under the new name") {
  StateBook book(R"({"bookmarks":{"target_rule_history":{"lastUpdated":"2022-01-01T00:00:00.000001Z"}},)"
                 R"("currently_syncing":"block_rules"})");
  const auto* legacy = book.bookmark("target_rules_history", "target_rule_history");
  REQUIRE(legacy != nullptr);
  CHECK((*legacy)["lastUpdated"] == "2022-01-01T00:00:00.000001Z");
  const json state = json::parse(
      book.commit("target_rules_history", {{"lastUpdated", "2022-02-01T00:00:00Z"}}, "target_rule_history"));
  CHECK_FALSE(state["bookmarks"].contains("target_rule_history"));
  CHECK(state["bookmarks"]["target_rules_history"]["lastUpdated"] == "2022-02-01T00:00:00Z");
}

TEST_CASE("fullstory.state_book: a state it cannot take apart goes to the events parsers whole") {
  for (const char* bad : {"not json", "[1,2]", R"({"bookmarks":[]})"}) {
    const StateBook book(bad);
    CHECK(book.events_state() == bad);
    CHECK_THROWS_AS(fullstory::parse_bookmark(book.events_state()), etl::Error);
  }
  // An unknown stream is the events parsers' to refuse, as before.
  const StateBook unknown(R"({"bookmarks":{"sessions":{}}})");
  CHECK_THROWS_AS(fullstory::parse_bookmark(unknown.events_state()), etl::Error);
}

TEST_CASE("fullstory.timestamps: microsecond instants order settings versions exactly") {
  using fullstory::parse_rfc3339_micros;
  CHECK(parse_rfc3339_micros("2021-05-12T15:16:10.268269Z") ==
        fullstory::parse_rfc3339("2021-05-12T15:16:10Z").value() * 1'000'000 + 268269);
  CHECK(parse_rfc3339_micros("2021-05-12T15:16:10.2Z") == parse_rfc3339_micros("2021-05-12T15:16:10.200000Z"));
  CHECK(parse_rfc3339_micros("2021-05-12T15:16:10.2682699Z") == parse_rfc3339_micros("2021-05-12T15:16:10.268269Z"));
  CHECK(parse_rfc3339_micros("2021-05-12T17:16:10.5+02:00") == parse_rfc3339_micros("2021-05-12T15:16:10.5Z"));
  // What tap-fullstory 2.0 compared as strings: "2021-05-12T15:16:10.268269Z" < "2021-05-12T15:16:10Z".
  CHECK(std::string("2021-05-12T15:16:10.268269Z") < std::string("2021-05-12T15:16:10Z"));
  CHECK(parse_rfc3339_micros("2021-05-12T15:16:10.268269Z") > parse_rfc3339_micros("2021-05-12T15:16:10Z"));
  CHECK(parse_rfc3339_micros("1969-12-31T23:59:59.5Z") == -500'000);
  CHECK_FALSE(parse_rfc3339_micros("2021-05-12T15:16:10.Z").has_value());
  CHECK(parse_rfc3339_micros("2021-05-12") == fullstory::parse_rfc3339("2021-05-12").value() * 1'000'000);
}
