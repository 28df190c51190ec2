// fullstory_source.cpp: the plugin: its config spec, and the etl::Source that ties the
// pieces together. FullStory's `events` stream from the legacy Data Export API, loaded
// append-only as Stitch does.
#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"

#include "bookmark.h"
#include "cancel_watch.h"
#include "events_schema.h"
#include "events_sync.h"
#include "export_api.h"
#include "source_config.h"
#include "version.h"

namespace fullstory {
namespace {

class FullStorySource final : public etl::Source {
 public:
  FullStorySource(const etl::Host& host, const etl::Config& config)
      : host_(host), config_(read_source_config(config, std::chrono::system_clock::now())) {}

  void discover(etl::Emitter& out) override { out.schema(kEventsStream, events_catalog_message()); }

  void sync(const etl::SyncRequest& request, etl::Emitter& out) override {
    if (!request.selected(kEventsStream)) {
      host_.info("stream 'events' is not selected in the catalog: nothing to do");
      return;
    }
    require_api_key(config_);
    const std::optional<Bookmark> resume = parse_bookmark(request.state_json());
    out.schema(kEventsStream, events_schema_message());
    CancelWatch watch(host_);  // declared first: outlives the connection it watches
    ExportApi api(config_, host_, watch);
    EventsSync(config_, host_, api, out).run(resume);
  }

 private:
  etl::Host host_;
  SourceConfig config_;
};

constexpr etl_config_field kConfigFields[] = {
    etl::field(ETL_CONFIG_STRING, "api_key",
               "FullStory API key with Admin or Architect permission, sent as 'Authorization: Basic <key>'.", nullptr,
               ETL_CONFIG_REQUIRED | ETL_CONFIG_SECRET, "FULLSTORY_API_KEY"),
    etl::field(ETL_CONFIG_STRING, "start_date",
               "First run only: export bundles that end after this RFC 3339 date or date-time. Default: one year "
               "before now (Stitch's historical sync)."),
    etl::field(ETL_CONFIG_STRING, "base_url", "Data Export API root, http(s)://host[:port][/path].",
               "\"https://export.fullstory.com\""),
    etl::field(ETL_CONFIG_STRING, "user_agent", "User-Agent header of every request.",
               "\"etlhost-fullstory/" ETL_FULLSTORY_VERSION "\""),
    etl::field(ETL_CONFIG_STRING, "ca_file",
               "PEM file of CA certificates to trust instead of the system store (private CA, TLS proxy)."),
    etl::field(ETL_CONFIG_INTEGER, "connect_timeout_seconds", "Seconds to wait for a TCP/TLS connection, 1-3600.",
               "30"),
    etl::field(ETL_CONFIG_INTEGER, "idle_timeout_seconds",
               "Seconds a request may go without receiving a byte before it is retried, 1-86400.", "300"),
    etl::field(ETL_CONFIG_INTEGER, "max_attempts", "Attempts per request (first try included), 1-100.", "8"),
    etl::field(ETL_CONFIG_INTEGER, "retry_base_delay_ms",
               "First retry wait in ms; doubles per attempt, jittered to 50-100%.", "1000"),
    etl::field(ETL_CONFIG_INTEGER, "retry_max_delay_ms", "Cap on a single retry wait in ms.", "60000"),
    etl::field(ETL_CONFIG_INTEGER, "max_total_wait_seconds",
               "Run-wide budget for retry and 429 Retry-After waits, in seconds (pacing not included).", "3600"),
    etl::field(ETL_CONFIG_INTEGER, "downloads_per_minute",
               "Bundle downloads started per rolling minute (FullStory allows 2); 0 disables pacing.", "2"),
    etl::field(ETL_CONFIG_BOOLEAN, "allow_bundle_gaps",
               "Accept a listed bundle that starts after the previous one stopped (FullStory exports paused), "
               "with a warning; by default such a list fails the run, since missing bundles would be lost.",
               "false"),
};

}  // namespace
}  // namespace fullstory

ETL_DEFINE_SOURCE_PLUGIN(fullstory::FullStorySource, "fullstory", ETL_FULLSTORY_VERSION,
                         "FullStory events from the legacy Data Export API (export/list + export/get bundles).",
                         fullstory::kConfigFields)
