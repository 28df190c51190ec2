// sim_stats.h: counters served at /__sim/stats, so tests can see what the server did.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace fssim {

struct SimStats {
  std::atomic<std::uint64_t> list_requests{0};
  std::atomic<std::uint64_t> get_requests{0};
  std::atomic<std::uint64_t> get_successes{0};  // complete 200 downloads
  std::atomic<std::uint64_t> rate_limited{0};   // 429s sent, injected ones included
  std::atomic<std::uint64_t> faults_injected{0};
  std::atomic<std::uint64_t> bytes_sent{0};  // response body bytes on the wire

  // Segment Export API.
  std::atomic<std::uint64_t> exports_created{0};
  std::atomic<std::uint64_t> operation_polls{0};
  std::atomic<std::uint64_t> operation_lists{0};  // GET /operations/v1: the cheap access probe
  std::atomic<std::uint64_t> results_requests{0};
  std::atomic<std::uint64_t> storage_requests{0};
  std::atomic<std::uint64_t> storage_range_requests{0};
  std::atomic<std::uint64_t> storage_authorization_rejected{0};
  std::atomic<std::uint64_t> exports_pending_max{0};  // most exports PENDING at once

  // Counts a created export: `summary` is its {"start","end","type","format","fields"?}
  // JSON, `pending` how many are PENDING with it.
  void record_export(std::string summary, std::uint64_t pending);

  std::string to_json() const;

 private:
  mutable std::mutex exports_mutex_;
  std::vector<std::string> exports_;  // in creation order
};

}  // namespace fssim
