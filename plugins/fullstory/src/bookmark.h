// bookmark.h: the plugin's STATE, and the tap-fullstory state it also accepts.
//
// Ours:           {"bookmarks":{"events":{"last_bundle_stop":"2023-11-16T00:00:00Z",
//                                         "last_bundle_id":9007199254741993,
//                                         "fields":["user_plan_str",{"name":"EventSubType","type":["string"]}]}}}
//                 ("fields": the fields declared beyond the documented ones, see
//                 events_schema.h; absent when none, and in older states)
// tap-fullstory:  {"events":"2017-01-17T20:32:05Z"}   (fractional seconds accepted too)
//
// Both mean "every bundle whose Stop is at or before this time was delivered"; the next run
// lists bundles whose Stop is after it, so it neither repeats nor skips one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "field_types.h"

namespace fullstory {

struct Bookmark {
  int64_t last_bundle_stop = 0;           // Unix seconds
  std::optional<int64_t> last_bundle_id;  // absent when taken over from tap-fullstory
  bool from_tap_fullstory = false;
  std::vector<ExtraField> fields;  // declared beyond the documented ones, in first-seen order
};

/// nullopt for a first run (empty text, `{}`). Throws etl::Error(ETL_E_INVALID_STATE)
/// describing the accepted shapes for anything it does not understand.
std::optional<Bookmark> parse_bookmark(std::string_view state_json);

/// The STATE text for `bookmark` (always our shape).
std::string bookmark_state_json(const Bookmark& bookmark);

// Segment Export's STATE (export_api segment_export): per stream, the end of the last window
// whose records are durable, and the fields declared beyond the documented ones:
//   {"bookmarks":{"events":{"window_end":"2024-01-01T01:00:00Z","fields":[...]},
//                 "individuals":{"window_end":"2024-01-01T01:00:00Z"}}}
// A Data Export state (ours or tap-fullstory's) is accepted for events: its bundle Stop is
// where the first window starts, so switching APIs neither repeats nor skips an event.
struct WindowBookmark {
  int64_t window_end = 0;  // Unix seconds
  std::vector<ExtraField> fields;
  bool from_bundles = false;  // taken over from a Data Export state
};

struct WindowState {
  std::optional<WindowBookmark> events;
  std::optional<WindowBookmark> individuals;
};

/// Throws etl::Error(ETL_E_INVALID_STATE) describing the accepted shapes.
WindowState parse_window_state(std::string_view state_json);
std::string window_state_json(const WindowState& state);

}  // namespace fullstory
