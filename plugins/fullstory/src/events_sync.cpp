#include "events_sync.h"

#include <chrono>
#include <cstdio>

#include "bundle_plan.h"
#include "bundle_reader.h"
#include "events_schema.h"
#include "listing_check.h"  // kAllowedClockSkewSeconds
#include "timestamps.h"

namespace fullstory {
namespace {

std::string describe_start(const SourceConfig& config, const std::optional<Bookmark>& resume) {
  if (resume && resume->from_tap_fullstory) return "the tap-fullstory state's \"events\" bookmark";
  if (resume) return "the state's last delivered bundle";
  if (config.start_date_defaulted) return "the default start_date (one year ago)";
  if (config.start_date_without_offset) return "start_date, read as UTC: it has no offset";
  return "start_date";
}

std::string bundle_line(const BundleRef& bundle, const BundleStats& stats) {
  char numbers[160];
  std::snprintf(numbers, sizeof numbers, ": %llu events, %llu bytes, %.2f s",
                static_cast<unsigned long long>(stats.events), static_cast<unsigned long long>(stats.bytes),
                stats.seconds);
  std::string line = "bundle " + std::to_string(bundle.id) + " (" + format_rfc3339_utc(bundle.start) + " to " +
                     format_rfc3339_utc(bundle.stop) + ")" + numbers;
  if (stats.wait_ms > 0) {
    std::snprintf(numbers, sizeof numbers, " (after %.2f s waiting for the API)",
                  static_cast<double>(stats.wait_ms) / 1000.0);
    line += numbers;
  }
  if (stats.attempts > 1) line += ", " + std::to_string(stats.attempts) + " attempts";
  if (stats.skipped > 0) line += ", " + std::to_string(stats.skipped) + " oversized events SKIPPED";
  return line;
}

// A bookmark in the future (written by an etlhost before 0.2, which trusted a server's
// Stop, or edited by hand) would make every run find "no new bundles" until then.
void refuse_future_bookmark(const Bookmark& resume, int64_t now) {
  if (resume.last_bundle_stop <= now + kAllowedClockSkewSeconds) return;
  throw etl::Error(ETL_E_INVALID_STATE,
                   "state: the bookmark " + format_rfc3339_utc(resume.last_bundle_stop) + " is in the future (now is " +
                       format_rfc3339_utc(now) +
                       "); every run from it would find no new bundles. Set "
                       "last_bundle_stop to the Stop of the last bundle you trust (see the run logs), or remove the "
                       "state file to start again from start_date");
}

}  // namespace

void EventsSync::run(const std::optional<Bookmark>& resume) {
  host_.info("listing bundles that end after " +
             format_rfc3339_utc(resume ? resume->last_bundle_stop : config_.start_unix) + " (from " +
             describe_start(config_, resume) + ")");
  const int64_t now = unix_now();
  if (resume) refuse_future_bookmark(*resume, now);
  // Everything is listed before the first download (a page is cheap, a download is paced):
  // the first lines can say how many bundles, which range and how long, and a listing
  // that contradicts itself stops the run before anything is delivered.
  const BundleListing listing = list_bundles(config_, host_, api_, resume);
  if (listing.bundles.empty()) {
    host_.info("no new bundles: everything that ends before now was delivered already");
    return;
  }
  host_.info(listing.summary(config_));
  BundleReader reader(out_, host_, config_, shaper_);
  uint64_t events = 0;
  for (const BundleRef& bundle : listing.bundles) {
    const BundleStats stats = reader.read(bundle_unit(bundle, api_));
    // The bundle's records are all emitted: the host commits this once the sink has them.
    out_.state(
        book_.merge(bookmark_state_json(Bookmark{bundle.stop, bundle.id, false, shaper_.schema().extra_fields()})));
    events += stats.events;
    host_.count("bundles", 1);
    host_.info(bundle_line(bundle, stats));
    host_.report_unit(unit_report_json(kEventsStream, bundle.id, bundle.start, bundle.stop, stats));
  }
  host_.info("delivered " + std::to_string(listing.bundles.size()) + " bundles, " + std::to_string(events) +
             " events; bookmark now " + format_rfc3339_utc(listing.bundles.back().stop));
}

}  // namespace fullstory
