// odd_events.h: events no healthy bundle holds (--huge-event-bytes, --deep-event-depth), so
// tests and benchmarks can prove what one event may cost a client: memory, a size limit, a
// nesting limit; and bundles of identical events (--identical-events), which only a key
// that does not depend on the event's fields can tell apart.
//
// The odd event is event N/3 of the first bundle (N events): events before and after it show
// that nothing else is lost or repeated around it, and a body cut in half (--fault truncate,
// stall) is cut after it, so a retry or a rerun must pass over it again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bundle_catalog.h"

namespace fssim {

struct OddEvents {
  std::uint64_t huge_bytes = 0;  // 0: none; else the odd event is padded to at least this size
  unsigned deep_depth = 0;       // 0: none; else the odd event holds arrays nested this deep
  bool identical = false;        // every event of a bundle is a copy of its event 0

  bool any() const { return huge_bytes > 0 || deep_depth > 0; }
};

// Whether event `index` of `bundle` is the odd one.
bool is_odd_event(const OddEvents& odd, const Bundle& bundle, std::uint64_t index);

// Appends `normal` (one compact JSON object) made odd: a "SimPadding" string member and/or a
// "SimDeep" member of nested arrays in front of its own members.
void append_odd_event(std::string& out, const OddEvents& odd, std::string_view normal);

// One line for the --cache-dir manifest: cached bundles depend on it.
std::string describe_odd_events(const OddEvents& odd);

}  // namespace fssim
