// export_list.h: one page of GET /api/v1/export/list, parsed with exact int64 Ids.
//
// Bundle Ids exceed 2^53, so they must never pass through a double: nlohmann keeps JSON
// integers as int64/uint64, and a number with a fraction or exponent is refused.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace fullstory {

struct BundleRef {
  int64_t id = 0;
  int64_t start = 0;  // Unix seconds
  int64_t stop = 0;   // Unix seconds; the bookmark after this bundle
};

/// One page, in the server's order. Its size says nothing about whether more follow
/// (FullStory lists 20, a proxy or a future API version may list fewer): the pager asks
/// again from the last Stop until a page comes back empty. ListingCheck checks the order.
struct ExportPage {
  std::vector<BundleRef> bundles;
};

/// Parses {"exports":[{"Id":..,"Start":..,"Stop":..}, ...]} (keys matched case-insensitively,
/// as FullStory's own clients do). Throws etl::Error(ETL_E_INVALID_DATA) with a message that
/// says what was wrong.
ExportPage parse_export_page(std::string_view json);

}  // namespace fullstory
