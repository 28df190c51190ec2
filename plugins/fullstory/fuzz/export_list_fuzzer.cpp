// An export/list body on its way to the bookmark: parse_export_page, then ListingCheck, on
// any text. Only etl::Error(ETL_E_INVALID_DATA) may come out of either. Properties of a page
// the check lets through (that is what the pager may deliver and write to the state):
// - every bundle has Start < Stop, Start from kEarliestBundleStart, Stop not past now plus
//   the clock skew: so its Stop always formats as an RFC 3339 time that reads back;
// - Stops strictly increase, Ids are unique, each bundle starts where the previous stopped.
#include <unordered_set>

#include "etlhost/plugin.hpp"
#include "export_list.h"
#include "fuzz_check.h"
#include "listing_check.h"
#include "timestamps.h"

namespace {

using namespace fullstory;

// A fixed clock, so every input means the same every time: 2026-12-01T00:00:00Z.
constexpr int64_t kNow = 1'796'083'200;

void check_accepted(const ExportPage& page, int64_t start) {
  std::unordered_set<int64_t> ids;
  int64_t previous_stop = start;
  for (const BundleRef& bundle : page.bundles) {
    fuzz::check(bundle.start < bundle.stop && bundle.start >= kEarliestBundleStart &&
                    bundle.stop <= kNow + kAllowedClockSkewSeconds,
                "an accepted bundle lies within the sane range");
    fuzz::check(bundle.stop > previous_stop, "accepted Stops strictly increase");
    fuzz::check(bundle.start == previous_stop, "an accepted bundle starts where the previous stopped");
    fuzz::check(ids.insert(bundle.id).second, "accepted Ids are unique");
    fuzz::check(parse_rfc3339(format_rfc3339_utc(bundle.stop)) == bundle.stop, "an accepted Stop is a valid bookmark");
    previous_stop = bundle.stop;
  }
}

bool accepted(const ExportPage& page, int64_t start) {
  try {
    ListingCheck check(kNow, /*allow_gaps=*/false, std::nullopt);
    check.check_page(page, start, /*contiguous=*/true);
    return true;
  } catch (const etl::Error& error) {
    fuzz::check(error.code() == ETL_E_INVALID_DATA, "a refused page is ETL_E_INVALID_DATA");
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ExportPage page;
  try {
    page = parse_export_page(fuzz::text_of(data, size));
  } catch (const etl::Error& error) {
    fuzz::check(error.code() == ETL_E_INVALID_DATA, "a refused body is ETL_E_INVALID_DATA");
    return 0;
  }
  // Resuming from where the page's first bundle starts, and from an arbitrary bookmark.
  const int64_t first_start = page.bundles.empty() ? kEarliestBundleStart : page.bundles.front().start;
  for (const int64_t start : {first_start, int64_t{1'700'000'000}}) {
    if (accepted(page, start)) check_accepted(page, start);
  }
  // With gaps allowed, the range and the order still hold.
  try {
    ListingCheck lenient(kNow, /*allow_gaps=*/true, std::nullopt);
    lenient.check_page(page, first_start, /*contiguous=*/false);
    for (size_t i = 0; i < page.bundles.size(); ++i) {
      fuzz::check(i == 0 || page.bundles[i].stop > page.bundles[i - 1].stop, "with gaps allowed, Stops still increase");
    }
  } catch (const etl::Error& error) {
    fuzz::check(error.code() == ETL_E_INVALID_DATA, "a refused page is ETL_E_INVALID_DATA");
  }
  return 0;
}
