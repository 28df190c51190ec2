#include "catalog_selection.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"

namespace fullstory {
namespace {

using json = nlohmann::json;

[[noreturn]] void refuse(const std::string& where, const std::string& problem) {
  throw etl::Error(ETL_E_INVALID_STATE, "catalog: " + where + " " + problem +
                                            "; expected Singer catalog metadata as `etlhost discover` prints it");
}

// The entry for `stream` (by tap_stream_id, else stream), or nullptr.
const json* stream_entry(const json& catalog, std::string_view stream) {
  const auto streams = catalog.find("streams");
  if (streams == catalog.end() || !streams->is_array()) refuse("the document", "has no \"streams\" array");
  for (const json& entry : *streams) {
    if (!entry.is_object()) continue;
    auto name = entry.find("tap_stream_id");
    if (name == entry.end()) name = entry.find("stream");
    if (name != entry.end() && name->is_string() && name->get_ref<const std::string&>() == stream) return &entry;
  }
  return nullptr;
}

std::optional<bool> flag(const json& metadata, const char* name, const std::string& where) {
  const auto found = metadata.find(name);
  if (found == metadata.end() || found->is_null()) return std::nullopt;
  if (!found->is_boolean())
    refuse(where, std::string("has \"") + name + "\" of type " + found->type_name() + ", not true or false");
  return found->get<bool>();
}

bool is_selected(const json& metadata, const std::string& where) {
  if (const auto selected = flag(metadata, "selected", where)) return *selected;
  return flag(metadata, "selected-by-default", where).value_or(true);
}

// One metadata item: {"breadcrumb": [...], "metadata": {...}}.
void read_item(const json& item, const std::string& where, CatalogSelection& out) {
  if (!item.is_object()) refuse(where, std::string("is ") + item.type_name() + ", not an object");
  const auto breadcrumb = item.find("breadcrumb");
  const auto metadata = item.find("metadata");
  if (breadcrumb == item.end() || !breadcrumb->is_array()) refuse(where, "has no \"breadcrumb\" array");
  if (metadata == item.end() || !metadata->is_object()) refuse(where, "has no \"metadata\" object");
  for (const json& step : *breadcrumb) {
    if (!step.is_string()) refuse(where, "has a breadcrumb step that is not a string");
  }
  if (breadcrumb->empty()) {
    out.stream_selected = is_selected(*metadata, where);
  } else if (breadcrumb->size() == 2 && (*breadcrumb)[0] == "properties") {
    const std::string& name = (*breadcrumb)[1].get_ref<const std::string&>();
    if (!is_selected(*metadata, where + " (property '" + name.substr(0, 80) + "')")) {
      out.deselected_properties.insert(name);
    } else {
      out.deselected_properties.erase(name);
    }
  }
  // Deeper breadcrumbs (nested properties) select nothing here: records keep their values whole.
}

}  // namespace

CatalogSelection read_catalog_selection(std::string_view catalog_json, std::string_view stream,
                                        bool selected_without_catalog) {
  CatalogSelection selection;
  selection.stream_selected = selected_without_catalog;
  if (catalog_json.empty()) return selection;
  selection.stream_selected = true;
  // nlohmann parses without recursion; nothing below descends more than three levels.
  const json catalog = json::parse(catalog_json.begin(), catalog_json.end(), nullptr, false);
  if (!catalog.is_object()) refuse("the document", "is not a JSON object");
  const json* entry = stream_entry(catalog, stream);
  if (entry == nullptr) {
    selection.stream_selected = false;
    return selection;
  }
  const std::string where = "stream '" + std::string(stream) + "'";
  const auto metadata = entry->find("metadata");
  if (metadata == entry->end()) return selection;
  if (!metadata->is_array())
    refuse(where, std::string("has \"metadata\" of type ") + metadata->type_name() + ", not an array");
  for (size_t i = 0; i < metadata->size(); ++i) {
    read_item((*metadata)[i], where + " metadata entry " + std::to_string(i), selection);
  }
  return selection;
}

}  // namespace fullstory
