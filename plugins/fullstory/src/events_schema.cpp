#include "events_schema.h"

#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fullstory {
namespace {

// ordered_json: the sink sees the fields in the documented order (CSV columns follow it).
using json = nlohmann::ordered_json;

enum class Kind { kInteger, kString, kDateTime };

struct Field {
  const char* name;
  Kind kind;
};

// FullStory's legacy export fields (Data Dictionary), in its documented order. IDs are int64;
// EventStart keeps FullStory's own text (milliseconds included).
constexpr std::array<Field, 33> kFields = {{
    {"IndvId", Kind::kInteger},
    {"UserId", Kind::kInteger},
    {"SessionId", Kind::kInteger},
    {"PageId", Kind::kInteger},
    {"EventStart", Kind::kDateTime},
    {"EventType", Kind::kString},
    {"EventCustomName", Kind::kString},
    {"EventTargetText", Kind::kString},
    {"EventTargetSelectorTok", Kind::kString},
    {"EventModFrustrated", Kind::kInteger},
    {"EventModDead", Kind::kInteger},
    {"EventModError", Kind::kInteger},
    {"EventModSuspicious", Kind::kInteger},
    {"PageClusterId", Kind::kInteger},
    {"PageUrl", Kind::kString},
    {"PageDuration", Kind::kInteger},
    {"PageActiveDuration", Kind::kInteger},
    {"PageRefererUrl", Kind::kString},
    {"PageLatLong", Kind::kString},
    {"PageAgent", Kind::kString},
    {"PageIp", Kind::kString},
    {"PageBrowser", Kind::kString},
    {"PageDevice", Kind::kString},
    {"PageOperatingSystem", Kind::kString},
    {"PageNumInfos", Kind::kInteger},
    {"PageNumWarnings", Kind::kInteger},
    {"PageNumErrors", Kind::kInteger},
    {"UserAppKey", Kind::kString},
    {"UserEmail", Kind::kString},
    {"UserDisplayName", Kind::kString},
    {"LoadDomContentTime", Kind::kInteger},
    {"LoadFirstPaintTime", Kind::kInteger},
    {"LoadEventTime", Kind::kInteger},
}};

constexpr const char* kReplicationKey = "EventStart";

json type_of(Kind kind) {
  switch (kind) {
    case Kind::kInteger: return {{"type", {"null", "integer"}}};
    case Kind::kString: return {{"type", {"null", "string"}}};
    case Kind::kDateTime: return {{"type", {"null", "string"}}, {"format", "date-time"}};
  }
  return json::object();
}

// Custom variables (FS.setUserVars, custom event and page properties): user_/evt_/page_
// prefix, type suffix, plural suffix for arrays. Names may contain dots (evt_order.total_real).
json custom_variable_patterns() {
  struct Suffix {
    const char* suffix;
    json element;
  };
  const std::array<Suffix, 5> suffixes = {{
      {"str", {{"type", {"null", "string"}}}},
      {"int", {{"type", {"null", "integer"}}}},
      {"real", {{"type", {"null", "number"}}}},
      {"bool", {{"type", {"null", "boolean"}}}},
      {"date", {{"type", {"null", "string"}}, {"format", "date-time"}}},
  }};
  json patterns = json::object();
  for (const auto& [suffix, element] : suffixes) {
    const std::string stem = std::string("^(user|evt|page)_.+_") + suffix;
    patterns[stem + "$"] = element;
    patterns[stem + "s$"] = {{"type", {"null", "array"}}, {"items", element}};
  }
  return patterns;
}

json schema() {
  json properties = json::object();
  for (const Field& field : kFields) properties[field.name] = type_of(field.kind);
  return {{"type", "object"},
          {"properties", properties},
          {"patternProperties", custom_variable_patterns()},
          {"additionalProperties", true}};
}

json catalog_metadata() {
  json entries = json::array();
  entries.push_back({{"breadcrumb", json::array()},
                     {"metadata",
                      {{"inclusion", "available"},
                       {"selected-by-default", true},
                       {"forced-replication-method", "INCREMENTAL"},
                       {"valid-replication-keys", {kReplicationKey}},
                       {"table-key-properties", json::array()}}}});
  for (const Field& field : kFields) {
    const bool automatic = std::string_view(field.name) == kReplicationKey;
    entries.push_back(
        {{"breadcrumb", {"properties", field.name}},
         {"metadata", {{"inclusion", automatic ? "automatic" : "available"}, {"selected-by-default", true}}}});
  }
  return entries;
}

json schema_message() {
  // Append-only like Stitch: FullStory events have no primary key. The bookmark is the
  // bundle's Stop, not a record field, hence no bookmark_properties.
  return {{"schema", schema()}, {"key_properties", json::array()}, {"bookmark_properties", json::array()}};
}

}  // namespace

const std::string& events_schema_message() {
  static const std::string text = schema_message().dump();
  return text;
}

const std::string& events_catalog_message() {
  static const std::string text = [] {
    json message = schema_message();
    message["metadata"] = catalog_metadata();
    return message.dump();
  }();
  return text;
}

}  // namespace fullstory
