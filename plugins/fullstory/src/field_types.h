// field_types.h: the JSON Schema type of an `events` field the Data Dictionary does not list,
// and the list of such fields as config (custom_fields) and state (bookmarks.events.fields)
// spell it.
//
// A custom variable (user_/evt_/page_ prefix, FullStory's type suffix) is typed by its name,
// as the patternProperties say. Any other field is typed by the JSON values seen in it:
// {"type": ["null", <each JSON type seen>]}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fullstory {

enum class JsonKind : uint8_t { kNull, kBoolean, kInteger, kNumber, kString, kArray, kObject };
/// A set of JsonKind, one bit each.
using JsonKinds = uint8_t;
constexpr JsonKinds kind_bit(JsonKind kind) { return static_cast<JsonKinds>(1u << static_cast<unsigned>(kind)); }

/// patternProperties: the custom-variable patterns and their schemas.
nlohmann::ordered_json custom_variable_patterns();
/// The schema of a custom variable named `name`; nullopt when the name is not one.
std::optional<nlohmann::ordered_json> custom_variable_type(std::string_view name);
/// {"type": ["null", ...]} for `kinds` (null is always allowed).
nlohmann::ordered_json type_of_kinds(JsonKinds kinds);

/// A field declared beyond the documented ones.
struct ExtraField {
  std::string name;
  JsonKinds kinds = 0;  // 0: typed by its name (a custom variable)
};

/// Reads ["user_plan_str", {"name": "EventSubType", "type": ["string"]}, ...]: a custom
/// variable by name, any other field as an object with its JSON types. Throws
/// etl::Error(`status`) starting with `where` for anything else, or for more than `max` fields.
std::vector<ExtraField> read_extra_fields(const nlohmann::json& list, const std::string& where, int status, size_t max);
/// The same list as JSON text, for the state.
std::string extra_fields_json(const std::vector<ExtraField>& fields);

}  // namespace fullstory
