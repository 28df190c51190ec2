// stream_schema.h: a stream's schema, which grows as records bring fields. One class for
// every stream; a StreamSpec says what differs (events_schema.h, individuals_schema.h).
//
// Declared, in this order: the synthetic key field (events' event_key, unless "none"), every
// field of the spec's dictionary with its real, nullable type in documented order, then every
// other field in first-seen order: custom variables typed by suffix, other fields by the
// JSON types seen. Where they come from: the config (custom_fields), the state (the
// fields an earlier run saw) and the records of this run. A record's field the schema does
// not declare yet is declared before that record: the source re-emits the SCHEMA (legal in
// Singer), so SQL targets, which build columns from `properties` alone, get every field as
// a column. additionalProperties stays true and patternProperties stay, so a target
// validating records refuses nothing, also past kMaxExtraFields.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "field_dictionary.h"
#include "field_types.h"

namespace fullstory {

/// The most fields a run declares beyond the documented ones (and its state remembers).
/// PostgreSQL allows 1600 columns; a field past this stays in the records undeclared
/// (csv: in _extra), with one warning.
inline constexpr size_t kMaxExtraFields = 1000;

/// What makes one stream's schema: everything else is shared.
struct StreamSpec {
  std::string stream;                       // its name in messages, warnings and the catalog
  const FieldDictionary* dictionary;        // the documented fields, never null
  std::string key_field;                    // a synthetic key spliced into each record; empty: none
  std::vector<std::string> key_properties;  // key_field among them, when there is one
  std::string replication_key;              // in every record
  bool bookmark_is_replication_key;         // else the bookmark is no record field (bookmark_properties [])
  bool selected_by_default;                 // the stream's, in the catalog

  /// The key properties and the replication key: a catalog cannot deselect them.
  bool automatic(std::string_view name) const;
};

class StreamSchema {
 public:
  using Warn = std::function<void(const std::string&)>;

  /// `deselected`: fields the catalog deselected (never declared, dropped from records).
  /// `warn` reports the limit and automatic fields the catalog deselected.
  StreamSchema(StreamSpec spec, std::set<std::string> deselected, Warn warn);

  /// Declares fields from config or state, in order (no change is reported for them).
  void declare(const std::vector<ExtraField>& fields);

  /// Call before each record's observe() calls.
  void begin_record() { previous_ = &start_; }
  /// Notes that a record carries top-level `name` with a value of `kind` (after the field
  /// of the previous call); false when the field is deselected (the record must drop it).
  /// Events mostly repeat the key order of the ones before: each field remembers the field
  /// that followed it last, so a key that follows the same one again costs a compare, any
  /// other a hash lookup.
  bool observe(std::string_view name, JsonKind kind) {
    Known* entry = previous_->next;
    if (entry == nullptr || previous_->next_name != name) {
      const auto found = fields_.find(name);
      if (found == fields_.end()) return learn(name, kind);
      previous_->next = entry = &found->second;
      previous_->next_name = found->first;
    }
    previous_ = entry;
    if (entry->deselected) return false;
    if ((entry->kinds & kind_bit(kind)) == 0) widen(name, *entry, kind);
    return true;
  }

  /// True for a field the catalog deselected.
  bool deselected(std::string_view name) const {
    const auto found = fields_.find(name);
    return found != fields_.end() && found->second.deselected;
  }

  /// True once after the schema changed since the last call: emit message() before the record.
  bool take_change() {
    const bool changed = changed_;
    changed_ = false;
    return changed;
  }

  /// {"schema":..,"key_properties":[..],"bookmark_properties":[]} for sync().
  std::string message() const;
  /// The same plus "metadata" (Singer catalog metadata) for discover().
  std::string catalog_message() const;
  /// Every field declared beyond the documented ones, and remembered deselected ones, for the state.
  const std::vector<ExtraField>& extra_fields() const { return extras_; }
  const std::string& key_field() const { return spec_.key_field; }
  const StreamSpec& spec() const { return spec_; }

 private:
  struct Known {
    JsonKinds kinds = 0;  // the types declared; every type for a field typed by its name
    bool deselected = false;
    size_t extra = SIZE_MAX;  // index in extras_, or SIZE_MAX
    Known* next = nullptr;    // the field that followed this one last (map nodes do not move)
    std::string_view next_name;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>()(text); }
  };

  static Known known(JsonKinds kinds, bool deselected, size_t extra);
  bool learn(std::string_view name, JsonKind kind);
  void widen(std::string_view name, Known& entry, JsonKind kind);
  void add_extra(const ExtraField& field);
  nlohmann::ordered_json schema_message() const;

  StreamSpec spec_;
  std::set<std::string> deselected_;
  Warn warn_;
  std::unordered_map<std::string, Known, Hash, std::equal_to<>> fields_;
  std::vector<ExtraField> extras_;
  Known start_;  // before a record's first field
  Known* previous_ = &start_;
  bool changed_ = false;
  bool warned_limit_ = false;
};

}  // namespace fullstory
