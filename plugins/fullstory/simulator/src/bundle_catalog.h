// bundle_catalog.h: which export bundles exist, their ids and the time ranges they cover.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace fssim {

struct Bundle {
  std::size_t index;   // 0 = oldest
  std::int64_t id;     // see BundleCatalog::id_of
  std::int64_t start;  // unix seconds, inclusive
  std::int64_t stop;   // unix seconds, exclusive
  std::uint64_t event_count;
};

struct CatalogConfig {
  std::size_t bundles = 3;
  std::int64_t bundle_period = 86'400;
  std::int64_t first_start = 1'700'006'400;  // 2023-11-15T00:00:00Z
  // One entry per bundle, or a single entry applied to every bundle.
  std::vector<std::uint64_t> events_per_bundle{1000};
};

class BundleCatalog {
 public:
  // 2^53 + 1: the first integer a double cannot represent, so a client that parses ids
  // through a double gets every id wrong, not just some.
  static constexpr std::int64_t kFirstId = 9'007'199'254'740'993;
  static constexpr std::int64_t kIdStride = 1000;
  // FullStory's LIST returns at most this many bundles per call.
  static constexpr std::size_t kMaxListed = 20;

  // Bundle i has id kFirstId + i * kIdStride and covers
  // [first_start + i * period, first_start + (i + 1) * period).
  static constexpr std::int64_t id_of(std::size_t index) {
    return kFirstId + static_cast<std::int64_t>(index) * kIdStride;
  }

  explicit BundleCatalog(const CatalogConfig& config);

  const std::vector<Bundle>& bundles() const { return bundles_; }
  const Bundle* find(std::int64_t id) const;
  // Every bundle with Stop > start, oldest first (export/list answers the first 20).
  std::span<const Bundle> ending_after(std::int64_t start) const;

 private:
  std::vector<Bundle> bundles_;
};

}  // namespace fssim
