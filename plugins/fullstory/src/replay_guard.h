// replay_guard.h: makes a re-download of a partly emitted bundle emit each event once.
//
// When a download breaks mid-body, the events read so far were already emitted (records
// stream out as the body arrives). The retry downloads the bundle from the start; the guard
// lets the first N events (N = already emitted) pass silently and checks a running digest
// of them against the digest of what was emitted. If the bundle changed between attempts
// (a different prefix, or fewer events), the run fails rather than emit a mixture.
//
// Memory is two counters and two digests per bundle, whatever its size.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fullstory {

/// A fast, well-mixing, non-cryptographic 64-bit digest of `bytes` chained onto `seed`.
/// Used only to notice accidental change, not adversarial collisions.
uint64_t chain_digest(uint64_t seed, std::string_view bytes);

class BundleChangedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ReplayGuard {
 public:
  /// Starts over for a new bundle: nothing emitted.
  void reset();
  /// Starts a download attempt of the same bundle from its first byte.
  void start_attempt();
  /// True when `event` (the next one in this attempt) must be emitted; false when an earlier
  /// attempt already emitted it. Throws BundleChangedError when the re-read prefix differs.
  bool admit(std::string_view event);
  /// The attempt read the whole bundle. Throws BundleChangedError if it had fewer events
  /// than were already emitted.
  void finish_attempt() const;

  uint64_t emitted() const { return emitted_count_; }

 private:
  uint64_t emitted_count_ = 0;
  uint64_t emitted_digest_ = 0;
  uint64_t seen_count_ = 0;
  uint64_t seen_digest_ = 0;
};

}  // namespace fullstory
