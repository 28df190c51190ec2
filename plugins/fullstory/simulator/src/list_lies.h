// list_lies.h: export/list answers that break FullStory's promises (--list-lie), so tests
// can prove a client does not trust them: each one, believed, loses or duplicates bundles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "bundle_catalog.h"

namespace fssim {

enum class ListLie {
  kNone,
  kNewestFirst,    // the newest 20 bundles after start, newest first
  kDuplicateId,    // the second listed bundle carries the first one's Id
  kDuplicateStop,  // the second listed bundle covers the first one's time range
  kFutureStop,     // the last listed bundle ends on 2100-01-01
  kMaxStop,        // the last listed bundle ends at INT64_MAX
  kGap,            // bundle 1 is never listed
  kOverlap,        // the second listed bundle starts where the first starts
  kStale,          // the bundle that ends exactly at start is listed first
};

// The names --list-lie accepts, "none|newest-first|...", for usage text and errors.
std::string_view list_lie_names();
// nullopt when `name` is not one of list_lie_names().
std::optional<ListLie> parse_list_lie(std::string_view name);

// What export/list?start=START answers: up to `page_size` bundles ending after start,
// oldest first, then bent by `lie`.
std::vector<Bundle> listed_bundles(const BundleCatalog& catalog, std::int64_t start, std::size_t page_size,
                                   ListLie lie);

}  // namespace fssim
