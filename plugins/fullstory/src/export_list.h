// export_list.h: one page of GET /api/v1/export/list, parsed with exact int64 Ids.
//
// Bundle Ids exceed 2^53, so they must never pass through a double: nlohmann keeps JSON
// integers as int64/uint64, and a number with a fraction or exponent is refused.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace fullstory {

/// FullStory answers at most this many bundles per list call; a shorter page is the last.
inline constexpr size_t kListPageSize = 20;

struct BundleRef {
  int64_t id = 0;
  int64_t start = 0;  // Unix seconds
  int64_t stop = 0;   // Unix seconds; the bookmark after this bundle
};

struct ExportPage {
  std::vector<BundleRef> bundles;  // sorted by (stop, id), as the API promises
  size_t listed = 0;               // entries in the response, before any filtering
  bool is_last() const { return listed < kListPageSize; }
};

/// Parses {"exports":[{"Id":..,"Start":..,"Stop":..}, ...]} (keys matched case-insensitively,
/// as FullStory's own clients do). Throws etl::Error(ETL_E_INVALID_DATA) with a message that
/// says what was wrong.
ExportPage parse_export_page(std::string_view json);

}  // namespace fullstory
