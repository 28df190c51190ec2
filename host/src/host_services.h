// The services the host offers one plugin instance (etl_host_api): log, is_cancelled and
// count, and (1.2) plan, activity and report_unit, kept in a WorkReport. Every service may
// be called from any thread the plugin starts.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "etlhost/plugin.h"
#include "logger.h"
#include "signals.h"
#include "work_report.h"

namespace etlhost {

class HostServices {
 public:
  /// `plugin_name` tags log lines. `logger` and `cancel` must outlive this object.
  HostServices(std::string plugin_name, Logger& logger, const CancelFlag& cancel);
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;

  /// The table handed to create(); valid as long as this object.
  const etl_host_api* api() const { return &api_; }
  const std::string& plugin_name() const { return plugin_name_; }

  /// The plugin's counters, sorted by name.
  std::vector<std::pair<std::string, int64_t>> counters() const;
  /// What the plugin said about its work (1.2 services).
  const WorkReport& work() const { return work_; }

 private:
  static void log_service(void* ctx, int32_t level, etl_str message) noexcept;
  static int32_t is_cancelled_service(void* ctx) noexcept;
  static void count_service(void* ctx, etl_str counter, int64_t delta) noexcept;
  static void plan_service(void* ctx, etl_str counter, int64_t total, int64_t min_ms_per_unit) noexcept;
  static void activity_service(void* ctx, uint32_t activity, etl_str what, int64_t until_ms) noexcept;
  static void report_unit_service(void* ctx, etl_str unit_json) noexcept;

  etl_host_api api_{};
  std::string plugin_name_;
  Logger& logger_;
  const CancelFlag& cancel_;
  mutable std::mutex counters_mutex_;
  std::map<std::string, int64_t, std::less<>> counters_;
  WorkReport work_;
};

/// Limits on counters, so a misbehaving plugin cannot grow host memory without bound.
inline constexpr size_t kMaxCounterNameLength = 64;
inline constexpr size_t kMaxCountersPerPlugin = 64;

}  // namespace etlhost
