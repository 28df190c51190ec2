// splitmix64.h: the small, fast, statistically decent PRNG behind every generated value.
//
// Each event seeds its own generator from (seed, bundle, event), so any event can be
// produced on its own, in any order, with no state carried between events.
#pragma once

#include <cstdint>

namespace fssim {

// The splitmix64 finalizer: a bijective 64-bit mix, also used to derive per-event seeds.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(std::uint64_t seed) : state_(seed) {}

  constexpr std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return mix64(state_);
  }
  // Uniform enough in [0, n) for test data; n must be > 0.
  constexpr std::uint64_t below(std::uint64_t n) { return next() % n; }
  // True with probability 1/n.
  constexpr bool one_in(std::uint64_t n) { return below(n) == 0; }

 private:
  std::uint64_t state_;
};

}  // namespace fssim
