// content_range.h: the Content-Range of a 206 answer, which says where a resumed body starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fullstory {

struct ContentRange {
  uint64_t first = 0;             // offset of the body's first byte in the whole file
  uint64_t last = 0;              // offset of its last byte (inclusive)
  std::optional<uint64_t> total;  // the whole file's length; nullopt for "*"
};

/// Parses "bytes FIRST-LAST/TOTAL" (TOTAL may be "*"). nullopt for anything else, for
/// first > last, last >= total, or a number beyond uint64: such an answer is not a
/// continuation to trust.
std::optional<ContentRange> parse_content_range(std::string_view value);

}  // namespace fullstory
