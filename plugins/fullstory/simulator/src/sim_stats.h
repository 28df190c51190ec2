// sim_stats.h: counters served at /__sim/stats, so tests can see what the server did.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace fssim {

struct SimStats {
  std::atomic<std::uint64_t> list_requests{0};
  std::atomic<std::uint64_t> get_requests{0};
  std::atomic<std::uint64_t> get_successes{0};  // complete 200 downloads
  std::atomic<std::uint64_t> rate_limited{0};   // 429s sent, injected ones included
  std::atomic<std::uint64_t> faults_injected{0};
  std::atomic<std::uint64_t> bytes_sent{0};  // response body bytes on the wire

  std::string to_json() const;
};

}  // namespace fssim
