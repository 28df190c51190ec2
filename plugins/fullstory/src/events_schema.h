// events_schema.h: the `events` stream's spec: its dictionary follows the export API, its
// key is the synthetic event_key (or none), its replication key EventStart. See
// stream_schema.h for how the schema grows.
#pragma once

#include <string>

#include "export_api_kind.h"
#include "stream_schema.h"

namespace fullstory {

inline constexpr const char* kEventsStream = "events";

/// The events stream read from `api`. `legacy_field_names` (Segment Export only) keeps the
/// Data Export names of the fields Segment Export renamed. `key_field`: the synthetic key's
/// name, empty for Stitch's keyless shape.
StreamSpec events_spec(ExportApiKind api, bool legacy_field_names, std::string key_field);

}  // namespace fullstory
