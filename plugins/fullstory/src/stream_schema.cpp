#include "stream_schema.h"

#include <algorithm>
#include <cstdint>

namespace fullstory {
namespace {

// ordered_json: the sink sees the fields in the documented order (CSV columns follow it).
using json = nlohmann::ordered_json;

// A field typed by its name or the dictionary takes any value: never widened.
constexpr JsonKinds kAnyKind = 0xFF;

json type_of(const ExtraField& field) {
  if (field.kinds == 0) return custom_variable_type(field.name).value_or(json::object());
  return type_of_kinds(field.kinds);
}

json property_metadata(const std::string& name, bool automatic) {
  return {{"breadcrumb", {"properties", name}},
          {"metadata", {{"inclusion", automatic ? "automatic" : "available"}, {"selected-by-default", true}}}};
}

}  // namespace

bool StreamSpec::automatic(std::string_view name) const {
  return name == replication_key ||
         std::find(key_properties.begin(), key_properties.end(), name) != key_properties.end();
}

StreamSchema::StreamSchema(StreamSpec spec, std::set<std::string> deselected, Warn warn)
    : spec_(std::move(spec)), warn_(std::move(warn)) {
  for (auto name = deselected.begin(); name != deselected.end();) {
    if (!spec_.automatic(*name)) {
      ++name;
      continue;
    }
    warn_("catalog: property '" + *name + "' of stream '" + spec_.stream +
          "' is deselected, but its inclusion is automatic (" +
          (*name == spec_.replication_key ? "the replication key" : "the key") + "): it is kept");
    name = deselected.erase(name);
  }
  deselected_ = std::move(deselected);
  for (const std::string& name : deselected_) fields_.emplace(name, known(kAnyKind, true, SIZE_MAX));
  if (!spec_.key_field.empty()) fields_.emplace(spec_.key_field, known(kAnyKind, false, SIZE_MAX));
  for (const DocumentedField& field : spec_.dictionary->fields) {
    fields_.emplace(field.name, known(kAnyKind, false, SIZE_MAX));
  }
}

void StreamSchema::declare(const std::vector<ExtraField>& fields) {
  for (const ExtraField& field : fields) {
    const auto found = fields_.find(field.name);
    if (found == fields_.end()) {
      add_extra(field);
    } else if (found->second.deselected && !is_documented_field(field.name, *spec_.dictionary)) {
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

StreamSchema::Known StreamSchema::known(JsonKinds kinds, bool deselected, size_t extra) {
  Known entry;
  entry.kinds = kinds;
  entry.deselected = deselected;
  entry.extra = extra;
  return entry;
}

bool StreamSchema::learn(std::string_view name, JsonKind kind) {
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

void StreamSchema::widen(std::string_view name, Known& entry, JsonKind kind) {
  if (entry.extra == SIZE_MAX) return add_extra(ExtraField{std::string(name), kind_bit(kind)});  // was only null
  // A field seen with another JSON type: the declared type grows to take both.
  extras_[entry.extra].kinds |= kind_bit(kind);
  entry.kinds |= kind_bit(kind);
  changed_ = true;
}

void StreamSchema::add_extra(const ExtraField& field) {
  if (extras_.size() >= kMaxExtraFields) {
    if (!warned_limit_) {
      warned_limit_ = true;
      warn_("stream '" + spec_.stream + "': field '" + field.name.substr(0, 80) +
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

json StreamSchema::schema_message() const {
  json properties = json::object();
  if (!spec_.key_field.empty()) properties[spec_.key_field] = {{"type", "string"}};
  for (const DocumentedField& field : spec_.dictionary->fields) {
    if (deselected_.count(field.name) == 0) properties[field.name] = type_of(field.kind);
  }
  for (const ExtraField& field : extras_) {
    if (deselected_.count(field.name) == 0) properties[field.name] = type_of(field);
  }
  const json schema = {{"type", "object"},
                       {"properties", properties},
                       {"patternProperties", custom_variable_patterns()},
                       {"additionalProperties", true}};
  return {{"schema", schema},
          {"key_properties", spec_.key_properties},
          {"bookmark_properties",
           spec_.bookmark_is_replication_key ? json::array({spec_.replication_key}) : json::array()}};
}

std::string StreamSchema::message() const { return schema_message().dump(); }

std::string StreamSchema::catalog_message() const {
  json message = schema_message();
  json entries = json::array();
  entries.push_back({{"breadcrumb", json::array()},
                     {"metadata",
                      {{"inclusion", "available"},
                       {"selected-by-default", spec_.selected_by_default},
                       {"forced-replication-method", "INCREMENTAL"},
                       {"valid-replication-keys", {spec_.replication_key}},
                       {"table-key-properties", message["key_properties"]}}}});
  for (const auto& [name, type] : message["schema"]["properties"].items()) {
    entries.push_back(property_metadata(name, spec_.automatic(name)));
  }
  message["metadata"] = std::move(entries);
  return message.dump();
}

}  // namespace fullstory
