#include "sim_stats.h"

#include "json_writer.h"

namespace fssim {
namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void SimStats::told_to_wait(std::chrono::seconds retry_after) {
  retry_not_before_ms = steady_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(retry_after).count();
}

void SimStats::note_api_request() {
  if (steady_ms() < retry_not_before_ms.load()) ++early_retries;
}

void SimStats::record_export(std::string summary, std::uint64_t pending) {
  ++exports_created;
  std::uint64_t seen = exports_pending_max.load();
  while (pending > seen && !exports_pending_max.compare_exchange_weak(seen, pending)) {
  }
  const std::lock_guard lock(exports_mutex_);
  exports_.push_back(std::move(summary));
}

std::string SimStats::to_json() const {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.member("list_requests", list_requests.load());
  json.member("get_requests", get_requests.load());
  json.member("get_successes", get_successes.load());
  json.member("rate_limited", rate_limited.load());
  json.member("faults_injected", faults_injected.load());
  json.member("bytes_sent", bytes_sent.load());
  json.member("exports_created", exports_created.load());
  json.member("operation_polls", operation_polls.load());
  json.member("operation_lists", operation_lists.load());
  json.member("results_requests", results_requests.load());
  json.member("storage_requests", storage_requests.load());
  json.member("storage_range_requests", storage_range_requests.load());
  json.member("storage_authorization_rejected", storage_authorization_rejected.load());
  json.member("exports_pending_max", exports_pending_max.load());
  json.member("users_requests", users_requests.load());
  json.member("user_detail_requests", user_detail_requests.load());
  json.member("segments_requests", segments_requests.load());
  json.member("settings_requests", settings_requests.load());
  json.member("history_requests", history_requests.load());
  json.member("forbidden", forbidden.load());
  json.member("double_slash_requests", double_slash_requests.load());
  json.member("bearer_requests", bearer_requests.load());
  json.member("early_retries", early_retries.load());
  json.key("exports");
  json.begin_array();
  {
    const std::lock_guard lock(exports_mutex_);
    for (const std::string& summary : exports_) json.raw(summary);
  }
  json.end_array();
  json.end_object();
  return out;
}

}  // namespace fssim
