// field_dictionary.h: the fields an export documents, with their real types, in the order
// they are declared (a SQL target's columns and a csv's follow it): FullStory's legacy Data
// Dictionary, the Segment Export event fields (optionally under their legacy names) and the
// Segment Export individual fields.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fullstory {

/// A documented field's JSON Schema type; every one is nullable (FullStory leaves fields out
/// or sends null where they do not apply).
enum class FieldKind : uint8_t { kInteger, kNumber, kString, kDateTime };

struct DocumentedField {
  const char* name;
  FieldKind kind;
};

/// A field FullStory sends as `sent` and the stream declares (and records carry) as
/// `declared`. `declared` needs no JSON escape: it is spliced into records as it is.
struct FieldRename {
  const char* sent;
  const char* declared;
};

struct FieldDictionary {
  std::span<const DocumentedField> fields;  // in declaration order, under their declared names
  std::span<const FieldRename> renames;     // applied to every record; empty for most dictionaries
};

/// The legacy Data Export's 33 fields (Data Dictionary).
const FieldDictionary& data_export_fields();
/// Segment Export's event fields. With `legacy_field_names` the two fields Segment Export
/// renamed keep their Data Export names (PageAgent, EventTargetSelectorTok), so a stream that
/// switches APIs keeps its columns.
const FieldDictionary& segment_export_fields(bool legacy_field_names);
/// Segment Export's individual fields (TYPE_INDIVIDUAL).
const FieldDictionary& individual_fields();

/// True for a field `dictionary` declares. The default is the Data Export dictionary, the one
/// the source reads unless configured otherwise.
bool is_documented_field(std::string_view name, const FieldDictionary& dictionary = data_export_fields());

/// {"type": ["null", ...]} (and "format" for date-times) for a documented field.
nlohmann::ordered_json type_of(FieldKind kind);

}  // namespace fullstory
