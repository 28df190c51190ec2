#include "metadata_run.h"

#include <nlohmann/json.hpp>

#include "cancel_watch.h"
#include "catalog_selection.h"
#include "metadata_api.h"
#include "metadata_sync.h"

namespace fullstory {
namespace {

const char* replication_of(const MetadataStream& stream) {
  switch (stream.shape) {
    case MetadataShape::kPagedList: return "full table";
    case MetadataShape::kSingleton: return "current object, when changed";
    case MetadataShape::kHistory: return "versions after the bookmark";
  }
  return "";
}

}  // namespace

void discover_metadata(etl::Emitter& out) {
  for (const MetadataStream& stream : metadata_streams()) out.schema(stream.name, metadata_catalog_message(stream));
}

std::vector<SelectedMetadata> selected_metadata(std::string_view catalog_json, const etl::Host& host) {
  std::vector<SelectedMetadata> selected;
  for (const MetadataStream& stream : metadata_streams()) {
    CatalogSelection selection = read_catalog_selection(catalog_json, stream.name, /*selected_without_catalog=*/false);
    if (!selection.stream_selected) continue;
    std::erase_if(selection.deselected_properties, [&](const std::string& property) {
      if (!is_automatic_property(stream, property)) return false;
      host.warn("catalog: " + std::string(stream.name) + "." + property +
                " is deselected, but its inclusion is automatic (a key or the replication key): it is kept");
      return true;
    });
    selected.push_back({&stream, std::move(selection.deselected_properties)});
  }
  return selected;
}

void check_metadata_state(const StateBook& book, const std::vector<SelectedMetadata>& selected) {
  for (const SelectedMetadata& entry : selected) check_metadata_bookmark(book, *entry.stream);
}

void sync_metadata(const SourceConfig& config, const TlsContext* tls, const etl::Host& host,
                   const std::vector<SelectedMetadata>& selected, StateBook& book, etl::Emitter& out) {
  if (selected.empty()) return;
  if (!config.api_base_url_origin.empty()) {
    host.info("api_base_url " + config.api_base_url.text() + ": " + config.api_base_url_origin);
  }
  CancelWatch watch(host);  // declared first: outlives the connection it watches
  MetadataApi api(config, tls, host, watch);
  MetadataSync sync(config, host, api, out, book);
  for (const SelectedMetadata& entry : selected) sync.run(*entry.stream, entry.deselected);
}

std::string plan_with_metadata(const std::string& events_plan, const std::vector<SelectedMetadata>& selected) {
  if (selected.empty()) return events_plan;
  nlohmann::ordered_json plan = nlohmann::ordered_json::parse(events_plan);  // the plugin's own text
  nlohmann::ordered_json& units = plan["units"];
  if (!units.is_array()) units = nlohmann::ordered_json::array();
  std::string names;
  for (const SelectedMetadata& entry : selected) {
    units.push_back({{"stream", entry.stream->name}, {"id", replication_of(*entry.stream)}});
    names += (names.empty() ? "" : ", ") + std::string(entry.stream->name);
  }
  plan["summary"] = plan.value("summary", std::string()) + "; then " + std::to_string(selected.size()) +
                    " metadata stream" + (selected.size() == 1 ? "" : "s") + ": " + names;
  return plan.dump();
}

}  // namespace fullstory
