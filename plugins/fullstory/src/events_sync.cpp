#include "events_sync.h"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "bundle_reader.h"
#include "events_schema.h"
#include "listing_check.h"
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

// The bundle's entry in the run record (etlhost history, --report).
std::string unit_json(const BundleRef& bundle, const BundleStats& stats) {
  return nlohmann::json{{"stream", kEventsStream},
                        {"id", std::to_string(bundle.id)},  // > 2^53: a string, never a double
                        {"from", format_rfc3339_utc(bundle.start)},
                        {"to", format_rfc3339_utc(bundle.stop)},
                        {"bytes", stats.bytes},
                        {"events", stats.events},
                        {"attempts", stats.attempts},
                        {"wait_ms", stats.wait_ms}}
      .dump();
}

// The pacing floor the host's ETA needs: no bundle takes less than a download slot.
std::chrono::milliseconds ms_per_bundle(const SourceConfig& config) {
  return std::chrono::milliseconds(config.downloads_per_minute > 0 ? 60000 / config.downloads_per_minute : 0);
}

}  // namespace

void EventsSync::run(const std::optional<Bookmark>& resume) {
  int64_t cursor = resume ? resume->last_bundle_stop : config_.start_unix;
  host_.info("listing bundles that end after " + format_rfc3339_utc(cursor) + " (from " +
             describe_start(config_, resume) + ")");
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (resume) refuse_future_bookmark(*resume, now);
  ListingCheck check(now, config_.allow_bundle_gaps, resume ? resume->last_bundle_id : std::nullopt);
  // A cursor that is a delivered bundle's Stop must be where the next bundle starts. Neither
  // start_date nor a tap-fullstory state is known to be one (users set the tap's "events"
  // time by hand to choose where to begin): the first bundle may begin before or after it.
  bool contiguous = resume.has_value() && !resume->from_tap_fullstory;
  BundleReader reader(api_, out_, host_, config_, shaper_);
  uint64_t bundles = 0;
  uint64_t events = 0;
  int64_t listed = 0;
  for (;;) {
    const ExportPage page = api_.list(cursor);
    if (page.bundles.empty()) break;  // only an empty page proves there is no more
    for (const std::string& warning : check.check_page(page, cursor, contiguous)) host_.warn(warning);
    // Pages are listed as the download goes (a page per 20 bundles), so the total is what
    // was listed so far; each page raises it (the last plan() call wins).
    listed += static_cast<int64_t>(page.bundles.size());
    host_.plan("bundles", listed, ms_per_bundle(config_));
    for (const BundleRef& bundle : page.bundles) {
      const BundleStats stats = reader.read(bundle);
      // The bundle's records are all emitted: the host commits this once the sink has them.
      out_.state(bookmark_state_json(Bookmark{bundle.stop, bundle.id, false, shaper_.schema().extra_fields()}));
      cursor = bundle.stop;
      contiguous = true;
      ++bundles;
      events += stats.events;
      host_.count("bundles", 1);
      host_.info(bundle_line(bundle, stats));
      host_.report_unit(unit_json(bundle, stats));
    }
  }
  host_.info(bundles == 0 ? "no new bundles: everything that ends before now was delivered already"
                          : "delivered " + std::to_string(bundles) + " bundles, " + std::to_string(events) +
                                " events; bookmark now " + format_rfc3339_utc(cursor));
}

}  // namespace fullstory
