// export_spec.h: what one Segment Export asks for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "segment_fields.h"

namespace fssim {

enum class ExportFormat { kJson, kNdjson, kCsv };

// [start, end) in unix ms on EventStart; nullopt = unbounded on that side.
struct TimeWindow {
  std::optional<std::int64_t> start_millis;
  std::optional<std::int64_t> end_millis;

  bool contains(std::int64_t millis) const {
    return (!start_millis || millis >= *start_millis) && (!end_millis || millis < *end_millis);
  }
};

struct ExportSpec {
  std::string segment_id;
  ExportType type = ExportType::kEvent;
  ExportFormat format = ExportFormat::kJson;
  TimeWindow window;
  std::string start_text, end_text;  // as requested, for the stats
  std::optional<std::vector<std::string>> field_names;
  FieldSelection fields;

  // What --fault ...@START matches: the window start in unix seconds.
  std::optional<std::int64_t> fault_id() const {
    if (!window.start_millis) return std::nullopt;
    return *window.start_millis / 1000;
  }
};

const char* type_name(ExportType type);
const char* format_name(ExportFormat format);

}  // namespace fssim
