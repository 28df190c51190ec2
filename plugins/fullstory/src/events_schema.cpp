#include "events_schema.h"

namespace fullstory {

StreamSpec events_spec(ExportApiKind api, bool legacy_field_names, std::string key_field) {
  const FieldDictionary& dictionary = api == ExportApiKind::kDataExport ? data_export_fields()
                                                                        : segment_export_fields(legacy_field_names);
  std::vector<std::string> key_properties;
  if (!key_field.empty()) key_properties.push_back(key_field);
  // EventStart is in every event of both APIs; the bookmark is the end of what was
  // exported (a bundle's Stop, a window's end), not a record field.
  return StreamSpec{kEventsStream,
                    &dictionary,
                    std::move(key_field),
                    std::move(key_properties),
                    "EventStart",
                    /*bookmark_is_replication_key=*/false,
                    /*selected_by_default=*/true};
}

}  // namespace fullstory
