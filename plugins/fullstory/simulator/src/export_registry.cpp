#include "export_registry.h"

#include <algorithm>

#include "hex_text.h"
#include "splitmix64.h"

namespace fssim {

namespace {

// Opaque ids that look like FullStory's, unique within the process.
std::string opaque_id(std::string_view prefix, std::uint64_t n) {
  std::string id(prefix);
  append_hex64(id, mix64(n ^ (static_cast<std::uint64_t>(prefix.size()) << 56)));
  return id + "-" + std::to_string(n);
}

}  // namespace

const Export* ExportRegistry::create(ExportSpec spec, const std::function<bool()>& fails, std::size_t max_pending,
                                     std::size_t& pending_now, SystemClock::time_point now) {
  const std::lock_guard lock(mutex_);
  pending_now = static_cast<std::size_t>(
      std::count_if(exports_.begin(), exports_.end(), [&](const Export& e) { return now < e.finished; }));
  if (max_pending > 0 && pending_now >= max_pending) return nullptr;
  const std::uint64_t n = exports_.size() + 1;
  const auto finished = now + std::chrono::duration_cast<SystemClock::duration>(timings_.prepare);
  exports_.push_back(Export{opaque_id("op", n), opaque_id("se", n), std::move(spec), now, finished, fails()});
  if (now < finished) ++pending_now;
  return &exports_.back();
}

const Export* ExportRegistry::by_operation(std::string_view id) const {
  const std::lock_guard lock(mutex_);
  for (const Export& e : exports_) {
    if (e.operation_id == id) return &e;
  }
  return nullptr;
}

const Export* ExportRegistry::downloadable(std::string_view search_export_id, SystemClock::time_point now) const {
  const std::lock_guard lock(mutex_);
  for (const Export& e : exports_) {
    if (e.search_export_id != search_export_id) continue;
    return state(e, now) == ExportState::kCompleted && now < expires(e) ? &e : nullptr;
  }
  return nullptr;
}

ExportState ExportRegistry::state(const Export& e, SystemClock::time_point now) const {
  if (now < e.finished) return ExportState::kPending;
  return e.fails ? ExportState::kFailed : ExportState::kCompleted;
}

int ExportRegistry::percent_complete(const Export& e, SystemClock::time_point now) const {
  if (now >= e.finished) return 100;
  const auto total = std::chrono::duration_cast<std::chrono::milliseconds>(e.finished - e.created).count();
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - e.created).count();
  return static_cast<int>(std::clamp<std::int64_t>(99 * elapsed / total, 0, 99));
}

}  // namespace fssim
