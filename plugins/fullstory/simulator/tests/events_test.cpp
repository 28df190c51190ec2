// The generated events: FullStory's legacy export keys, types, conditions and hard values.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <regex>
#include <set>

#include "http_support.h"
#include "sim_process.h"

using namespace simtest;

namespace {

constexpr std::int64_t kPeriod = 3600;
constexpr std::uint64_t kTwoTo53 = 9'007'199'254'740'992;

struct DumpedEvent {
  std::string line;
  nlohmann::json json;
  std::int64_t bundle_start;
};

// 3 bundles of 400 events, tagged with their bundle's start.
const std::vector<DumpedEvent>& events() {
  static const std::vector<DumpedEvent> dumped = [] {
    const std::vector<std::string> config{"--events-per-bundle", "400", "--bundle-period", std::to_string(kPeriod)};
    std::vector<DumpedEvent> result;
    const std::vector<std::string> lines = sim_dumped_events(config);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      result.push_back(
          {lines[i], parse_json(lines[i]), kDefaultFirstStart + static_cast<std::int64_t>(i / 400) * kPeriod});
    }
    return result;
  }();
  return dumped;
}

// "2023-11-15T06:12:09.794Z" to unix milliseconds, independently of the simulator's code.
std::int64_t unix_millis(const std::string& text) {
  using namespace std::chrono;
  const year_month_day date{year(std::stoi(text.substr(0, 4))),
                            month(static_cast<unsigned>(std::stoi(text.substr(5, 2)))),
                            day(static_cast<unsigned>(std::stoi(text.substr(8, 2))))};
  const auto midnight = duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count();
  return midnight + std::stoll(text.substr(11, 2)) * 3'600'000 + std::stoll(text.substr(14, 2)) * 60'000 +
         std::stoll(text.substr(17, 2)) * 1000 + std::stoll(text.substr(20, 3));
}

bool is_timestamp(const nlohmann::json& value) {
  static const std::regex format(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  return value.is_string() && std::regex_match(value.get<std::string>(), format);
}

bool ends_with(const std::string& text, const std::string& suffix) { return text.ends_with(suffix); }

}  // namespace

TEST_CASE("every event has the always-present keys with FullStory's types") {
  const char* integers[] = {"IndvId",
                            "UserId",
                            "SessionId",
                            "PageId",
                            "PageDuration",
                            "PageActiveDuration",
                            "PageNumInfos",
                            "PageNumWarnings",
                            "PageNumErrors",
                            "PageClusterId",
                            "EventModDead",
                            "EventModError",
                            "EventModSuspicious"};
  const char* strings[] = {
      "UserAppKey",  "UserDisplayName", "EventStart",  "EventType",  "EventTargetSelectorTok", "PageUrl",
      "PageLatLong", "PageAgent",       "PageBrowser", "PageDevice", "PageOperatingSystem"};
  REQUIRE(events().size() == 1200);
  for (const DumpedEvent& event : events()) {
    CAPTURE(event.line);
    for (const char* key : integers) CHECK(event.json.at(key).is_number_integer());
    for (const char* key : strings) CHECK(event.json.at(key).is_string());
  }
}

TEST_CASE("conditional keys follow the event type, and optional keys are sometimes absent") {
  const std::set<std::string> known_types{"click",     "navigate", "change", "load",    "custom",    "pageview",
                                          "copy",      "paste",    "thrash", "abandon", "highlight", "console_message",
                                          "exception", "request"};
  std::set<std::string> seen_types;
  std::map<std::string, int> present;
  for (const DumpedEvent& event : events()) {
    CAPTURE(event.line);
    const std::string type = event.json["EventType"];
    seen_types.insert(type);
    CHECK(event.json.contains("EventCustomName") == (type == "custom"));
    for (const char* load_key : {"LoadDomContentTime", "LoadEventTime", "LoadFirstPaintTime"}) {
      CHECK(event.json.contains(load_key) == (type == "load"));
      if (type == "load") CHECK(event.json[load_key].is_number_integer());
    }
    CHECK(event.json.contains("EventTargetText") == (type != "navigate"));
    for (const char* optional :
         {"UserEmail", "PageRefererUrl", "PageIp", "EventModFrustrated", "EventSubType", "PageNewField2026"}) {
      present[optional] += event.json.contains(optional) ? 1 : 0;
    }
  }
  CHECK(seen_types == known_types);
  for (const auto& [key, count] : present) {
    CAPTURE(key);
    CHECK(count > 0);
    if (key != "PageIp") CHECK(count < 1200);  // PageIp is always there, sometimes ""
  }
  const auto empty_string_somewhere = [](const char* key) {
    for (const DumpedEvent& event : events()) {
      if (event.json.contains(key) && event.json[key] == "") return true;
    }
    return false;
  };
  CHECK(empty_string_somewhere("PageRefererUrl"));
  CHECK(empty_string_somewhere("PageIp"));
  CHECK(empty_string_somewhere("UserAppKey"));
}

TEST_CASE("EventStart: millisecond UTC text within the bundle range, never decreasing within a bundle") {
  std::int64_t previous = 0;
  int with_millis = 0;
  for (const DumpedEvent& event : events()) {
    CAPTURE(event.line);
    REQUIRE(is_timestamp(event.json["EventStart"]));
    const std::int64_t millis = unix_millis(event.json["EventStart"]);
    CHECK(millis >= event.bundle_start * 1000);
    CHECK(millis < (event.bundle_start + kPeriod) * 1000);
    if (millis >= event.bundle_start * 1000 && previous >= event.bundle_start * 1000) CHECK(millis >= previous);
    previous = millis;
    with_millis += millis % 1000 != 0 ? 1 : 0;
  }
  CHECK(with_millis > 1000);
}

TEST_CASE("ids above 2^53 are printed as exact integers") {
  // A client that parses through a double changes these values; the counts prove the bundle
  // contains such ids for every id field, so a simulator that rounded them would be caught.
  const auto double_holds = [](std::uint64_t id) { return static_cast<std::uint64_t>(static_cast<double>(id)) == id; };
  std::map<std::string, int> unholdable;
  int near_int64_max = 0;
  for (const DumpedEvent& event : events()) {
    CAPTURE(event.line);
    for (const char* key : {"IndvId", "UserId", "SessionId", "PageId"}) {
      const auto id = event.json[key].get<std::uint64_t>();
      CHECK(event.line.find("\"" + std::string(key) + "\":" + std::to_string(id) + ",") != std::string::npos);
      unholdable[key] += double_holds(id) ? 0 : 1;
    }
    CHECK(event.json["UserId"].get<std::uint64_t>() > kTwoTo53);
    CHECK(event.json["PageId"].get<std::uint64_t>() > kTwoTo53);
    near_int64_max += event.json["IndvId"].get<std::int64_t>() > 9'223'372'036'854'775'000 ? 1 : 0;
  }
  CHECK(unholdable["PageId"] == 1200);  // odd numbers above 2^53
  CHECK(unholdable["UserId"] > 100);
  CHECK(unholdable["SessionId"] > 100);
  CHECK(unholdable["IndvId"] > 100);
  CHECK(near_int64_max > 0);
}

TEST_CASE("custom variables are typed by suffix, plurals are arrays, dotted names occur") {
  std::map<std::string, int> suffix_seen;
  bool integral_real = false;
  bool dotted = false;
  for (const DumpedEvent& event : events()) {
    for (const auto& [key, value] : event.json.items()) {
      CAPTURE(key);
      const auto element_check = [&](auto&& is_type) {
        REQUIRE(value.is_array());
        for (const nlohmann::json& element : value) CHECK(is_type(element));
      };
      if (ends_with(key, "_str")) CHECK(value.is_string());
      else if (ends_with(key, "_int")) CHECK(value.is_number_integer());
      else if (ends_with(key, "_real")) CHECK(value.is_number());
      else if (ends_with(key, "_bool")) CHECK(value.is_boolean());
      else if (ends_with(key, "_date")) CHECK(is_timestamp(value));
      else if (ends_with(key, "_strs")) element_check([](const nlohmann::json& e) { return e.is_string(); });
      else if (ends_with(key, "_ints")) element_check([](const nlohmann::json& e) { return e.is_number_integer(); });
      else if (ends_with(key, "_reals")) element_check([](const nlohmann::json& e) { return e.is_number(); });
      else if (ends_with(key, "_bools")) element_check([](const nlohmann::json& e) { return e.is_boolean(); });
      else if (ends_with(key, "_dates")) element_check([](const nlohmann::json& e) { return is_timestamp(e); });
      else continue;
      suffix_seen[key.substr(key.rfind('_'))]++;
      dotted = dotted || key.find('.') != std::string::npos;
    }
    integral_real = integral_real || event.line.find("\"user_ltv_real\":1,") != std::string::npos;
  }
  for (const char* suffix :
       {"_str", "_int", "_real", "_bool", "_date", "_strs", "_ints", "_reals", "_bools", "_dates"}) {
    CAPTURE(suffix);
    CHECK(suffix_seen[suffix] > 0);
  }
  CHECK(dotted);
  CHECK(integral_real);
}

TEST_CASE("EventTargetText carries every hard string, escaped correctly") {
  std::set<std::string> texts;
  std::string all_lines;
  for (const DumpedEvent& event : events()) {
    if (event.json.contains("EventTargetText")) texts.insert(event.json["EventTargetText"].get<std::string>());
    all_lines += event.line;
  }
  const auto some_text_contains = [&](const std::string& needle) {
    for (const std::string& text : texts) {
      if (text.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  CHECK(texts.count(""));
  CHECK(texts.count("\""));
  CHECK(texts.count("=SUM(A1:A9)"));
  for (const std::string needle : {"é", "中文", "Ελληνικά", "\U0001F389", "\u200D", "\r\n", "line1\rline2",
                                   "line1\nline2", "\t", "\\", "a,b", "\x01", "\x1f"}) {
    CAPTURE(needle);
    CHECK(some_text_contains(needle));
  }
  CHECK(std::any_of(texts.begin(), texts.end(), [](const std::string& t) { return t.size() >= 2000; }));

  // On the wire: control characters escaped, UTF-8 verbatim.
  CHECK(all_lines.find(R"(\u0001)") != std::string::npos);
  CHECK(all_lines.find(R"(\r\n)") != std::string::npos);
  CHECK(all_lines.find("\U0001F389") != std::string::npos);
  CHECK(std::none_of(all_lines.begin(), all_lines.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
}

TEST_CASE("the same seed gives the same events, another seed other events") {
  const std::vector<std::string> config{"--events-per-bundle", "50", "--bundles", "2"};
  std::vector<std::string> reseeded = config;
  reseeded.insert(reseeded.end(), {"--seed", "2"});
  CHECK(sim_dumped_events(config) == sim_dumped_events(config));
  CHECK(sim_dumped_events(config) != sim_dumped_events(reseeded));
}
