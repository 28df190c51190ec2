#include "segment_event_fields.h"

#include "event_values.h"
#include "utc_timestamp.h"

namespace fssim {

namespace values = event_values;

namespace {

using values::kMillisPerDay;
using values::pick;

std::int64_t below(SplitMix64& rng, std::uint64_t n) { return static_cast<std::int64_t>(rng.below(n)); }

// The same day for every event of a visitor, unless that would not be before the event.
std::int64_t user_created_millis(const SegmentEventContext& event) {
  const auto created = values::kSignupEpochMillis +
                       static_cast<std::int64_t>(mix64(event.visitor) % (4 * 365)) * kMillisPerDay;
  if (created < event.start_millis) return created;
  return event.start_millis - kMillisPerDay - static_cast<std::int64_t>(mix64(event.visitor) % kMillisPerDay);
}

// Offsets are at least 1 ms, so page and session start strictly before the event.
void write_times(JsonWriter& json, SplitMix64& rng, const SegmentEventContext& event) {
  const std::int64_t page_offset = 1 + below(rng, 600'000);
  const std::int64_t session_offset = page_offset + below(rng, 3'600'000);
  json.member("EventPageOffset", page_offset);
  json.member("EventSessionOffset", session_offset);
  json.member("PageName", pick(values::kPageNames, rng.next()));
  json.member("PageStart", UtcTimestamp(event.start_millis - page_offset).text());
  json.member("SessionStart", UtcTimestamp(event.start_millis - session_offset).text());
  json.member("UserCreated", UtcTimestamp(user_created_millis(event)).text());
}

void write_platform(JsonWriter& json, SplitMix64& rng) {
  if (!rng.one_in(6)) {
    json.member("PagePlatform", std::string_view("Web"));
    return;
  }
  const values::MobileApp& app = pick(values::kMobileApps, rng.next());
  json.member("PagePlatform", std::string_view("Mobile App"));
  json.member("AppName", app.name);
  json.member("AppPackageName", app.package_name);
  json.member("AppDeviceModel", app.device_model);
  json.member("AppDeviceVendor", app.device_vendor);
  json.member("AppVersion", app.version);
  json.member("AppOsVersion", app.os_version);
  json.member("AppViewName", pick(values::kAppViewNames, rng.next()));
}

void write_screen(JsonWriter& json, SplitMix64& rng) {
  const auto& [width, height] = pick(values::kScreenSizes, rng.next());
  json.member("PageBrowserVersion", pick(values::kBrowserVersions, rng.next()));
  json.member("PageScreenWidth", width);
  json.member("PageScreenHeight", height);
  json.member("PageViewportWidth", width - below(rng, 40));
  json.member("PageViewportHeight", height - 60 - below(rng, 140));
  json.member("PageNumEvents", 1 + below(rng, 400));
  json.member("PageNumDerivedEvents", below(rng, 20));
}

void write_type_fields(JsonWriter& json, SplitMix64& rng, std::string_view type) {
  if (type == "navigate") json.member("PageMaxScrollDepthPercent", below(rng, 101));
  if (type == "request") {
    json.member("ReqUrl", pick(values::kRequestUrls, rng.next()));
    json.member("ReqMethod", pick(values::kRequestMethods, rng.next()));
    json.member("ReqStatus", pick(values::kRequestStatuses, rng.next()));
  }
  if (type == "load") json.member("LoadLargestPaintTime", below(rng, 8000));
}

// Layout shift is a float that is sometimes integral (0 or 1), which a type inferrer that
// looks at one value would call an integer.
double layout_shift(SplitMix64& rng) {
  switch (rng.below(4)) {
    case 0: return 0.0;
    case 1: return 1.0;
    default: return static_cast<double>(rng.below(100'000)) / 100'000.0;
  }
}

}  // namespace

void write_segment_fields(JsonWriter& json, SplitMix64& rng, const SegmentEventContext& event) {
  json.member("EventSubType", rng.one_in(5) ? pick(values::kEventSubTypes, rng.next()) : std::string_view());
  write_times(json, rng, event);
  write_platform(json, rng);
  write_screen(json, rng);
  write_type_fields(json, rng, event.type);
  json.member("EventFirstInputDelay", below(rng, 300));
  json.member("EventCumulativeLayoutShift", layout_shift(rng));
}

}  // namespace fssim
