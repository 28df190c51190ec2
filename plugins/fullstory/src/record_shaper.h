// record_shaper.h: one validated record (an event, an individual) to its RECORD text: the
// stream's synthetic key, if any, spliced in after the opening '{', deselected fields left
// out, fields the dictionary renames renamed, every top-level field made known to the
// StreamSchema (which grows when a field is new).
//
// A rename rewrites the key only: the value's bytes stay FullStory's. A record carrying both
// names of a renamed field (Segment Export's EventTargetSelector and, because a user asked
// for it in the export's fields, the legacy EventTargetSelectorTok) keeps one: the value
// sent under the current name, which FullStory documents for this API, under the declared
// name; the other member is left out, so no RECORD has a key twice.
//
// The key is "<bundle Id>:<position>", the event's 0-based position in the bundle's JSON
// array (an event skipped as oversized keeps its position, so the ones after it keep
// theirs). A bundle's events never change, and a retried download emits each event at its
// position (ReplayGuard), so the same event always gets the same key: across re-downloads,
// reruns and etlhost versions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "event_validator.h"
#include "stream_schema.h"

namespace fullstory {

/// The key of the event at `position` (0-based) of bundle `bundle_id`.
std::string event_id(int64_t bundle_id, uint64_t position);

class RecordShaper final : public EventMembers {
 public:
  explicit RecordShaper(StreamSchema& schema);

  /// Call before validating each record with this shaper as its EventMembers.
  void begin_event() {
    drops_ = false;
    sent_renamed_ = 0;
    schema_.begin_record();
  }
  void member(std::string_view name, JsonKind kind) override;
  /// The RECORD text of `event` (validated and visited), valid until the next call: the
  /// event itself when there is nothing to add, drop or rename. `bundle_id` and `position`
  /// make the synthetic key (unused by a stream without one).
  std::string_view shape(std::string_view event, int64_t bundle_id, uint64_t position);

  StreamSchema& schema() { return schema_; }

 private:
  /// A member's name as a rename of the dictionary sees it.
  struct RenameMatch {
    size_t rename;  // index in renames_
    bool sent;      // the name FullStory sends (else the declared name)
  };
  std::optional<RenameMatch> match(std::string_view name) const;
  /// The name `name` is copied under, nullopt when it is left out.
  std::optional<std::string_view> copied_as(std::string_view name) const;

  StreamSchema& schema_;
  std::span<const FieldRename> renames_;
  bool drops_ = false;
  uint32_t sent_renamed_ = 0;  // bit i: this record carries renames_[i].sent
  std::string out_;
};

}  // namespace fullstory
