#include "events_schema.h"

#include <array>
#include <cstdint>

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

// A field typed by its name or the dictionary takes any value: never widened.
constexpr JsonKinds kAnyKind = 0xFF;

json type_of(Kind kind) {
  switch (kind) {
    case Kind::kInteger: return {{"type", {"null", "integer"}}};
    case Kind::kString: return {{"type", {"null", "string"}}};
    case Kind::kDateTime: return {{"type", {"null", "string"}}, {"format", "date-time"}};
  }
  return json::object();
}

json type_of(const ExtraField& field) {
  if (field.kinds == 0) return custom_variable_type(field.name).value_or(json::object());
  return type_of_kinds(field.kinds);
}

json property_metadata(const std::string& name, bool automatic) {
  return {{"breadcrumb", {"properties", name}},
          {"metadata", {{"inclusion", automatic ? "automatic" : "available"}, {"selected-by-default", true}}}};
}

}  // namespace

bool is_documented_field(std::string_view name) {
  for (const Field& field : kFields) {
    if (name == field.name) return true;
  }
  return false;
}

EventsSchema::EventsSchema(std::string key_field, std::set<std::string> deselected, Warn warn)
    : key_field_(std::move(key_field)), warn_(std::move(warn)) {
  for (const std::string& automatic : {key_field_, std::string(kReplicationKey)}) {
    if (automatic.empty() || deselected.erase(automatic) == 0) continue;
    warn_("catalog: property '" + automatic + "' of stream 'events' is deselected, but its inclusion is automatic (" +
          (automatic == key_field_ ? "the key" : "the replication key") + "): it is kept");
  }
  deselected_ = std::move(deselected);
  for (const std::string& name : deselected_) fields_.emplace(name, known(kAnyKind, true, SIZE_MAX));
  if (!key_field_.empty()) fields_.emplace(key_field_, known(kAnyKind, false, SIZE_MAX));
  for (const Field& field : kFields) fields_.emplace(field.name, known(kAnyKind, false, SIZE_MAX));
}

void EventsSchema::declare(const std::vector<ExtraField>& fields) {
  for (const ExtraField& field : fields) {
    const auto found = fields_.find(field.name);
    if (found == fields_.end()) {
      add_extra(field);
    } else if (found->second.deselected && !is_documented_field(field.name)) {
      // Kept in the state, so a field deselected for a while is still known when selected again.
      if (found->second.extra == SIZE_MAX) {
        found->second.extra = extras_.size();
        extras_.push_back(field);
      }
    } else if (found->second.extra != SIZE_MAX) {
      extras_[found->second.extra].kinds |= field.kinds;
    }
  }
  changed_ = false;
}

EventsSchema::Known EventsSchema::known(JsonKinds kinds, bool deselected, size_t extra) {
  Known entry;
  entry.kinds = kinds;
  entry.deselected = deselected;
  entry.extra = extra;
  return entry;
}

bool EventsSchema::learn(std::string_view name, JsonKind kind) {
  if (custom_variable_type(name)) {
    add_extra(ExtraField{std::string(name), 0});
  } else if (kind == JsonKind::kNull) {
    // No type to declare yet: remembered as seen, declared with its first value.
    fields_.emplace(std::string(name), known(kind_bit(JsonKind::kNull), false, SIZE_MAX));
  } else {
    add_extra(ExtraField{std::string(name), kind_bit(kind)});
  }
  previous_ = &fields_.find(name)->second;  // every branch above made an entry
  return true;
}

void EventsSchema::widen(std::string_view name, Known& entry, JsonKind kind) {
  if (entry.extra == SIZE_MAX) return add_extra(ExtraField{std::string(name), kind_bit(kind)});  // was only null
  // A field seen with another JSON type: the declared type grows to take both.
  extras_[entry.extra].kinds |= kind_bit(kind);
  entry.kinds |= kind_bit(kind);
  changed_ = true;
}

void EventsSchema::add_extra(const ExtraField& field) {
  if (extras_.size() >= kMaxExtraFields) {
    if (!warned_limit_) {
      warned_limit_ = true;
      warn_("stream 'events': field '" + field.name.substr(0, 80) +
            "' and any later new field are not declared: " + std::to_string(kMaxExtraFields) +
            " fields beyond the documented ones are declared already, the most a run declares. Records still carry "
            "them (additionalProperties; the csv sink puts them in _extra). Deselect fields you do not need in the "
            "catalog, or start again with a fresh state to forget fields no longer sent");
    }
    fields_.insert_or_assign(field.name, known(kAnyKind, false, SIZE_MAX));
    return;
  }
  const JsonKinds kinds = field.kinds == 0 ? kAnyKind : static_cast<JsonKinds>(field.kinds | kind_bit(JsonKind::kNull));
  fields_.insert_or_assign(field.name, known(kinds, false, extras_.size()));
  extras_.push_back(field);
  changed_ = true;
}

json EventsSchema::schema_message() const {
  json properties = json::object();
  if (!key_field_.empty()) properties[key_field_] = {{"type", "string"}};
  for (const Field& field : kFields) {
    if (deselected_.count(field.name) == 0) properties[field.name] = type_of(field.kind);
  }
  for (const ExtraField& field : extras_) {
    if (deselected_.count(field.name) == 0) properties[field.name] = type_of(field);
  }
  const json schema = {{"type", "object"},
                       {"properties", properties},
                       {"patternProperties", custom_variable_patterns()},
                       {"additionalProperties", true}};
  // The bookmark is the bundle's Stop, not a record field, hence no bookmark_properties.
  return {{"schema", schema},
          {"key_properties", key_field_.empty() ? json::array() : json::array({key_field_})},
          {"bookmark_properties", json::array()}};
}

std::string EventsSchema::message() const { return schema_message().dump(); }

std::string EventsSchema::catalog_message() const {
  json message = schema_message();
  json entries = json::array();
  entries.push_back({{"breadcrumb", json::array()},
                     {"metadata",
                      {{"inclusion", "available"},
                       {"selected-by-default", true},
                       {"forced-replication-method", "INCREMENTAL"},
                       {"valid-replication-keys", {kReplicationKey}},
                       {"table-key-properties", message["key_properties"]}}}});
  for (const auto& [name, type] : message["schema"]["properties"].items()) {
    entries.push_back(property_metadata(name, name == key_field_ || name == kReplicationKey));
  }
  message["metadata"] = std::move(entries);
  return message.dump();
}

}  // namespace fullstory
