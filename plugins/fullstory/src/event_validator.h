// event_validator.h: checks that one array element is a complete, valid JSON object.
//
// simdjson's DOM parser validates the whole grammar, UTF-8 and string escapes at a few
// GB/s, so a broken bundle is refused before a sink sees a record from it (at the event
// where it breaks), while the bytes that pass are forwarded unchanged. It nests at most
// simdjson's default 1024 levels: a deeper event is refused as invalid, never a crash.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "field_types.h"

namespace fullstory {

/// Sees the top-level members of a valid event, from the parse the validation did anyway.
class EventMembers {
 public:
  virtual void member(std::string_view name, JsonKind kind) = 0;

 protected:
  ~EventMembers() = default;
};

class EventValidator {
 public:
  EventValidator();
  ~EventValidator();
  EventValidator(const EventValidator&) = delete;
  EventValidator& operator=(const EventValidator&) = delete;

  /// nullopt when `json` is one JSON object (then `members`, when given, sees each of its
  /// top-level members, in order); otherwise what is wrong with it. `json` must be followed
  /// by JsonArraySplitter::kTailPadding readable bytes (see ElementSink).
  std::optional<std::string> problem(std::string_view json, EventMembers* members = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fullstory
