#include "events_sync.h"

#include <cstdio>

#include "bundle_reader.h"
#include "timestamps.h"

namespace fullstory {
namespace {

std::string describe_start(const SourceConfig& config, const std::optional<Bookmark>& resume) {
  if (resume && resume->from_tap_fullstory) return "the tap-fullstory state's \"events\" bookmark";
  if (resume) return "the state's last delivered bundle";
  if (config.start_date_defaulted) return "the default start_date (one year ago)";
  return "start_date";
}

std::string bundle_line(const BundleRef& bundle, const BundleStats& stats) {
  char numbers[160];
  std::snprintf(numbers, sizeof numbers, ": %llu events, %llu bytes, %.2f s", static_cast<unsigned long long>(stats.events),
                static_cast<unsigned long long>(stats.bytes), stats.seconds);
  std::string line = "bundle " + std::to_string(bundle.id) + " (" + format_rfc3339_utc(bundle.start) + " to " +
                     format_rfc3339_utc(bundle.stop) + ")" + numbers;
  if (stats.attempts > 1) line += ", " + std::to_string(stats.attempts) + " attempts";
  return line;
}

}  // namespace

void EventsSync::run(const std::optional<Bookmark>& resume) {
  int64_t cursor = resume ? resume->last_bundle_stop : config_.start_unix;
  host_.info("listing bundles that end after " + format_rfc3339_utc(cursor) + " (from " +
             describe_start(config_, resume) + ")");
  BundleReader reader(api_, out_);
  uint64_t bundles = 0;
  uint64_t events = 0;
  for (;;) {
    const int64_t page_start = cursor;
    const ExportPage page = api_.list(cursor);
    for (const BundleRef& bundle : page.bundles) {
      const bool delivered = bundle.stop <= cursor || (resume && resume->last_bundle_id == bundle.id);
      if (delivered) {
        host_.warn("export/list returned bundle " + std::to_string(bundle.id) + ", which ends at " +
                   format_rfc3339_utc(bundle.stop) + ", not after the bookmark " + format_rfc3339_utc(cursor) +
                   ": skipped, it was already delivered");
        continue;
      }
      const BundleStats stats = reader.read(bundle);
      // The bundle's records are all emitted: the host commits this once the sink has them.
      out_.state(bookmark_state_json(Bookmark{bundle.stop, bundle.id, false}));
      cursor = bundle.stop;
      ++bundles;
      events += stats.events;
      host_.count("bundles", 1);
      host_.info(bundle_line(bundle, stats));
    }
    if (page.is_last()) break;
    if (cursor == page_start) {
      throw etl::Error(ETL_E_INVALID_DATA, "export/list start=" + std::to_string(page_start) +
                                               " returned a full page with no bundle ending after start; stopping "
                                               "rather than asking for the same page forever");
    }
  }
  host_.info(bundles == 0 ? "no new bundles: everything that ends before now was delivered already"
                          : "delivered " + std::to_string(bundles) + " bundles, " + std::to_string(events) +
                                " events; bookmark now " + format_rfc3339_utc(cursor));
}

}  // namespace fullstory
