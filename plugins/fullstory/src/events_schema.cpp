#include "events_schema.h"

#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fullstory {
namespace {

// ordered_json: the sink sees the fields in the documented order (CSV columns follow it).
using json = nlohmann::ordered_json;

enum class Kind { integer, string, date_time };

struct Field {
  const char* name;
  Kind kind;
};

// FullStory's legacy export fields (Data Dictionary), in its documented order. IDs are int64;
// EventStart keeps FullStory's own text (milliseconds included).
constexpr std::array<Field, 33> kFields = {{
    {"IndvId", Kind::integer},
    {"UserId", Kind::integer},
    {"SessionId", Kind::integer},
    {"PageId", Kind::integer},
    {"EventStart", Kind::date_time},
    {"EventType", Kind::string},
    {"EventCustomName", Kind::string},
    {"EventTargetText", Kind::string},
    {"EventTargetSelectorTok", Kind::string},
    {"EventModFrustrated", Kind::integer},
    {"EventModDead", Kind::integer},
    {"EventModError", Kind::integer},
    {"EventModSuspicious", Kind::integer},
    {"PageClusterId", Kind::integer},
    {"PageUrl", Kind::string},
    {"PageDuration", Kind::integer},
    {"PageActiveDuration", Kind::integer},
    {"PageRefererUrl", Kind::string},
    {"PageLatLong", Kind::string},
    {"PageAgent", Kind::string},
    {"PageIp", Kind::string},
    {"PageBrowser", Kind::string},
    {"PageDevice", Kind::string},
    {"PageOperatingSystem", Kind::string},
    {"PageNumInfos", Kind::integer},
    {"PageNumWarnings", Kind::integer},
    {"PageNumErrors", Kind::integer},
    {"UserAppKey", Kind::string},
    {"UserEmail", Kind::string},
    {"UserDisplayName", Kind::string},
    {"LoadDomContentTime", Kind::integer},
    {"LoadFirstPaintTime", Kind::integer},
    {"LoadEventTime", Kind::integer},
}};

constexpr const char* kReplicationKey = "EventStart";

json type_of(Kind kind) {
  switch (kind) {
    case Kind::integer: return {{"type", {"null", "integer"}}};
    case Kind::string: return {{"type", {"null", "string"}}};
    case Kind::date_time: return {{"type", {"null", "string"}}, {"format", "date-time"}};
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
    entries.push_back({{"breadcrumb", {"properties", field.name}},
                       {"metadata",
                        {{"inclusion", automatic ? "automatic" : "available"}, {"selected-by-default", true}}}});
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
