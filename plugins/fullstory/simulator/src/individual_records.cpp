#include "individual_records.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <vector>

#include "json_members.h"
#include "window_events.h"

namespace fssim {

namespace {

std::int64_t integer_of(std::string_view text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// An event's members by name, raw.
class Members {
 public:
  explicit Members(std::string_view event) : members_(top_level_members(event)) {}
  std::string_view get(std::string_view key) const {
    for (const JsonMember& member : members_) {
      if (member.key == key) return member.value;
    }
    return {};
  }
  const std::vector<JsonMember>& all() const { return members_; }

 private:
  std::vector<JsonMember> members_;
};

// What a visitor's record needs, accumulated event by event.
struct Visitor {
  std::string indv_id, created, uid, display_name, email;
  std::uint64_t events = 0, pages = 0;
  std::int64_t total_ms = 0, active_ms = 0, max_page_ms = 0;
  std::map<std::string, std::uint64_t> events_per_session;  // a visitor has at most 32 sessions
  std::map<std::string, std::string> user_vars;             // the latest value of each
  std::string last_session, last_session_start, last_page, last_ip, last_lat_long, last_event_start;
  std::string last_browser, last_device, last_platform, last_os;
  std::int64_t last_page_ms = 0, last_active_ms = 0;

  void add(const Members& event);
};

void Visitor::add(const Members& event) {
  if (events++ == 0) {
    indv_id = event.get("IndvId");
    created = event.get("UserCreated");
    uid = event.get("UserAppKey");
    display_name = event.get("UserDisplayName");
    email = event.get("UserEmail");
  }
  const std::string_view type = event.get("EventType");
  if (type == R"("navigate")" || type == R"("load")" || type == R"("pageview")") ++pages;
  last_page_ms = integer_of(event.get("PageDuration"));
  last_active_ms = integer_of(event.get("PageActiveDuration"));
  total_ms += last_page_ms;
  active_ms += last_active_ms;
  max_page_ms = std::max(max_page_ms, last_page_ms);
  last_session = event.get("SessionId");
  ++events_per_session[last_session];
  last_session_start = event.get("SessionStart");
  last_page = event.get("PageUrl");
  last_ip = event.get("PageIp");
  last_lat_long = event.get("PageLatLong");
  last_event_start = event.get("EventStart");
  last_browser = event.get("PageBrowser");
  last_device = event.get("PageDevice");
  last_platform = event.get("PagePlatform");
  last_os = event.get("PageOperatingSystem");
  for (const JsonMember& member : event.all()) {
    if (member.key.starts_with("user_")) user_vars[std::string(member.key)] = member.value;
  }
}

// Raw JSON member text: the values were copied verbatim from the events.
void raw_member(std::string& out, std::string_view key, std::string_view raw) {
  if (raw.empty()) return;  // the events never had it (a visitor without an email)
  out += ",\"";
  out += key;
  out += "\":";
  out += raw;
}

void number_member(std::string& out, std::string_view key, std::int64_t value) {
  raw_member(out, key, std::to_string(value));
}

std::string record_of(const Visitor& v) {
  const auto sessions = static_cast<std::int64_t>(v.events_per_session.size());
  std::string out = "{\"IndvId\":" + v.indv_id;
  raw_member(out, "Created", v.created);
  raw_member(out, "Uid", v.uid);
  raw_member(out, "DisplayName", v.display_name);
  raw_member(out, "Email", v.email);
  number_member(out, "NumSessions", sessions);
  number_member(out, "NumPages", static_cast<std::int64_t>(std::max<std::uint64_t>(v.pages, 1)));
  number_member(out, "NumEvents", static_cast<std::int64_t>(v.events));
  number_member(out, "TotalSec", v.total_ms / 1000);
  number_member(out, "ActiveSec", v.active_ms / 1000);
  number_member(out, "AvgSessionSec", v.total_ms / 1000 / sessions);
  number_member(out, "AvgSessionActiveSec", v.active_ms / 1000 / sessions);
  number_member(out, "MaxSessionSec", v.max_page_ms / 1000);
  number_member(out, "LastSessionNumPages", 1);
  number_member(out, "LastSessionNumEvents", static_cast<std::int64_t>(v.events_per_session.at(v.last_session)));
  number_member(out, "LastSessionSec", v.last_page_ms / 1000);
  number_member(out, "LastSessionActiveSec", v.last_active_ms / 1000);
  raw_member(out, "LastSessionStart", v.last_session_start);
  raw_member(out, "LastPage", v.last_page);
  raw_member(out, "LastIp", v.last_ip);
  raw_member(out, "LastLatLong", v.last_lat_long);
  raw_member(out, "LastEventStart", v.last_event_start);
  raw_member(out, "LastBrowser", v.last_browser);
  raw_member(out, "LastDevice", v.last_device);
  raw_member(out, "LastPlatform", v.last_platform);
  raw_member(out, "LastOperatingSystem", v.last_os);
  for (const auto& [key, value] : v.user_vars) raw_member(out, key, value);
  return out + "}";
}

}  // namespace

void for_each_individual(const BundleCatalog& catalog, const EventGenerator& generator, const TimeWindow& window,
                         const std::function<void(std::string_view)>& record) {
  std::map<std::int64_t, Visitor> visitors;  // by IndvId: the record order
  std::string event;
  for_each_window_event(catalog, generator, window, [&](const Bundle& bundle, std::uint64_t index) {
    event.clear();
    generator.append_event(event, bundle, index, EventForm::kSegment);
    const Members members(event);
    visitors[integer_of(members.get("IndvId"))].add(members);
  });
  for (const auto& [id, visitor] : visitors) record(record_of(visitor));
}

}  // namespace fssim
