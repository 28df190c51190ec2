#include "bookmark.h"

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"
#include "stream_schema.h"  // kMaxExtraFields
#include "timestamps.h"

namespace fullstory {
namespace {

constexpr const char* kAccepted = "expected {\"bookmarks\":{\"events\":{\"last_bundle_stop\":\"<RFC 3339 "
                                  "time>\",\"last_bundle_id\":<integer>,\"fields\":[...]}}} "
                                  "or tap-fullstory's {\"events\":\"<RFC 3339 time>\"}";

[[noreturn]] void reject(const std::string& found) {
  throw etl::Error(ETL_E_INVALID_STATE, std::string("state: ") + kAccepted + ", found " + found);
}

// A scalar is quoted (cut to 120 bytes); a container is named by its type and size, never
// re-serialised: dump() recurses, and a state nested 100k deep would overflow the stack.
std::string excerpt(const nlohmann::json& value) {
  if (value.is_object()) return "an object of " + std::to_string(value.size()) + " members";
  if (value.is_array()) return "an array of " + std::to_string(value.size()) + " elements";
  std::string text = value.dump();
  if (text.size() > 120) text = text.substr(0, 120) + "...";
  return text;
}

int64_t parse_time(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string()) reject(where + " = " + excerpt(value) + " (not a string)");
  const auto seconds = parse_rfc3339(value.get<std::string>());
  if (!seconds) reject(where + " = " + excerpt(value) + " (not an RFC 3339 date-time)");
  return *seconds;
}

Bookmark parse_ours(const nlohmann::json& bookmarks) {
  if (!bookmarks.is_object()) reject("\"bookmarks\" = " + excerpt(bookmarks));
  for (const auto& [stream, value] : bookmarks.items()) {
    if (stream != "events") reject("a bookmark for stream '" + stream + "', which this source does not have");
  }
  if (!bookmarks.contains("events")) reject("\"bookmarks\" without \"events\"");
  const auto& events = bookmarks.at("events");
  if (!events.is_object()) reject("bookmarks.events = " + excerpt(events));
  Bookmark bookmark;
  bool has_stop = false;
  for (const auto& [key, value] : events.items()) {
    if (key == "last_bundle_stop") {
      bookmark.last_bundle_stop = parse_time(value, "bookmarks.events.last_bundle_stop");
      has_stop = true;
    } else if (key == "fields") {
      bookmark.fields = read_extra_fields(value, "state: bookmarks.events.fields", ETL_E_INVALID_STATE,
                                          kMaxExtraFields);
    } else if (key == "last_bundle_id") {
      if (!value.is_number_integer() || (value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX)) {
        reject("bookmarks.events.last_bundle_id = " + excerpt(value) + " (not an int64)");
      }
      bookmark.last_bundle_id = value.get<int64_t>();
    } else {
      reject("an unknown key bookmarks.events." + key);
    }
  }
  if (!has_stop) reject("bookmarks.events without last_bundle_stop");
  return bookmark;
}

}  // namespace

std::optional<Bookmark> parse_bookmark(std::string_view state_json) {
  const auto blank = state_json.find_first_not_of(" \t\r\n");
  if (blank == std::string_view::npos) return std::nullopt;
  const auto state = nlohmann::json::parse(state_json.begin(), state_json.end(), nullptr, false);
  if (state.is_discarded()) reject("text that is not JSON");
  if (!state.is_object()) reject(excerpt(state));
  for (const auto& [key, value] : state.items()) {
    if (key != "bookmarks" && key != "events" && key != "currently_syncing") {
      reject("an unknown top-level key '" + key + "'");
    }
  }
  const bool ours = state.contains("bookmarks");
  const bool taps = state.contains("events");
  if (ours && taps) reject("both \"bookmarks\" and \"events\" (ambiguous: which one is current?)");
  if (ours) return parse_ours(state.at("bookmarks"));
  if (taps) {
    Bookmark bookmark;
    bookmark.last_bundle_stop = parse_time(state.at("events"), "\"events\"");
    bookmark.from_tap_fullstory = true;
    return bookmark;
  }
  return std::nullopt;  // {} or {"currently_syncing":null}: nothing delivered yet
}

std::string bookmark_state_json(const Bookmark& bookmark) {
  std::string out = R"({"bookmarks":{"events":{"last_bundle_stop":")";
  out += format_rfc3339_utc(bookmark.last_bundle_stop);
  out += '"';
  if (bookmark.last_bundle_id) {
    out += R"(,"last_bundle_id":)";
    out += std::to_string(*bookmark.last_bundle_id);
  }
  if (!bookmark.fields.empty()) {
    out += R"(,"fields":)";
    out += extra_fields_json(bookmark.fields);
  }
  out += "}}}";
  return out;
}

}  // namespace fullstory
