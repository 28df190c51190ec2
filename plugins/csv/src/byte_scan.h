// Finding bytes eight at a time in a 64-bit word (SWAR), for the two hot loops of the sink:
// the end of a JSON string and whether a cell needs quotes. Portable C++, no intrinsics.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace etl_csv::byte_scan {

inline constexpr uint64_t kOnes = 0x0101010101010101ull;
inline constexpr uint64_t kHighBits = 0x8080808080808080ull;

inline uint64_t load8(const char* p) noexcept {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

/// A mask with the high bit set in each byte of `word` equal to `byte`. Bits above the
/// lowest true match may be false positives, so use only "any?" and "lowest".
inline uint64_t bytes_equal(uint64_t word, unsigned char byte) noexcept {
  const uint64_t x = word ^ (kOnes * byte);
  return (x - kOnes) & ~x & kHighBits;
}

/// The same for bytes below `limit` (limit <= 0x80).
inline uint64_t bytes_below(uint64_t word, unsigned char limit) noexcept {
  return (word - kOnes * limit) & ~word & kHighBits;
}

/// The index (0..7, in memory order) of the first byte flagged in a non-zero mask.
inline unsigned first_flagged(uint64_t mask) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<unsigned>(std::countr_zero(mask)) / 8;
  } else {
    return static_cast<unsigned>(std::countl_zero(mask)) / 8;
  }
}

/// Equality of short texts (keys, stream names) without a call into libc's memcmp.
inline bool equal(const char* a, const char* b, size_t size) noexcept {
  size_t i = 0;
  for (; size - i >= 8; i += 8) {
    if (load8(a + i) != load8(b + i)) return false;
  }
  for (; i < size; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace etl_csv::byte_scan
