// list_lies.hpp: export/list answers that break FullStory's promises (--list-lie), so tests
// can prove a client does not trust them: each one, believed, loses or duplicates bundles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "bundle_catalog.hpp"

namespace fssim {

enum class ListLie {
  none,
  newest_first,    // the newest 20 bundles after start, newest first
  duplicate_id,    // the second listed bundle carries the first one's Id
  duplicate_stop,  // the second listed bundle covers the first one's time range
  future_stop,     // the last listed bundle ends on 2100-01-01
  max_stop,        // the last listed bundle ends at INT64_MAX
  gap,             // bundle 1 is never listed
  overlap,         // the second listed bundle starts where the first starts
  stale,           // the bundle that ends exactly at start is listed first
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
