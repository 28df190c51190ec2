#include "bundle_plan.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "listing_check.h"
#include "timestamps.h"

namespace fullstory {
namespace {

std::string summary_of(uint64_t bundles, int64_t from, int64_t to, const SourceConfig& config, int64_t paced_ms) {
  if (bundles == 0) return "no new bundles end after " + format_rfc3339_utc(from) + ": nothing to download";
  std::string text = std::to_string(bundles) + " bundle" + (bundles == 1 ? "" : "s") + " to download, " +
                     format_rfc3339_utc(from) + " to " + format_rfc3339_utc(to);
  if (config.downloads_per_minute == 0) return text + " (downloads_per_minute 0: no pacing)";
  if (paced_ms == 0)
    return text + ", all within one minute's downloads_per_minute " + std::to_string(config.downloads_per_minute);
  return text + ", at least " + std::to_string(paced_ms / 1000) + " s at downloads_per_minute " +
         std::to_string(config.downloads_per_minute);
}

}  // namespace

int64_t paced_duration_ms(uint64_t bundles, int downloads_per_minute) {
  if (bundles == 0 || downloads_per_minute <= 0) return 0;
  return static_cast<int64_t>((bundles - 1) / static_cast<uint64_t>(downloads_per_minute)) * 60'000;
}

std::string BundleListing::summary(const SourceConfig& config) const {
  const int64_t first = bundles.empty() ? from : bundles.front().start;
  const int64_t last = bundles.empty() ? from : bundles.back().stop;
  return summary_of(bundles.size(), first, last, config,
                    paced_duration_ms(bundles.size(), config.downloads_per_minute));
}

BundleListing list_bundles(const SourceConfig& config, const etl::Host& host, ExportApi& api,
                           const std::optional<Bookmark>& resume) {
  BundleListing listing;
  listing.from = resume ? resume->last_bundle_stop : config.start_unix;
  const int64_t now = unix_now();
  ListingCheck check(now, config.allow_bundle_gaps, resume ? resume->last_bundle_id : std::nullopt);
  // A cursor that is a delivered bundle's Stop must be where the next bundle starts. Neither
  // start_date nor a tap-fullstory state is known to be one (users set the tap's "events"
  // time by hand to choose where to begin): the first bundle may begin before or after it.
  bool contiguous = resume.has_value() && !resume->from_tap_fullstory;
  const auto per_bundle = std::chrono::milliseconds(
      config.downloads_per_minute > 0 ? 60000 / config.downloads_per_minute : 0);
  int64_t cursor = listing.from;
  for (;;) {
    const ExportPage page = api.list(cursor);
    if (page.bundles.empty()) break;  // only an empty page proves there is no more
    for (const std::string& warning : check.check_page(page, cursor, contiguous)) host.warn(warning);
    for (const BundleRef& bundle : page.bundles) {
      listing.bundles.push_back(bundle);
      cursor = bundle.stop;
      contiguous = true;
    }
    host.plan("bundles", static_cast<int64_t>(listing.bundles.size()), per_bundle);
  }
  return listing;
}

std::string plan_bundles(const SourceConfig& config, const etl::Host& host, ExportApi& api,
                         const std::optional<Bookmark>& resume) {
  const BundleListing listing = list_bundles(config, host, api, resume);
  nlohmann::json units = nlohmann::json::array();
  for (const BundleRef& bundle : listing.bundles) {
    units.push_back({{"stream", "events"},
                     {"id", std::to_string(bundle.id)},
                     {"start", format_rfc3339_utc(bundle.start)},
                     {"end", format_rfc3339_utc(bundle.stop)}});
  }
  return nlohmann::json{{"summary", listing.summary(config)},
                        {"units", units},
                        {"estimated_ms", paced_duration_ms(listing.bundles.size(), config.downloads_per_minute)}}
      .dump();
}

}  // namespace fullstory
