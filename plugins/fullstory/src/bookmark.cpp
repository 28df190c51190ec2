#include "bookmark.h"

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"
#include "stream_schema.h"  // kMaxExtraFields
#include "timestamps.h"
#include "untrusted_json.h"

namespace fullstory {
namespace {

constexpr const char* kAccepted = "expected {\"bookmarks\":{\"events\":{\"last_bundle_stop\":\"<RFC 3339 "
                                  "time>\",\"last_bundle_id\":<integer>,\"fields\":[...]}}} "
                                  "or tap-fullstory's {\"events\":\"<RFC 3339 time>\"}";

constexpr const char* kWindowsAccepted =
    "expected {\"bookmarks\":{\"events\":{\"window_end\":\"<RFC 3339 time>\",\"fields\":[...]},"
    "\"individuals\":{...}}} (export_api segment_export), or a Data Export state to continue from";

[[noreturn]] void reject(const std::string& found, const char* accepted = kAccepted) {
  throw etl::Error(ETL_E_INVALID_STATE, std::string("state: ") + accepted + ", found " + found);
}

int64_t parse_time(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string()) reject(where + " = " + json_excerpt(value) + " (not a string)");
  const auto seconds = parse_rfc3339(value.get<std::string>());
  if (!seconds) reject(where + " = " + json_excerpt(value) + " (not an RFC 3339 date-time)");
  return *seconds;
}

Bookmark parse_ours(const nlohmann::json& bookmarks) {
  if (!bookmarks.is_object()) reject("\"bookmarks\" = " + json_excerpt(bookmarks));
  for (const auto& [stream, value] : bookmarks.items()) {
    if (stream != "events") reject("a bookmark for stream '" + stream + "', which this source does not have");
  }
  if (!bookmarks.contains("events")) reject("\"bookmarks\" without \"events\"");
  const auto& events = bookmarks.at("events");
  if (!events.is_object()) reject("bookmarks.events = " + json_excerpt(events));
  Bookmark bookmark;
  bool has_stop = false;
  if (events.contains("window_end")) {
    reject("bookmarks.events.window_end, written by export_api segment_export: set export_api to segment_export "
           "again (Segment Export windows and Data Export bundles do not line up), or start a new state file");
  }
  for (const auto& [key, value] : events.items()) {
    if (key == "last_bundle_stop") {
      bookmark.last_bundle_stop = parse_time(value, "bookmarks.events.last_bundle_stop");
      has_stop = true;
    } else if (key == "fields") {
      bookmark.fields = read_extra_fields(value, "state: bookmarks.events.fields", ETL_E_INVALID_STATE,
                                          kMaxExtraFields);
    } else if (key == "last_bundle_id") {
      if (!value.is_number_integer() || (value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX)) {
        reject("bookmarks.events.last_bundle_id = " + json_excerpt(value) + " (not an int64)");
      }
      bookmark.last_bundle_id = value.get<int64_t>();
    } else {
      reject("an unknown key bookmarks.events." + key);
    }
  }
  if (!has_stop) reject("bookmarks.events without last_bundle_stop");
  return bookmark;
}

// The state as JSON, its top level checked; null for a first run (empty text).
nlohmann::json parse_state_document(std::string_view state_json, const char* accepted) {
  const auto blank = state_json.find_first_not_of(" \t\r\n");
  if (blank == std::string_view::npos) return nullptr;
  auto state = nlohmann::json::parse(state_json.begin(), state_json.end(), nullptr, false);
  if (state.is_discarded()) reject("text that is not JSON", accepted);
  if (!state.is_object()) reject(json_excerpt(state), accepted);
  for (const auto& [key, value] : state.items()) {
    if (key != "bookmarks" && key != "events" && key != "currently_syncing") {
      reject("an unknown top-level key '" + key + "'", accepted);
    }
  }
  if (state.contains("bookmarks") && state.contains("events")) {
    reject("both \"bookmarks\" and \"events\" (ambiguous: which one is current?)", accepted);
  }
  return state;
}

WindowBookmark parse_window_bookmark(const nlohmann::json& bookmark, const std::string& where) {
  if (!bookmark.is_object()) reject(where + " = " + json_excerpt(bookmark), kWindowsAccepted);
  WindowBookmark out;
  bool has_end = false;
  for (const auto& [key, value] : bookmark.items()) {
    if (key == "window_end") {
      out.window_end = parse_time(value, where + ".window_end");
      has_end = true;
    } else if (key == "fields") {
      out.fields = read_extra_fields(value, "state: " + where + ".fields", ETL_E_INVALID_STATE, kMaxExtraFields);
    } else {
      reject("an unknown key " + where + "." + key, kWindowsAccepted);
    }
  }
  if (!has_end) reject(where + " without window_end", kWindowsAccepted);
  return out;
}

// Data Export's bookmark, continued by Segment Export windows from its bundle Stop.
WindowBookmark continue_from_bundles(const Bookmark& bundles) {
  return WindowBookmark{bundles.last_bundle_stop, bundles.fields, true};
}

}  // namespace

WindowState parse_window_state(std::string_view state_json) {
  const nlohmann::json state = parse_state_document(state_json, kWindowsAccepted);
  WindowState out;
  if (state.is_null()) return out;
  if (state.contains("events")) {  // tap-fullstory's
    Bookmark bundles;
    bundles.last_bundle_stop = parse_time(state.at("events"), "\"events\"");
    out.events = continue_from_bundles(bundles);
    return out;
  }
  if (!state.contains("bookmarks")) return out;
  const nlohmann::json& bookmarks = state.at("bookmarks");
  if (!bookmarks.is_object()) reject("\"bookmarks\" = " + json_excerpt(bookmarks), kWindowsAccepted);
  for (const auto& [stream, value] : bookmarks.items()) {
    if (stream != "events" && stream != "individuals") {
      reject("a bookmark for stream '" + stream + "', which this source does not have", kWindowsAccepted);
    }
  }
  if (bookmarks.contains("events")) {
    const nlohmann::json& events = bookmarks.at("events");
    if (events.is_object() && events.contains("last_bundle_stop")) {
      out.events = continue_from_bundles(parse_ours(bookmarks));
    } else {
      out.events = parse_window_bookmark(events, "bookmarks.events");
    }
  }
  if (bookmarks.contains("individuals")) {
    out.individuals = parse_window_bookmark(bookmarks.at("individuals"), "bookmarks.individuals");
  }
  return out;
}

std::string window_state_json(const WindowState& state) {
  nlohmann::ordered_json bookmarks = nlohmann::ordered_json::object();
  const auto put = [&bookmarks](const char* stream, const std::optional<WindowBookmark>& bookmark) {
    if (!bookmark) return;
    nlohmann::ordered_json entry{{"window_end", format_rfc3339_utc(bookmark->window_end)}};
    if (!bookmark->fields.empty()) entry["fields"] = nlohmann::ordered_json::parse(extra_fields_json(bookmark->fields));
    bookmarks[stream] = std::move(entry);
  };
  put("events", state.events);
  put("individuals", state.individuals);
  return nlohmann::ordered_json{{"bookmarks", bookmarks}}.dump();
}

std::optional<Bookmark> parse_bookmark(std::string_view state_json) {
  const nlohmann::json state = parse_state_document(state_json, kAccepted);
  if (state.is_null()) return std::nullopt;
  const bool ours = state.contains("bookmarks");
  const bool taps = state.contains("events");
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
