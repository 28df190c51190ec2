// individuals_schema.h: the `individuals` stream's spec (Segment Export's TYPE_INDIVIDUAL):
// one record per individual, keyed by its own IndvId (no synthetic key), replicated and
// bookmarked by LastEventStart, not selected unless the catalog asks for it. See
// stream_schema.h for how the schema grows.
#pragma once

#include "stream_schema.h"

namespace fullstory {

inline constexpr const char* kIndividualsStream = "individuals";

StreamSpec individuals_spec();

}  // namespace fullstory
