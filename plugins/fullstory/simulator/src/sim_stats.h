// sim_stats.h: counters served at /__sim/stats, so tests can see what the server did.
#pragma once

#include <atomic>
#include <chrono>
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

  // Metadata APIs.
  std::atomic<std::uint64_t> users_requests{0};
  std::atomic<std::uint64_t> user_detail_requests{0};
  std::atomic<std::uint64_t> segments_requests{0};
  std::atomic<std::uint64_t> settings_requests{0};  // current and history
  std::atomic<std::uint64_t> history_requests{0};
  std::atomic<std::uint64_t> forbidden{0};  // 403s for a key without Admin permission
  std::atomic<std::uint64_t> double_slash_requests{0};
  std::atomic<std::uint64_t> bearer_requests{0};
  // Current-API requests that came before the Retry-After of the last 429 had passed: a
  // client that honours Retry-After never makes one.
  std::atomic<std::uint64_t> early_retries{0};
  std::atomic<std::int64_t> retry_not_before_ms{0};  // steady clock; set with each 429

  // Notes a 429 telling the client to wait `retry_after`; counts a request that did not.
  void told_to_wait(std::chrono::seconds retry_after);
  void note_api_request();

  // Counts a created export: `summary` is its {"start","end","type","format","fields"?}
  // JSON, `pending` how many are PENDING with it.
  void record_export(std::string summary, std::uint64_t pending);

  std::string to_json() const;

 private:
  mutable std::mutex exports_mutex_;
  std::vector<std::string> exports_;  // in creation order
};

}  // namespace fssim
