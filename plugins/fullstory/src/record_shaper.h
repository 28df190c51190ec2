// record_shaper.h: one validated event to its RECORD text: the stable key spliced in after
// the opening '{', deselected fields left out, every top-level field made known to the
// EventsSchema (which grows when a field is new).
//
// The key is "<bundle Id>:<position>", the event's 0-based position in the bundle's JSON
// array (an event skipped as oversized keeps its position, so the ones after it keep
// theirs). A bundle's events never change, and a retried download emits each event at its
// position (ReplayGuard), so the same event always gets the same key: across re-downloads,
// reruns and etlhost versions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "event_validator.h"
#include "events_schema.h"

namespace fullstory {

/// The key of the event at `position` (0-based) of bundle `bundle_id`.
std::string event_id(int64_t bundle_id, uint64_t position);

class RecordShaper final : public EventMembers {
 public:
  explicit RecordShaper(EventsSchema& schema) : schema_(schema) {}

  /// Call before validating each event with this shaper as its EventMembers.
  void begin_event() {
    drops_ = false;
    schema_.begin_record();
  }
  void member(std::string_view name, JsonKind kind) override {
    if (!schema_.observe(name, kind)) drops_ = true;
  }
  /// The RECORD text of `event` (validated and visited), valid until the next call: the
  /// event itself when there is nothing to add or drop.
  std::string_view shape(std::string_view event, int64_t bundle_id, uint64_t position);

  EventsSchema& schema() { return schema_; }

 private:
  EventsSchema& schema_;
  bool drops_ = false;
  std::string out_;
};

}  // namespace fullstory
