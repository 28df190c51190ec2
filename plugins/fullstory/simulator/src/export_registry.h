// export_registry.h: the Segment Exports created so far and where each one stands.
//
// An export's state is a function of the clock: PENDING for --prepare-ms after its creation
// (each export from its own creation, so several prepare at once), then COMPLETED (or
// FAILED, when a fault said so), then gone --export-ttl-seconds after completion.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "export_spec.h"

namespace fssim {

using SystemClock = std::chrono::system_clock;

inline std::int64_t unix_millis(SystemClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

struct Export {
  std::string operation_id;
  std::string search_export_id;
  ExportSpec spec;
  SystemClock::time_point created;
  SystemClock::time_point finished;  // created + --prepare-ms
  bool fails = false;                // ends FAILED (operation:failed fault)
};

enum class ExportState { kPending, kCompleted, kFailed };

struct ExportTimings {
  std::chrono::milliseconds prepare{0};
  std::chrono::seconds ttl{3600};  // how long a completed export's results stay downloadable
};

class ExportRegistry {
 public:
  explicit ExportRegistry(ExportTimings timings) : timings_(timings) {}

  // The new export, or nullptr when `max_pending` (0 = unlimited) exports are PENDING.
  // Also returns how many are pending with it, for the stats. `fails` is asked only when
  // the export is created (it consumes an operation:failed fault).
  const Export* create(ExportSpec spec, const std::function<bool()>& fails, std::size_t max_pending,
                       std::size_t& pending_now, SystemClock::time_point now = SystemClock::now());
  const Export* by_operation(std::string_view id) const;
  // Completed, not failed and not past the ttl; nullptr otherwise.
  const Export* downloadable(std::string_view search_export_id, SystemClock::time_point now = SystemClock::now()) const;

  ExportState state(const Export& e, SystemClock::time_point now) const;
  // 0..99 while pending, 100 after.
  int percent_complete(const Export& e, SystemClock::time_point now) const;
  SystemClock::time_point expires(const Export& e) const { return e.finished + timings_.ttl; }

 private:
  ExportTimings timings_;
  mutable std::mutex mutex_;
  std::deque<Export> exports_;  // a deque: pointers handed out stay valid as it grows
};

}  // namespace fssim
