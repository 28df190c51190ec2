// events_schema.h: the `events` stream's SCHEMA message and Singer catalog metadata.
//
// Every field of FullStory's legacy Data Export dictionary with its real, nullable type;
// custom variables typed by their suffix through patternProperties; and
// additionalProperties left open, because records pass through byte for byte and a field
// FullStory adds tomorrow must reach the sink rather than be dropped.
#pragma once

#include <string>

namespace fullstory {

inline constexpr const char* kEventsStream = "events";

/// {"schema":..,"key_properties":[],"bookmark_properties":[]} for sync().
const std::string& events_schema_message();
/// The same plus "metadata": [..] (Singer catalog metadata) for discover().
const std::string& events_catalog_message();

}  // namespace fullstory
