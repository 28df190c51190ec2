// fuzz_check.h: what every fuzz target (host/fuzz, plugins/<name>/fuzz) asserts with.
//
// A target lets only the errors its code documents pass (caught in the target); anything
// else escapes, and libFuzzer saves the input as a crash. A property that does not hold is
// a crash too, with the property named on stderr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace fuzz {

inline void check(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz: property does not hold: %s\n", property);
  std::abort();
}

inline std::string_view text_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace fuzz
