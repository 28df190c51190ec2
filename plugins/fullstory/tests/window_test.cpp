// Unit tests of Segment Export's windows, its window state and its config keys.
#include <doctest/doctest.h>

#include <string>

#include "bookmark.h"
#include "export_window.h"
#include "text.h"
#include "timestamps.h"
#include "window_plan.h"

using namespace fullstory;
using etltest::contains;

namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
const int64_t kMidnight = parse_rfc3339("2024-03-01T00:00:00Z").value();

}  // namespace

TEST_CASE("windows: aligned to their length, the first one the rest of its window") {
  // From a boundary: whole windows, as many as ended by the settled time.
  WindowSchedule aligned(kMidnight, kHour, kMidnight + 3 * kHour, 0);
  REQUIRE(aligned.count() == 3);
  CHECK(aligned.window(0).start == kMidnight);
  CHECK(aligned.window(0).end == kMidnight + kHour);
  CHECK(aligned.window(2).start == kMidnight + 2 * kHour);
  CHECK(aligned.window(2).end == kMidnight + 3 * kHour);
  // From mid-window (a start_date at 00:30): [00:30, 01:00), then aligned ones.
  WindowSchedule mid(kMidnight + 1800, kHour, kMidnight + 3 * kHour + 1799, 0);
  REQUIRE(mid.count() == 3);
  CHECK(mid.window(0).start == kMidnight + 1800);
  CHECK(mid.window(0).end == kMidnight + kHour);
  CHECK(mid.window(1).start == kMidnight + kHour);
  CHECK(mid.window(2).end == kMidnight + 3 * kHour);
  // Windows tile: each starts where the previous one ended, nothing skipped or repeated.
  for (int64_t i = 1; i < mid.count(); ++i) CHECK(mid.window(i).start == mid.window(i - 1).end);
}

TEST_CASE("windows: one ending after the settled time is not exported, and the cap holds") {
  CHECK(WindowSchedule(kMidnight, kHour, kMidnight + kHour - 1, 0).count() == 0);
  CHECK(WindowSchedule(kMidnight, kHour, kMidnight + kHour, 0).count() == 1);
  CHECK(WindowSchedule(kMidnight, kHour, kMidnight - kDay, 0).count() == 0);  // settled before the start
  // A year of hourly windows is counted, not stored.
  const WindowSchedule year(kMidnight, kHour, kMidnight + 365 * kDay, 0);
  CHECK(year.count() == 365 * 24);
  CHECK(year.window(year.count() - 1).end == kMidnight + 365 * kDay);
  CHECK(WindowSchedule(kMidnight, kHour, kMidnight + 365 * kDay, 10).count() == 10);
  // When nothing is settled, the message can say when the next window will be.
  const WindowSchedule none(kMidnight, kHour, kMidnight + 10, 0);
  CHECK(none.next_settled_at(kDay) == kMidnight + kHour + kDay);
}

TEST_CASE("window state: round-trips per stream, fields kept") {
  WindowState state;
  state.events = WindowBookmark{kMidnight + kHour, {{"user_plan_str", 0}}, false};
  state.individuals = WindowBookmark{kMidnight, {}, false};
  const std::string text = window_state_json(state);
  CHECK(text == R"({"bookmarks":{"events":{"window_end":"2024-03-01T01:00:00Z","fields":["user_plan_str"]},)"
                R"("individuals":{"window_end":"2024-03-01T00:00:00Z"}}})");
  const WindowState parsed = parse_window_state(text);
  REQUIRE(parsed.events);
  CHECK(parsed.events->window_end == kMidnight + kHour);
  REQUIRE(parsed.events->fields.size() == 1);
  CHECK(parsed.events->fields[0].name == "user_plan_str");
  REQUIRE(parsed.individuals);
  CHECK(parsed.individuals->window_end == kMidnight);
  CHECK_FALSE(parse_window_state("").events);
  CHECK_FALSE(parse_window_state("{}").events);
}

TEST_CASE("window state: a Data Export state is continued from its last bundle Stop") {
  const WindowState ours = parse_window_state(
      R"({"bookmarks":{"events":{"last_bundle_stop":"2024-03-01T00:00:00Z","last_bundle_id":9007199254741993}}})");
  REQUIRE(ours.events);
  CHECK(ours.events->window_end == kMidnight);
  CHECK(ours.events->from_bundles);
  const WindowState taps = parse_window_state(R"({"events":"2024-03-01T00:00:00Z"})");
  REQUIRE(taps.events);
  CHECK(taps.events->window_end == kMidnight);
  CHECK(taps.events->from_bundles);
}

TEST_CASE("window state: anything else is ETL_E_INVALID_STATE naming what was found") {
  const auto error_of = [](const std::string& text) -> std::string {
    try {
      parse_window_state(text);
    } catch (const etl::Error& e) {
      CHECK(e.code() == ETL_E_INVALID_STATE);
      return e.what();
    }
    return "";
  };
  CHECK(contains(error_of(R"({"bookmarks":{"events":{"window_end":"yesterday"}}})"), "not an RFC 3339"));
  CHECK(contains(error_of(R"({"bookmarks":{"events":{}}})"), "without window_end"));
  CHECK(contains(error_of(R"({"bookmarks":{"users":{"window_end":"2024-03-01T00:00:00Z"}}})"), "stream 'users'"));
  CHECK(contains(error_of(R"({"bookmarks":{"events":{"window_end":"2024-03-01T00:00:00Z","x":1}}})"),
                 "unknown key bookmarks.events.x"));
  CHECK(contains(error_of("[1]"), "window_end"));
  // And the other way: Data Export refuses a window state instead of guessing a bundle.
  try {
    parse_bookmark(R"({"bookmarks":{"events":{"window_end":"2024-03-01T00:00:00Z"}}})");
    FAIL("a window state was read as a bundle bookmark");
  } catch (const etl::Error& e) {
    CHECK(contains(e.what(), "written by export_api segment_export"));
  }
}
