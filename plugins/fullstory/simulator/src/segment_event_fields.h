// segment_event_fields.h: the members a Segment Export event has and a legacy one lacks.
#pragma once

#include <cstdint>
#include <string_view>

#include "json_writer.h"
#include "splitmix64.h"

namespace fssim {

struct SegmentEventContext {
  std::string_view type;      // EventType
  std::int64_t start_millis;  // EventStart
  std::uint64_t visitor;
};

// Appends EventSubType, the offsets, page/session/user start times, platform (and app
// details on mobile), screen sizes, page counters, per-type fields (navigate scroll depth,
// request, largest paint) and web vitals, all drawn from `rng`.
void write_segment_fields(JsonWriter& json, SplitMix64& rng, const SegmentEventContext& event);

}  // namespace fssim
