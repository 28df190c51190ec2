// What a source says about its work through the ABI 1.2 services (plugin.h, section 8):
// its plan, what it is doing now, how long it waited for the API, and the units of work it
// finished. Written from any plugin thread, read by the progress display and the run
// record. Bounded: a misbehaving plugin cannot grow host memory without limit.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace etlhost {

/// Units kept per run for the run record; later ones are counted in units_dropped.
inline constexpr size_t kMaxReportedUnits = 20000;
/// A unit longer than this (JSON text) is dropped and counted.
inline constexpr size_t kMaxUnitJsonBytes = 4096;
/// activity() text longer than this is cut (on a UTF-8 boundary).
inline constexpr size_t kMaxActivityTextBytes = 200;
/// Counters a plan may name (as kMaxCountersPerPlugin for count()).
inline constexpr size_t kMaxPlannedCounters = 16;

/// One plan() call's numbers.
struct WorkPlan {
  int64_t total = 0;
  int64_t min_ms_per_unit = 0;
};

/// The source's current activity: kind 0 until it reported one.
struct WorkActivity {
  uint32_t kind = 0;  // ETL_ACTIVITY_*
  std::string what;
  int64_t until_ms = 0;  // Unix epoch ms; 0 when unknown
  std::chrono::steady_clock::time_point since{};
};

/// A consistent copy of everything but the units.
struct WorkSnapshot {
  std::map<std::string, WorkPlan, std::less<>> plans;  // by counter name
  WorkActivity activity;
  /// Time spent in ETL_ACTIVITY_WAITING / _RETRYING so far, the current stretch included.
  std::chrono::milliseconds waiting{0};
  std::chrono::milliseconds retrying{0};
  size_t units_reported = 0;  // kept + dropped
};

class WorkReport {
 public:
  // The three services. Bad input (an unknown activity kind, a unit that is not a JSON
  // object) is dropped, never fatal: these feed what the user sees, not the data.
  void plan(std::string_view counter, int64_t total, int64_t min_ms_per_unit);
  void activity(uint32_t kind, std::string_view what, int64_t until_ms);
  void report_unit(std::string_view unit_json);

  WorkSnapshot snapshot() const;
  /// The units kept so far, each a compact JSON object text, in report order.
  std::vector<std::string> units() const;
  size_t units_dropped() const;

 private:
  // Adds the time since the current activity began to its total; the caller holds mutex_.
  void close_stretch(std::chrono::steady_clock::time_point now);

  mutable std::mutex mutex_;
  std::map<std::string, WorkPlan, std::less<>> plans_;
  WorkActivity activity_;
  std::chrono::milliseconds waiting_{0};
  std::chrono::milliseconds retrying_{0};
  std::vector<std::string> units_;
  size_t units_dropped_ = 0;
};

}  // namespace etlhost
