#include "event_generator.h"

#include <array>
#include <charconv>
#include <cstring>

#include "event_values.h"
#include "json_writer.h"
#include "segment_event_fields.h"
#include "splitmix64.h"
#include "utc_timestamp.h"

namespace fssim {

namespace values = event_values;

namespace {

// Events are spread over this many visitors, so ids and user fields repeat realistically.
constexpr std::uint64_t kVisitors = 5000;
// Ids at and above 2^53 + 1 cannot pass through a double unchanged.
constexpr std::int64_t kFirstUnsafeInteger = 9'007'199'254'740'993;
constexpr std::int64_t kNearInt64Max = 9'223'372'036'854'775'000;
constexpr std::int64_t kSessionIdBase = std::int64_t{1} << 62;
using values::kMillisPerDay;
using values::kSignupEpochMillis;
// Seeds the segment fields' generator apart from the legacy one.
constexpr std::uint64_t kSegmentSalt = 0x5E61'E475'E4E0'0001;

// Formats short values ("user42@example.com") on the stack: no heap per event.
class StackText {
 public:
  StackText& operator<<(std::string_view text) {
    std::memcpy(chars_.data() + size_, text.data(), text.size());
    size_ += text.size();
    return *this;
  }
  StackText& operator<<(std::uint64_t number) {
    size_ = static_cast<std::size_t>(std::to_chars(chars_.data() + size_, chars_.data() + chars_.size(), number).ptr -
                                     chars_.data());
    return *this;
  }
  std::string_view view() const { return {chars_.data(), size_}; }

 private:
  std::array<char, 160> chars_{};  // longer than any pool entry plus a number
  std::size_t size_ = 0;
};

using values::pick;

// Event i lands in slot [i*P/n, (i+1)*P/n) of the bundle's P milliseconds, at a random
// offset: timestamps are random-looking (often non-zero millis) yet never decrease and
// always stay inside [Start, Stop).
std::int64_t event_start_millis(const Bundle& bundle, std::uint64_t index, SplitMix64& rng) {
  const auto period = static_cast<std::uint64_t>(bundle.stop - bundle.start) * 1000;
  const std::uint64_t n = bundle.event_count;
  // floor(i * P / n) without overflowing i * P.
  const auto slot_begin = [&](std::uint64_t i) { return i * (period / n) + i * (period % n) / n; };
  const std::uint64_t begin = slot_begin(index);
  const std::uint64_t width = slot_begin(index + 1) - begin;
  const std::uint64_t offset = width > 0 ? rng.below(width) : 0;
  return bundle.start * 1000 + static_cast<std::int64_t>(begin + offset);
}

void write_visitor(JsonWriter& json, SplitMix64& rng, std::uint64_t visitor) {
  const auto v = static_cast<std::int64_t>(visitor);
  // A third of the visitors sit just below INT64_MAX, the rest are below 2^53.
  json.member("IndvId", visitor % 3 == 0 ? kNearInt64Max + v / 3 % 800 : 4'000'000'000'000'000 + v * 7919);
  json.member("UserId", kFirstUnsafeInteger + v);
  json.member("SessionId", kSessionIdBase + v * 4096 + static_cast<std::int64_t>(rng.below(32)));
  // Always odd, hence never representable as a double.
  json.member("PageId", kFirstUnsafeInteger + 2 * static_cast<std::int64_t>(rng.below(std::uint64_t{1} << 40)));
  json.member("UserAppKey", visitor % 5 == 0 ? std::string_view() : (StackText() << "acct-" << visitor).view());
  json.member("UserDisplayName", pick(values::kDisplayNames, visitor));
  if (visitor % 5 != 1) {  // some visitors never identified themselves: no key at all
    StackText email;
    if (visitor % 7 == 0) {
      email << "first.last+" << visitor << "@example.co.uk";
    } else {
      email << "user" << visitor << "@example.com";
    }
    json.member("UserEmail", email.view());
  }
}

// Returns EventStart in unix ms.
std::int64_t write_event(JsonWriter& json, SplitMix64& rng, const Bundle& bundle, std::uint64_t index,
                         std::string_view type, EventForm form) {
  const std::int64_t start = event_start_millis(bundle, index, rng);
  json.member("EventStart", UtcTimestamp(start).text());
  json.member("EventType", type);
  if (type == "custom") json.member("EventCustomName", pick(values::kCustomEventNames, rng.next()));
  if (type != "navigate") {
    // By index rather than at random, so even a small bundle carries every hard string.
    json.member("EventTargetText", pick(values::target_texts(), index));
  }
  json.member(form == EventForm::kLegacy ? "EventTargetSelectorTok" : "EventTargetSelector",
              pick(values::kSelectorTokens, rng.next()));
  if (!rng.one_in(4)) json.member("EventModFrustrated", rng.one_in(10) ? 1 : 0);
  json.member("EventModDead", rng.one_in(12) ? 1 : 0);
  json.member("EventModError", rng.one_in(20) ? 1 : 0);
  json.member("EventModSuspicious", rng.one_in(50) ? 1 : 0);
  return start;
}

void write_page(JsonWriter& json, SplitMix64& rng, bool is_load, EventForm form) {
  json.member("PageClusterId", static_cast<std::int64_t>(rng.below(300)));
  json.member(
      "PageUrl",
      (StackText() << "https://www.example.com" << pick(values::kUrlPaths, rng.next()) << rng.below(1000)).view());
  const auto duration = static_cast<std::int64_t>(rng.below(600'000));
  json.member("PageDuration", duration);
  json.member("PageActiveDuration", static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(duration) + 1)));
  switch (rng.below(6)) {
    case 0: break;  // absent
    case 1: json.member("PageRefererUrl", std::string_view()); break;
    default: json.member("PageRefererUrl", pick(values::kRefererUrls, rng.next()));
  }
  json.member("PageLatLong", pick(values::kLatLongs, rng.next()));
  const values::Client& client = pick(values::kClients, rng.next());
  json.member(form == EventForm::kLegacy ? "PageAgent" : "PageUserAgent", client.agent);
  json.member("PageBrowser", client.browser);
  json.member("PageDevice", client.device);
  json.member("PageOperatingSystem", client.operating_system);
  switch (rng.below(8)) {
    case 0: json.member("PageIp", std::string_view()); break;
    case 1: json.member("PageIp", (StackText() << "2001:db8:85a3::8a2e:370:" << rng.below(10'000)).view()); break;
    default: json.member("PageIp", (StackText() << "198.51.100." << rng.below(256)).view());
  }
  json.member("PageNumInfos", static_cast<std::int64_t>(rng.below(5)));
  json.member("PageNumWarnings", static_cast<std::int64_t>(rng.below(3)));
  json.member("PageNumErrors", rng.one_in(4) ? 1 : 0);
  if (is_load) {
    const auto dom_content = static_cast<std::int64_t>(rng.below(3000));
    json.member("LoadDomContentTime", dom_content);
    json.member("LoadEventTime", dom_content + static_cast<std::int64_t>(rng.below(2000)));
    json.member("LoadFirstPaintTime",
                static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(dom_content) + 1)));
  }
}

// A midnight between 2019 and 2023, as FullStory prints date custom variables.
UtcTimestamp random_date(SplitMix64& rng) {
  return UtcTimestamp(kSignupEpochMillis + static_cast<std::int64_t>(rng.below(5 * 365)) * kMillisPerDay);
}

// FullStory custom variables: the suffix names the type, a plural suffix an array of it.
void write_custom_vars(JsonWriter& json, SplitMix64& rng) {
  if (rng.one_in(3)) {
    json.member("user_plan_str", pick(values::kPlans, rng.next()));
    json.member("user_seats_int", static_cast<std::int64_t>(rng.below(500) + 1));
    // A quarter are integral, printed as "1": a type inferrer must still say "real".
    json.member("user_ltv_real", rng.one_in(4) ? 1.0 : static_cast<double>(rng.below(10'000'000)) / 100.0);
    json.member("user_trial_bool", rng.one_in(2));
    json.member("user_signup_date", random_date(rng).text());
  }
  if (rng.one_in(4)) {
    json.key("user_tags_strs");
    json.begin_array();  // sometimes empty
    for (std::uint64_t n = rng.below(4); n > 0; --n) json.string(pick(values::kTags, rng.next()));
    json.end_array();
    json.key("evt_items_ints");
    json.begin_array();
    json.integer(static_cast<std::int64_t>(rng.below(100)));
    json.integer(kFirstUnsafeInteger + static_cast<std::int64_t>(rng.below(10)));
    json.end_array();
    json.key("evt_prices_reals");
    json.begin_array();
    json.real(19.99);
    json.real(static_cast<double>(rng.below(100)));
    json.real(0.1);
    json.end_array();
    json.key("evt_flags_bools");
    json.begin_array();
    json.boolean(rng.one_in(2));
    json.boolean(rng.one_in(2));
    json.end_array();
    json.key("evt_days_dates");
    json.begin_array();
    json.string(random_date(rng).text());
    json.end_array();
  }
  if (rng.one_in(5)) json.member("evt_order.total_real", static_cast<double>(rng.below(1'000'000)) / 100.0);
  if (rng.one_in(4)) json.member("page_section_str", pick(values::kPageSections, rng.next()));
}

// Keys no schema of the client knows yet: they must pass through untouched.
// The segment form always has EventSubType (among its own fields): the draws stay the same so
// everything after it does too.
void write_unknown_fields(JsonWriter& json, SplitMix64& rng, EventForm form) {
  if (rng.one_in(7)) {
    const std::string_view sub_type = pick(values::kEventSubTypes, rng.next());
    if (form == EventForm::kLegacy) json.member("EventSubType", sub_type);
  }
  if (rng.one_in(11)) {
    json.key("PageNewField2026");
    json.begin_object();
    json.member("variant", std::string_view("b"));
    json.key("weights");
    json.begin_array();
    json.integer(1);
    json.real(2.5);
    json.end_array();
    json.end_object();
  }
}

}  // namespace

void EventGenerator::append_event(std::string& out, const Bundle& bundle, std::uint64_t index, EventForm form) const {
  if (odd_.identical) index = 0;
  if (!is_odd_event(odd_, bundle, index)) {
    append_normal_event(out, bundle, index, form);
    return;
  }
  std::string normal;
  append_normal_event(normal, bundle, index, form);
  append_odd_event(out, odd_, normal);
}

std::int64_t EventGenerator::event_start_millis(const Bundle& bundle, std::uint64_t index) const {
  if (odd_.identical) index = 0;
  thread_local std::string scratch;
  scratch.clear();
  return append_normal_event(scratch, bundle, index, EventForm::kLegacy).start_millis;
}

EventFacts EventGenerator::append_normal_event(std::string& out, const Bundle& bundle, std::uint64_t index,
                                               EventForm form) const {
  SplitMix64 rng(mix64(mix64(mix64(seed_) ^ bundle.index) ^ index));
  const std::uint64_t visitor = rng.below(kVisitors);
  const std::string_view type = pick(values::kEventTypes, rng.next());

  JsonWriter json(out);
  json.begin_object();
  write_visitor(json, rng, visitor);
  const std::int64_t start = write_event(json, rng, bundle, index, type, form);
  write_page(json, rng, type == "load", form);
  write_custom_vars(json, rng);
  write_unknown_fields(json, rng, form);
  if (form == EventForm::kSegment) {
    // A generator of its own, so the legacy draws above are untouched by these fields.
    SplitMix64 segment_rng(mix64(mix64(mix64(mix64(seed_) ^ bundle.index) ^ index) ^ kSegmentSalt));
    write_segment_fields(json, segment_rng, SegmentEventContext{type, start, visitor});
  }
  json.end_object();
  return EventFacts{visitor, start};
}

}  // namespace fssim
