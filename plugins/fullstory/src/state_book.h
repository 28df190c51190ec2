// state_book.h: the source's whole STATE, one bookmark per stream under "bookmarks".
//
// A Singer STATE replaces the one before it, so every STATE the source emits must carry every
// stream's bookmark, not just the stream that moved. The events code keeps writing its own
// bookmark (bookmark.h: its shape is tap-fullstory's and must not change); the metadata
// streams (users, segments, settings) write theirs here; StateBook merges both into the
// state that is emitted:
//   {"bookmarks":{"events":{...},"block_rules_history":{"lastUpdated":"..."},"users":{...}}}
// A tap-fullstory 1.x state ({"events":"<time>"}) is kept as bookmarks.events.last_bundle_stop
// (the same instant, in the shape both events parsers accept), so a run that emits only
// metadata bookmarks never drops it.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fullstory {

class StateBook {
 public:
  /// `state_json`: the committed state (empty on a first run). A state this class cannot
  /// take apart (not JSON, not an object) is left whole for the events parsers, which refuse
  /// it with the message naming the accepted shapes.
  explicit StateBook(std::string_view state_json);

  /// The committed state without the metadata streams' bookmarks, for parse_bookmark and
  /// parse_window_state; "" when nothing is left (a first run for events).
  const std::string& events_state() const { return events_state_; }

  /// The committed bookmark of `stream` (or, when it has none, of `legacy_name`, its name in
  /// tap-fullstory 2.0; nullptr for none), or nullptr. Its shape is the caller's to check.
  const nlohmann::ordered_json* bookmark(std::string_view stream, const char* legacy_name = nullptr) const;

  /// Sets `stream`'s bookmark (dropping the one under `legacy_name`, which it continues) and
  /// returns the whole state to emit.
  std::string commit(const std::string& stream, nlohmann::ordered_json bookmark, const char* legacy_name = nullptr);

  /// Takes an events STATE ({"bookmarks":{...}}, from bookmark_state_json or
  /// window_state_json), sets the bookmarks it holds and returns the whole state to emit.
  std::string merge(std::string_view events_state_json);

 private:
  std::string text() const;

  std::string events_state_;
  nlohmann::ordered_json bookmarks_ = nlohmann::ordered_json::object();
};

/// True for a stream whose bookmark is the metadata code's, not the events code's.
bool is_metadata_bookmark(std::string_view stream);

}  // namespace fullstory
