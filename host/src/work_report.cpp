#include "work_report.h"

#include <nlohmann/json.hpp>

#include "bounded_json.h"
#include "etlhost/plugin.h"
#include "text_util.h"

namespace etlhost {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds elapsed_ms(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from);
}

bool is_known_activity(uint32_t kind) {
  return kind == ETL_ACTIVITY_WORKING || kind == ETL_ACTIVITY_WAITING || kind == ETL_ACTIVITY_RETRYING;
}

}  // namespace

void WorkReport::plan(std::string_view counter, int64_t total, int64_t min_ms_per_unit) {
  if (counter.empty() || total < 0 || min_ms_per_unit < 0) return;  // the name's length: HostServices
  std::lock_guard lock(mutex_);
  auto it = plans_.find(counter);
  if (it == plans_.end()) {
    if (plans_.size() >= kMaxPlannedCounters) return;
    it = plans_.emplace(std::string(counter), WorkPlan{}).first;
  }
  it->second = WorkPlan{total, min_ms_per_unit};
}

void WorkReport::activity(uint32_t kind, std::string_view what, int64_t until_ms) {
  if (!is_known_activity(kind)) return;
  const Clock::time_point now = Clock::now();
  std::lock_guard lock(mutex_);
  close_stretch(now);
  activity_ = WorkActivity{kind, abbreviate(what, kMaxActivityTextBytes), until_ms < 0 ? 0 : until_ms, now};
}

void WorkReport::close_stretch(Clock::time_point now) {
  if (activity_.kind == ETL_ACTIVITY_WAITING) waiting_ += elapsed_ms(activity_.since, now);
  if (activity_.kind == ETL_ACTIVITY_RETRYING) retrying_ += elapsed_ms(activity_.since, now);
  activity_.since = now;
}

void WorkReport::report_unit(std::string_view unit_json) {
  std::string compact;
  if (unit_json.size() <= kMaxUnitJsonBytes) {
    const auto parsed = parse_bounded_or_discarded<nlohmann::json>(unit_json);
    if (parsed.is_object()) compact = parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::lock_guard lock(mutex_);
  if (compact.empty() || units_.size() >= kMaxReportedUnits) {
    ++units_dropped_;
    return;
  }
  units_.push_back(std::move(compact));
}

WorkSnapshot WorkReport::snapshot() const {
  const Clock::time_point now = Clock::now();
  std::lock_guard lock(mutex_);
  WorkSnapshot out{plans_, activity_, waiting_, retrying_, units_.size() + units_dropped_};
  // The current stretch counts as far as it went.
  if (activity_.kind == ETL_ACTIVITY_WAITING) out.waiting += elapsed_ms(activity_.since, now);
  if (activity_.kind == ETL_ACTIVITY_RETRYING) out.retrying += elapsed_ms(activity_.since, now);
  return out;
}

std::vector<std::string> WorkReport::units() const {
  std::lock_guard lock(mutex_);
  return units_;
}

size_t WorkReport::units_dropped() const {
  std::lock_guard lock(mutex_);
  return units_dropped_;
}

}  // namespace etlhost
