#include "listing_check.h"

#include "etlhost/plugin.hpp"
#include "timestamps.h"

namespace fullstory {
namespace {

[[noreturn]] void refuse(const std::string& request, const std::string& what) {
  throw etl::Error(ETL_E_INVALID_DATA, request + " listed " + what +
                                           ". Nothing of this page was delivered and the state is unchanged; "
                                           "if it persists, report it to FullStory support");
}

std::string describe(const BundleRef& bundle) {
  return "bundle " + std::to_string(bundle.id) + " (Start " + format_rfc3339_utc(bundle.start) + ", Stop " +
         format_rfc3339_utc(bundle.stop) + ")";
}

}  // namespace

ListingCheck::ListingCheck(int64_t now_unix, bool allow_gaps, std::optional<int64_t> delivered_id)
    : now_unix_(now_unix), allow_gaps_(allow_gaps) {
  if (delivered_id) seen_ids_.insert(*delivered_id);
}

std::vector<std::string> ListingCheck::check_page(const ExportPage& page, int64_t start, bool contiguous) {
  const std::string request = "export/list start=" + std::to_string(start) + " (" + format_rfc3339_utc(start) + ")";
  std::vector<std::string> warnings;
  const BundleRef* previous = nullptr;
  for (const BundleRef& bundle : page.bundles) {
    check_range(bundle, request);
    if (previous == nullptr && bundle.stop <= start)
      refuse(request, describe(bundle) + ", which does not end after start");
    if (previous != nullptr && bundle.stop <= previous->stop) {
      refuse(request, describe(bundle) + " after " + describe(*previous) +
                          ": the list must be oldest first, one bundle per Stop");
    }
    if (!seen_ids_.insert(bundle.id).second) {
      refuse(request, describe(bundle) + ", whose Id was listed (or delivered) already");
    }
    if (previous != nullptr) {
      check_follows(bundle, previous->stop, describe(*previous), request, warnings);
    } else if (contiguous) {
      check_follows(bundle, start, "the last delivered bundle", request, warnings);
    }
    previous = &bundle;
  }
  return warnings;
}

void ListingCheck::check_range(const BundleRef& bundle, const std::string& request) const {
  const int64_t latest = now_unix_ + kAllowedClockSkewSeconds;
  if (bundle.start < kEarliestBundleStart || bundle.start >= bundle.stop || bundle.stop > latest) {
    refuse(request, describe(bundle) + ": expected Start < Stop, Start from " +
                        format_rfc3339_utc(kEarliestBundleStart) + " and Stop not after now (" +
                        format_rfc3339_utc(now_unix_) + ", " + std::to_string(kAllowedClockSkewSeconds / 60) +
                        " min of clock skew allowed)");
  }
}

void ListingCheck::check_follows(const BundleRef& bundle, int64_t previous_stop, const std::string& previous,
                                 const std::string& request, std::vector<std::string>& warnings) const {
  if (bundle.start == previous_stop) return;
  if (bundle.start < previous_stop) {
    refuse(request, describe(bundle) + ", which overlaps " + previous + ": its events before " +
                        format_rfc3339_utc(previous_stop) + " were delivered already");
  }
  const std::string gap = describe(bundle) + ", which starts " + std::to_string(bundle.start - previous_stop) +
                          " s after " + previous + " stopped (" + format_rfc3339_utc(previous_stop) + ")";
  if (!allow_gaps_) {
    refuse(request, gap + ": bundles missing from the list would be lost. If FullStory really has no bundle for "
                          "that time (exports paused), set allow_bundle_gaps to true");
  }
  warnings.push_back(request + " listed " + gap + ": accepted, allow_bundle_gaps is true");
}

}  // namespace fullstory
