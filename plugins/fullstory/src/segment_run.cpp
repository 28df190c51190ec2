#include "segment_run.h"

#include <chrono>
#include <optional>

#include "bookmark.h"
#include "cancel_watch.h"
#include "catalog_selection.h"
#include "events_schema.h"
#include "individuals_schema.h"
#include "record_shaper.h"
#include "segment_export_api.h"
#include "segment_sync.h"
#include "timestamps.h"
#include "window_plan.h"

namespace fullstory {
namespace {

struct Selections {
  CatalogSelection events;
  CatalogSelection individuals;
};

// events is what a Stitch user expects without a catalog; individuals is opt-in.
Selections read_selections(std::string_view catalog_json) {
  return {read_catalog_selection(catalog_json, kEventsStream),
          read_catalog_selection(catalog_json, kIndividualsStream, false)};
}

std::vector<ExtraField> remembered(const std::optional<WindowBookmark>& bookmark) {
  return bookmark ? bookmark->fields : std::vector<ExtraField>();
}

StreamSpec events_stream_spec(const SourceConfig& config) {
  return events_spec(ExportApiKind::kSegmentExport, config.legacy_field_names, config.key_field);
}

void sync_stream(SegmentSync& sync, StreamSchema& schema, etl::Emitter& out, const char* name, const char* type,
                 std::optional<WindowBookmark>& bookmark, std::vector<std::string> fields) {
  out.schema(name, schema.message());
  RecordShaper shaper(schema);
  WindowStream stream{name, type, shaper, bookmark, std::move(fields)};
  sync.run(stream);
}

}  // namespace

StreamSchema stream_schema(StreamSpec spec, std::set<std::string> deselected, const std::vector<ExtraField>& remembered,
                           const std::vector<ExtraField>& configured, const etl::Host& host) {
  StreamSchema schema(std::move(spec), std::move(deselected), [&host](const std::string& line) { host.warn(line); });
  schema.declare(remembered);
  schema.declare(configured);
  return schema;
}

void discover_segment_export(const SourceConfig& config, const etl::Host& host, etl::Emitter& out) {
  out.schema(kEventsStream,
             stream_schema(events_stream_spec(config), {}, {}, config.custom_fields, host).catalog_message());
  out.schema(kIndividualsStream, stream_schema(individuals_spec(), {}, {}, {}, host).catalog_message());
}

void sync_segment_export(const SourceConfig& config, const TlsContext* tls, const etl::Host& host,
                         std::string_view catalog_json, StateBook& book, etl::Emitter& out) {
  const Selections selected = read_selections(catalog_json);
  if (!selected.events.stream_selected && !selected.individuals.stream_selected) return;
  WindowState state = parse_window_state(book.events_state());
  if (!config.base_url_origin.empty()) host.info("base_url " + config.base_url.text() + ": " + config.base_url_origin);
  CancelWatch watch(host);  // declared first: outlives the connections it watches
  SegmentExportApi api(config, tls, host, watch);
  SegmentSync sync(config, host, api, out, state, book);
  if (selected.events.stream_selected) {
    StreamSchema schema = stream_schema(events_stream_spec(config), selected.events.deselected_properties,
                                        remembered(state.events), config.custom_fields, host);
    sync_stream(sync, schema, out, kEventsStream, "TYPE_EVENT", state.events, config.export_fields);
  }
  if (selected.individuals.stream_selected) {
    // export_fields name event fields: individuals are exported whole.
    StreamSchema schema = stream_schema(individuals_spec(), selected.individuals.deselected_properties,
                                        remembered(state.individuals), {}, host);
    sync_stream(sync, schema, out, kIndividualsStream, "TYPE_INDIVIDUAL", state.individuals, {});
  }
}

std::string plan_segment_export(const SourceConfig& config, std::string_view catalog_json, const StateBook& book) {
  const Selections selected = read_selections(catalog_json);
  const WindowState state = parse_window_state(book.events_state());
  return plan_windows(config, state, selected.events.stream_selected, selected.individuals.stream_selected, unix_now());
}

}  // namespace fullstory
