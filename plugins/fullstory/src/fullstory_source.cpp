// fullstory_source.cpp: the plugin: the etl::Source that ties the pieces together (its
// config spec is kSourceConfig, in source_config.h). FullStory's `events` stream from the
// legacy Data Export API, loaded append-only as Stitch does.
#include <chrono>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"

#include "bookmark.h"
#include "cancel_watch.h"
#include "events_schema.h"
#include "events_sync.h"
#include "export_api.h"
#include "fullstory_version.h"
#include "source_config.h"
#include "tls_context.h"

namespace fullstory {
namespace {

class FullStorySource final : public etl::Source {
 public:
  FullStorySource(const etl::Host& host, const etl::Config& config)
      : host_(host),
        config_(read_source_config(config, std::chrono::system_clock::now())),
        // Loaded here, in create(), so a ca_file OpenSSL cannot load is a config error.
        tls_(config_.base_url.tls ? std::make_unique<TlsContext>(config_.ca_file) : nullptr) {}

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
    ExportApi api(config_, tls_.get(), host_, watch);
    EventsSync(config_, host_, api, out).run(resume);
  }

 private:
  etl::Host host_;
  SourceConfig config_;
  std::unique_ptr<TlsContext> tls_;  // null for plain http
};

}  // namespace
}  // namespace fullstory

ETL_DEFINE_SOURCE_PLUGIN(fullstory::FullStorySource, "fullstory", ETL_FULLSTORY_VERSION,
                         "FullStory events from the legacy Data Export API (export/list + export/get bundles).",
                         fullstory::kSourceConfig)
