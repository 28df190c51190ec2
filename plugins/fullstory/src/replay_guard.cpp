#include "replay_guard.h"

#include <cstring>

namespace fullstory {
namespace {

constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;  // 2^64 / golden ratio, odd

inline uint64_t mix(uint64_t h) {  // MurmurHash3's 64-bit finaliser
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

}  // namespace

inline uint64_t rotate_left(uint64_t x, int bits) { return (x << bits) | (x >> (64 - bits)); }

uint64_t chain_digest(uint64_t seed, std::string_view bytes) {
  // Two independent lanes of multiply-rotate over 16 bytes per step, mixed at the end: the
  // digest must cost far less than the JSON validation beside it.
  uint64_t a = seed ^ (bytes.size() * kMultiplier);
  uint64_t b = rotate_left(seed, 32) ^ 0x243F6A8885A308D3ull;
  const char* p = bytes.data();
  size_t left = bytes.size();
  for (; left >= 16; p += 16, left -= 16) {
    uint64_t w0;
    uint64_t w1;
    std::memcpy(&w0, p, 8);
    std::memcpy(&w1, p + 8, 8);
    a = rotate_left((a ^ w0) * kMultiplier, 31);
    b = rotate_left((b ^ w1) * kMultiplier, 27);
  }
  uint64_t tail[2] = {0, 0};
  std::memcpy(tail, p, left);
  a = rotate_left((a ^ tail[0]) * kMultiplier, 31);
  b = rotate_left((b ^ tail[1] ^ (uint64_t{left} << 56)) * kMultiplier, 27);
  return mix(a ^ mix(b));
}

void ReplayGuard::reset() { *this = ReplayGuard(); }

void ReplayGuard::start_attempt() {
  seen_count_ = 0;
  seen_digest_ = 0;
}

bool ReplayGuard::admit(std::string_view event) {
  ++seen_count_;
  seen_digest_ = chain_digest(seen_digest_, event);
  if (seen_count_ > emitted_count_) {
    emitted_count_ = seen_count_;
    emitted_digest_ = seen_digest_;
    return true;
  }
  if (seen_count_ == emitted_count_ && seen_digest_ != emitted_digest_) {
    throw BundleChangedError("the bundle changed between download attempts: its first " +
                             std::to_string(emitted_count_) + " events differ from the ones already emitted");
  }
  return false;
}

void ReplayGuard::finish_attempt() const {
  if (seen_count_ < emitted_count_) {
    throw BundleChangedError("the bundle changed between download attempts: it now has " + std::to_string(seen_count_) +
                             " events, but " + std::to_string(emitted_count_) + " were already emitted");
  }
}

}  // namespace fullstory
