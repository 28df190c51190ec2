#include "window_plan.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"
#include "listing_check.h"  // kAllowedClockSkewSeconds
#include "timestamps.h"

namespace fullstory {

WindowSchedule schedule_windows(const SourceConfig& config, const std::optional<WindowBookmark>& bookmark, int64_t now,
                                const std::string& stream) {
  const int64_t from = bookmark ? bookmark->window_end : config.start_unix;
  if (bookmark && from > now + kAllowedClockSkewSeconds) {
    throw etl::Error(ETL_E_INVALID_STATE, "state: bookmarks." + stream + ".window_end " + format_rfc3339_utc(from) +
                                              " is in the future (now is " + format_rfc3339_utc(now) +
                                              "); every run from it would export nothing. Set it to the end of "
                                              "the last window you trust, or start a new state file");
  }
  const auto settle = std::chrono::duration_cast<std::chrono::seconds>(config.settle).count();
  const auto length = std::chrono::duration_cast<std::chrono::seconds>(config.window).count();
  return WindowSchedule(from, length, now - settle, config.max_windows_per_run);
}

std::string schedule_summary(const SourceConfig& config, const WindowSchedule& schedule, const std::string& stream) {
  const std::string windows = " of " + std::to_string(config.window.count()) + " min";
  const auto settle = std::chrono::duration_cast<std::chrono::seconds>(config.settle).count();
  if (schedule.count() == 0) {
    const ExportWindow next = schedule.window(0);
    return stream + ": no settled window to export: the next one, " + format_rfc3339_utc(next.start) + " to " +
           format_rfc3339_utc(next.end) + ", settles at " + format_rfc3339_utc(schedule.next_settled_at(settle)) +
           " (settle_minutes " + std::to_string(config.settle.count()) + ")";
  }
  const int64_t count = schedule.count();
  const int64_t in_flight = std::min<int64_t>(count, config.exports_in_flight);
  std::string text = stream + ": " + std::to_string(count) + " window" + (count == 1 ? "" : "s") + windows +
                     " to export, " + format_rfc3339_utc(schedule.window(0).start) + " to " +
                     format_rfc3339_utc(schedule.window(count - 1).end) + ", " + std::to_string(in_flight) + " export" +
                     (in_flight == 1 ? "" : "s") + " in flight";
  if (config.max_windows_per_run > 0 && count == config.max_windows_per_run) {
    text += " (max_windows_per_run " + std::to_string(config.max_windows_per_run) + ": the next run goes on)";
  }
  return text;
}

std::string plan_windows(const SourceConfig& config, const WindowState& state, bool events, bool individuals,
                         int64_t now) {
  std::string summary;
  nlohmann::json units = nlohmann::json::array();
  const auto add = [&](const std::string& stream, const std::optional<WindowBookmark>& bookmark) {
    const WindowSchedule schedule = schedule_windows(config, bookmark, now, stream);
    summary += (summary.empty() ? "" : "; ") + schedule_summary(config, schedule, stream);
    for (int64_t i = 0; i < schedule.count(); ++i) {
      const ExportWindow window = schedule.window(i);
      units.push_back({{"stream", stream},
                       {"id", std::to_string(window.start)},
                       {"start", format_rfc3339_utc(window.start)},
                       {"end", format_rfc3339_utc(window.end)}});
    }
  };
  if (events) add("events", state.events);
  if (individuals) add("individuals", state.individuals);
  return nlohmann::json{{"summary", summary}, {"units", units}}.dump();
}

}  // namespace fullstory
