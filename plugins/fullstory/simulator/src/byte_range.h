// byte_range.h: the one Range a download client sends ("bytes=N-" or "bytes=N-M").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fssim {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::uint64_t length() const { return last - first + 1; }
};

struct RangeRequest {
  enum class Kind { kNone, kSatisfiable, kUnsatisfiable } kind = Kind::kNone;
  ByteRange range;  // kSatisfiable only, clamped to the body
};

// `header` is the Range header's value ("" when absent), `total` the body size. Anything
// but a single bytes=N-[M] range is ignored (the whole body is sent), as RFC 9110 allows.
RangeRequest parse_range(std::string_view header, std::uint64_t total);

}  // namespace fssim
