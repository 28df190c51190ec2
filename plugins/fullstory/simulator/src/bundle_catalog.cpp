#include "bundle_catalog.h"

#include <algorithm>

namespace fssim {

BundleCatalog::BundleCatalog(const CatalogConfig& config) {
  bundles_.reserve(config.bundles);
  for (std::size_t i = 0; i < config.bundles; ++i) {
    const std::int64_t start = config.first_start + static_cast<std::int64_t>(i) * config.bundle_period;
    const std::uint64_t events = config.events_per_bundle.size() == 1 ? config.events_per_bundle.front()
                                                                      : config.events_per_bundle.at(i);
    bundles_.push_back(Bundle{i, id_of(i), start, start + config.bundle_period, events});
  }
}

const Bundle* BundleCatalog::find(std::int64_t id) const {
  const std::int64_t offset = id - kFirstId;
  if (offset < 0 || offset % kIdStride != 0) return nullptr;
  const auto index = static_cast<std::uint64_t>(offset / kIdStride);
  return index < bundles_.size() ? &bundles_[index] : nullptr;
}

std::span<const Bundle> BundleCatalog::ending_after(std::int64_t start) const {
  // Stops increase with the index, so these bundles are one contiguous run.
  const auto first = std::partition_point(bundles_.begin(), bundles_.end(),
                                          [start](const Bundle& b) { return b.stop <= start; });
  return {first, bundles_.end()};
}

}  // namespace fssim
