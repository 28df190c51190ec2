// hex_text.h: 64-bit values as 16 lowercase hex digits (signatures, ETags, opaque ids).
#pragma once

#include <cstdint>
#include <string>

namespace fssim {

inline void append_hex64(std::string& out, std::uint64_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

}  // namespace fssim
