// fullstory_source.cpp: the plugin: the etl::Source that ties the pieces together (its
// config spec is kSourceConfig, in source_config.h). FullStory's `events` stream from the
// legacy Data Export API (loaded append-only as Stitch does) or Segment Export, then the
// metadata streams the catalog selects (users, segments, recording settings).
#include <chrono>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"

#include "bookmark.h"
#include "bundle_plan.h"
#include "cancel_watch.h"
#include "catalog_selection.h"
#include "events_schema.h"
#include "events_sync.h"
#include "export_api.h"
#include "fullstory_version.h"
#include "metadata_run.h"
#include "record_shaper.h"
#include "segment_run.h"
#include "source_check.h"
#include "source_config.h"
#include "source_identity.h"
#include "state_book.h"
#include "tls_context.h"

namespace fullstory {
namespace {

class FullStorySource final : public etl::Source {
 public:
  FullStorySource(const etl::Host& host, const etl::Config& config)
      : host_(host),
        config_(read_source_config(config, std::chrono::system_clock::now())),
        // Loaded here, in create(), so a ca_file OpenSSL cannot load is a config error.
        tls_(config_.base_url.tls || config_.api_base_url.tls ? std::make_unique<TlsContext>(config_.ca_file)
                                                              : nullptr),
        identity_(source_identity(config_)) {}

  std::string_view identity() override { return identity_; }

  void discover(etl::Emitter& out) override {
    if (segment_export()) {
      discover_segment_export(config_, host_, out);
    } else {
      out.schema(kEventsStream, schema_for({}, {}).catalog_message());
    }
    discover_metadata(out);
  }

  void check() override {
    const SourceConfig checking = config_for_check(config_);
    check_export_access(checking, tls_.get(), host_);
  }

  std::string_view plan(const etl::SyncRequest& request) override {
    const StateBook book(request.state_json());
    const std::vector<SelectedMetadata> metadata = selected_metadata(request.catalog_json(), host_);
    return plan_ = plan_with_metadata(events_plan(request, book), metadata);
  }

  void sync(const etl::SyncRequest& request, etl::Emitter& out) override {
    StateBook book(request.state_json());
    const std::vector<SelectedMetadata> metadata = selected_metadata(request.catalog_json(), host_);
    require_api_key(config_);
    check_metadata_state(book, metadata);
    if (segment_export()) {
      sync_segment_export(config_, tls_.get(), host_, request.catalog_json(), book, out);
    } else {
      sync_bundles(request, book, out);
    }
    sync_metadata(config_, tls_.get(), host_, metadata, book, out);
  }

 private:
  using ExtraFields = std::vector<ExtraField>;

  std::string events_plan(const etl::SyncRequest& request, const StateBook& book) {
    if (segment_export()) return plan_segment_export(config_, request.catalog_json(), book);
    const CatalogSelection selection = read_catalog_selection(request.catalog_json(), kEventsStream);
    if (!selection.stream_selected) return R"({"summary":"stream 'events' is not selected"})";
    require_api_key(config_);
    CancelWatch watch(host_);
    ExportApi api(config_, tls_.get(), host_, watch);
    return plan_bundles(config_, host_, api, parse_bookmark(book.events_state()));
  }

  // The events stream from Data Export bundles, when the catalog selects it.
  void sync_bundles(const etl::SyncRequest& request, StateBook& book, etl::Emitter& out) {
    const CatalogSelection selection = read_catalog_selection(request.catalog_json(), kEventsStream);
    if (!selection.stream_selected) {
      host_.info("stream 'events' is not selected in the catalog");
      return;
    }
    const std::optional<Bookmark> resume = parse_bookmark(book.events_state());
    StreamSchema schema = schema_for(selection.deselected_properties, resume ? resume->fields : ExtraFields());
    out.schema(kEventsStream, schema.message());
    RecordShaper shaper(schema);
    CancelWatch watch(host_);  // declared first: outlives the connection it watches
    ExportApi api(config_, tls_.get(), host_, watch);
    EventsSync(config_, host_, api, out, shaper, book).run(resume);
  }

  bool segment_export() const { return config_.export_api == ExportApiKind::kSegmentExport; }

  StreamSchema schema_for(std::set<std::string> deselected, const ExtraFields& remembered) const {
    return stream_schema(events_spec(ExportApiKind::kDataExport, false, config_.key_field), std::move(deselected),
                         remembered, config_.custom_fields, host_);
  }

  etl::Host host_;
  SourceConfig config_;
  std::unique_ptr<TlsContext> tls_;  // null for plain http
  std::string identity_;             // computed once: the host may ask at any time
  std::string plan_;                 // plan()'s answer, valid until the next call
};

}  // namespace
}  // namespace fullstory

ETL_DEFINE_SOURCE_PLUGIN(
    fullstory::FullStorySource, "fullstory", ETL_FULLSTORY_VERSION,
    "FullStory events from the legacy Data Export API (bundles) or the Segment Export API (windows), "
    "individuals from Segment Export, and users, segments and recording settings (current and history).",
    fullstory::kSourceConfig)
