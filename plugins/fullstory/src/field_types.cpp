#include "field_types.h"

#include <array>

#include "etlhost/plugin.hpp"

namespace fullstory {
namespace {

using OrderedJson = nlohmann::ordered_json;

struct Suffix {
  const char* suffix;
  const char* type;
  const char* format;  // nullptr: none
};

// FullStory's custom-variable type suffixes; a plural suffix ("strs") is an array of them.
constexpr std::array<Suffix, 5> kSuffixes = {{
    {"str", "string", nullptr},
    {"int", "integer", nullptr},
    {"real", "number", nullptr},
    {"bool", "boolean", nullptr},
    {"date", "string", "date-time"},
}};
constexpr std::array<const char*, 3> kPrefixes = {"user_", "evt_", "page_"};

// Index order of JsonKind: the names JSON Schema gives them.
constexpr std::array<const char*, 7> kKindNames = {"null", "boolean", "integer", "number", "string", "array", "object"};

OrderedJson element_type(const Suffix& suffix) {
  OrderedJson element = {{"type", {"null", suffix.type}}};
  if (suffix.format != nullptr) element["format"] = suffix.format;
  return element;
}

OrderedJson array_of(const Suffix& suffix) { return {{"type", {"null", "array"}}, {"items", element_type(suffix)}}; }

bool ends_with(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

[[noreturn]] void refuse(int status, const std::string& where, const std::string& problem) {
  throw etl::Error(status, where + ": " + problem);
}

JsonKinds read_kinds(const nlohmann::json& type, const std::string& where, int status) {
  const nlohmann::json names = type.is_string() ? nlohmann::json::array({type}) : type;
  if (!names.is_array() || names.empty()) refuse(status, where, "\"type\" must be a JSON type name or a list of them");
  JsonKinds kinds = 0;
  for (const auto& name : names) {
    size_t index = kKindNames.size();
    for (size_t i = 0; i < kKindNames.size() && name.is_string(); ++i) {
      if (name.get_ref<const std::string&>() == kKindNames[i]) index = i;
    }
    if (index == kKindNames.size()) {
      refuse(status, where,
             "\"type\" holds something other than null, boolean, integer, number, string, array or object");
    }
    kinds |= kind_bit(static_cast<JsonKind>(index));
  }
  return kinds & static_cast<JsonKinds>(~kind_bit(JsonKind::kNull));
}

ExtraField read_extra_field(const nlohmann::json& entry, const std::string& where, int status) {
  if (entry.is_string()) {
    ExtraField field{entry.get<std::string>(), 0};
    if (!custom_variable_type(field.name)) {
      refuse(status, where,
             "'" + field.name.substr(0, 80) +
                 "' is not a custom variable (user_/evt_/page_ and a type suffix such as _str), so its type is "
                 "unknown; give it as {\"name\": \"" +
                 field.name.substr(0, 80) + "\", \"type\": \"string\"}");
    }
    return field;
  }
  if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() || !entry.contains("type")) {
    refuse(status, where, "expected a field name or {\"name\": \"<field>\", \"type\": [\"<JSON type>\", ...]}");
  }
  ExtraField field{entry["name"].get<std::string>(), read_kinds(entry["type"], where, status)};
  if (field.kinds == 0) refuse(status, where, "'" + field.name.substr(0, 80) + "' has no type but null");
  return field;
}

}  // namespace

OrderedJson custom_variable_patterns() {
  OrderedJson patterns = OrderedJson::object();
  for (const Suffix& suffix : kSuffixes) {
    const std::string stem = std::string("^(user|evt|page)_.+_") + suffix.suffix;
    patterns[stem + "$"] = element_type(suffix);
    patterns[stem + "s$"] = array_of(suffix);
  }
  return patterns;
}

// The patterns above, matched without a regex (this runs once per new field name).
std::optional<OrderedJson> custom_variable_type(std::string_view name) {
  for (const char* prefix : kPrefixes) {
    const std::string_view start(prefix);
    if (name.substr(0, start.size()) != start) continue;
    const std::string_view rest = name.substr(start.size());
    if (rest.find('\n') != std::string_view::npos) return std::nullopt;  // '.' in the pattern
    for (const Suffix& suffix : kSuffixes) {
      const std::string single = std::string("_") + suffix.suffix;
      // ".+" before the suffix: at least one character.
      if (rest.size() > single.size() && ends_with(rest, single)) return element_type(suffix);
      if (rest.size() > single.size() + 1 && ends_with(rest, single + "s")) return array_of(suffix);
    }
  }
  return std::nullopt;
}

OrderedJson type_of_kinds(JsonKinds kinds) {
  OrderedJson types = OrderedJson::array({"null"});
  for (size_t i = 1; i < kKindNames.size(); ++i) {
    if ((kinds & kind_bit(static_cast<JsonKind>(i))) != 0) types.push_back(kKindNames[i]);
  }
  return {{"type", types}};
}

std::vector<ExtraField> read_extra_fields(const nlohmann::json& list, const std::string& where, int status,
                                          size_t max) {
  if (!list.is_array()) refuse(status, where, std::string("expected an array of fields, found ") + list.type_name());
  if (list.size() > max) {
    refuse(status, where,
           std::to_string(list.size()) + " fields, more than the " + std::to_string(max) + " a stream may declare");
  }
  std::vector<ExtraField> fields;
  for (size_t i = 0; i < list.size(); ++i) {
    fields.push_back(read_extra_field(list[i], where + " entry " + std::to_string(i), status));
  }
  return fields;
}

std::string extra_fields_json(const std::vector<ExtraField>& fields) {
  nlohmann::json list = nlohmann::json::array();
  for (const ExtraField& field : fields) {
    if (field.kinds == 0) {
      list.push_back(field.name);
    } else {
      nlohmann::json type = type_of_kinds(field.kinds)["type"];
      type.erase(0);  // "null": always allowed
      list.push_back({{"name", field.name}, {"type", type}});
    }
  }
  return list.dump();
}

}  // namespace fullstory
