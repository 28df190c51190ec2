// listing_check.h: export/list is checked, not trusted.
//
// The bookmark is the Stop of the last delivered bundle, so one bad list entry decides what
// every later run reads: a Stop in the year 2100 would make every run after it find "no new
// bundles" forever, a list served newest first would skip everything between the bookmark
// and the oldest bundle listed. FullStory promises bundles that end after `start`, oldest
// first, each covering [Start, Stop) right after the one before. A page that breaks that
// promise fails the run before any of its bundles is downloaded, so the committed state
// never moves past it; the message says what the server sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "export_list.h"

namespace fullstory {

/// No FullStory bundle can start before this (2000-01-01T00:00:00Z; FullStory began in 2012).
inline constexpr int64_t kEarliestBundleStart = 946'684'800;
/// How far a listed Stop may lie ahead of this machine's clock (clock skew), in seconds.
inline constexpr int64_t kAllowedClockSkewSeconds = 15 * 60;

class ListingCheck {
 public:
  /// `now_unix`: this machine's clock. `allow_gaps`: a bundle that starts after the previous
  /// one stopped is a warning, not an error (the allow_bundle_gaps config key).
  /// `delivered_id`: the state's last_bundle_id, which must not be listed again.
  ListingCheck(int64_t now_unix, bool allow_gaps, std::optional<int64_t> delivered_id);

  /// Checks the page listed for `start`. `contiguous`: `start` is the Stop of a delivered
  /// bundle (a resumed run, or a later page), so the first bundle must start exactly there.
  /// Returns warnings to log (gaps, when allowed); throws etl::Error(ETL_E_INVALID_DATA)
  /// naming the bundle and what was wrong with it.
  std::vector<std::string> check_page(const ExportPage& page, int64_t start, bool contiguous);

 private:
  void check_range(const BundleRef& bundle, const std::string& request) const;
  void check_follows(const BundleRef& bundle, int64_t previous_stop, const std::string& previous,
                     const std::string& request, std::vector<std::string>& warnings) const;

  int64_t now_unix_;
  bool allow_gaps_;
  std::unordered_set<int64_t> seen_ids_;
};

}  // namespace fullstory
