// catalog_selection.h: what a Singer catalog selects of one stream: the stream itself and
// its properties (metadata breadcrumbs ["properties", "<name>"]).
//
// `selected` decides; when it is absent, `selected-by-default` does; when both are absent,
// the stream or property is selected (nothing is dropped that the catalog does not say to
// drop). A stream the catalog does not list is not selected. Whether a property may be
// deselected at all (inclusion automatic) is the schema's business (StreamSchema).
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace fullstory {

struct CatalogSelection {
  bool stream_selected = true;
  std::set<std::string> deselected_properties;
};

/// `catalog_json` empty: every property selected, and the stream when
/// `selected_without_catalog` (an opt-in stream, such as individuals, passes false). Throws
/// etl::Error(ETL_E_INVALID_STATE) naming the entry for a catalog whose shape it cannot read.
CatalogSelection read_catalog_selection(std::string_view catalog_json, std::string_view stream,
                                        bool selected_without_catalog = true);

}  // namespace fullstory
