#include "progress_format.h"

#include <algorithm>
#include <cstdio>

#include "etlhost/plugin.h"

namespace etlhost {

std::optional<int64_t> eta_ms(int64_t done, int64_t total, int64_t elapsed_ms, int64_t min_ms_per_unit,
                              int64_t wait_left_ms) {
  if (total <= 0) return std::nullopt;
  const int64_t remaining = std::max<int64_t>(0, total - done);
  if (remaining == 0) return 0;
  const int64_t observed = done > 0 ? elapsed_ms / done : 0;
  const int64_t per_unit = std::max(observed, min_ms_per_unit);
  const int64_t after_wait = wait_left_ms + (remaining - 1) * min_ms_per_unit;
  if (per_unit <= 0 && wait_left_ms <= 0) return std::nullopt;
  return std::max(remaining * per_unit, after_wait);
}

std::optional<int64_t> eta_ms(const ProgressView& view) {
  const int64_t wait_left = view.activity == ETL_ACTIVITY_WORKING ? 0 : view.activity_left_ms;
  return eta_ms(view.plan_done, view.plan_total, view.elapsed_ms, view.plan_min_ms_per_unit, wait_left);
}

std::string short_duration(int64_t ms) {
  const int64_t s = std::max<int64_t>(0, (ms + 500) / 1000);
  char text[48];
  if (s < 60) std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(s));
  else if (s < 3600)
    std::snprintf(text, sizeof text, "%lld min %02lld s", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(text, sizeof text, "%lld h %02lld min", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  return text;
}

std::string byte_size(int64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

namespace {

std::string rate_text(const ProgressView& view) {
  const double seconds = static_cast<double>(std::max<int64_t>(view.elapsed_ms, 1)) / 1000.0;
  char text[48];
  std::snprintf(text, sizeof text, "%.0f records/s", static_cast<double>(view.records) / seconds);
  return text;
}

std::string activity_text(const ProgressView& view) {
  if (view.activity == 0 || view.activity_what.empty()) return "";
  std::string text = view.activity_what;
  if (view.activity != ETL_ACTIVITY_WORKING && view.activity_left_ms > 0) {
    text += " (" + short_duration(view.activity_left_ms) + " left)";
  }
  return text;
}

// "3/20 bundles", or "" before a plan.
std::string done_of_total(const ProgressView& view) {
  if (view.plan_counter.empty()) return "";
  return std::to_string(view.plan_done) + "/" + std::to_string(view.plan_total) + " " + view.plan_counter;
}

// "; waited 1 min 02 s for the API", or "" for under half a second.
std::string waited_text(const ProgressView& view) {
  return view.waited_ms >= 500 ? "; waited " + short_duration(view.waited_ms) + " for the API" : "";
}

// "3/20 bundles, 1200 records, 4.1 MiB, 310 records/s"
std::string amounts_text(const ProgressView& view, const std::string& records) {
  std::string text = done_of_total(view);
  if (!text.empty()) text += ", ";
  text += records;
  if (view.bytes) text += ", " + byte_size(*view.bytes);
  return text + ", " + rate_text(view);
}

// "; <activity>; waited 1 min 02 s; ETA 9 min 10 s", the parts that apply.
std::string state_text(const ProgressView& view) {
  std::string text;
  const std::string activity = activity_text(view);
  if (!activity.empty()) text += "; " + activity;
  text += waited_text(view);
  const auto eta = eta_ms(view);
  if (!view.plan_counter.empty() && eta) text += "; ETA " + short_duration(*eta);
  return text;
}

}  // namespace

std::string live_line(const ProgressView& view) {
  return amounts_text(view, std::to_string(view.records) + " records") + state_text(view);
}

std::string plain_line(const ProgressView& view) {
  const std::string records = std::to_string(view.records) + " records (" + view.records_by_stream + ") in " +
                              short_duration(view.elapsed_ms);
  return amounts_text(view, records) + state_text(view);
}

std::string plan_line(const ProgressView& view) {
  std::string text = "plan: " + std::to_string(view.plan_total) + " " + view.plan_counter;
  const auto eta = eta_ms(0, view.plan_total, 0, view.plan_min_ms_per_unit);
  if (view.plan_min_ms_per_unit > 0 && eta) {
    text += ", about " + short_duration(*eta) + " at the source's rate limit (one per " +
            short_duration(view.plan_min_ms_per_unit) + ")";
  }
  return text;
}

std::string summary_part(const ProgressView& view) {
  const std::string done = done_of_total(view);
  return (done.empty() ? "" : "; " + done) + waited_text(view);
}

nlohmann::json progress_event(const ProgressView& view, const char* kind) {
  nlohmann::json event{
      {"event", kind}, {"elapsed_ms", view.elapsed_ms}, {"records", view.records}, {"waited_ms", view.waited_ms}};
  if (!view.plan_counter.empty()) {
    event["counter"] = view.plan_counter;
    event["done"] = view.plan_done;
    event["total"] = view.plan_total;
    event["min_ms_per_unit"] = view.plan_min_ms_per_unit;
    const auto eta = eta_ms(view);
    if (eta) event["eta_ms"] = *eta;
  }
  if (view.bytes) event["bytes"] = *view.bytes;
  static constexpr const char* kKinds[] = {"", "working", "waiting", "retrying"};
  if (view.activity >= 1 && view.activity <= 3) {
    event["activity"] = kKinds[view.activity];
    event["what"] = view.activity_what;
    if (view.activity_left_ms > 0) event["left_ms"] = view.activity_left_ms;
  }
  return event;
}

}  // namespace etlhost
