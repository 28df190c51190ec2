// segment_fields.h: which fields a Segment Export record may have, and which of them a
// request's "fields" list keeps.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fssim {

enum class ExportType { kEvent, kIndividual };

// Every field name an export of `type` knows, custom variables included, in CSV column
// order. Some (EventDuration, ...) are known but never generated: their cells stay empty.
std::span<const std::string_view> known_fields(ExportType type);

class FieldSelection {
 public:
  // Every field.
  FieldSelection() = default;
  // Only `names` (each a known field or one of the wildcards user_*, evt_*, page_*); the
  // error names the first unknown one.
  static std::optional<FieldSelection> parse(ExportType type, const std::vector<std::string>& names,
                                             std::string& error);

  bool all() const { return !names_; }
  bool keeps(std::string_view field) const;
  // The CSV header: the requested names in request order, wildcards expanded.
  std::vector<std::string> columns(ExportType type) const;

 private:
  std::optional<std::vector<std::string>> names_;
};

}  // namespace fssim
