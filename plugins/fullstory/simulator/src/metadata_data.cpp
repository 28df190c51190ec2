#include "metadata_data.h"

#include <array>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "rfc3339.h"
#include "splitmix64.h"

namespace fssim {
namespace {

using json = nlohmann::ordered_json;

constexpr std::array<SettingsKind, 6> kKinds = {{{"blocking", "block_rules", false},
                                                 {"domain", "domain_settings", false},
                                                 {"geo", "geo_settings", false},
                                                 {"privacy", "privacy_settings", true},
                                                 {"features", "recording_features", false},
                                                 {"targeting", "target_rules", false}}};

// User ids above 2^53, as text (FullStory's ids are strings; a double would round them).
constexpr std::uint64_t kFirstUserId = 9007199254740993ULL;
constexpr std::uint64_t kUserIdStride = 7;

// Version 0 is 2023-05-12T15:16:10.268269Z; each next one 3 h and 1.234567 s later, so
// every version has non-zero microseconds and 2.0's string comparison gets them wrong.
constexpr std::int64_t kFirstVersionMicros = 1683904570268269LL;
constexpr std::int64_t kVersionStepMicros = 10801234567LL;
constexpr std::int64_t kSettingsCreatedMicros = kFirstVersionMicros - 86'400'000'000LL;

// "YYYY-MM-DDTHH:MM:SS.ffffffZ", FullStory's settings timestamps.
std::string micros_text(std::int64_t unix_micros) {
  const std::int64_t millis = unix_micros / 1000;
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, "%06lld", static_cast<long long>(unix_micros % 1'000'000));
  return rfc3339_text(millis).substr(0, 19) + "." + fraction + "Z";
}

const char* const kPeople[] = {"Bob (bob@example.com)", "Zoë Quinn (zoe@example.com)",
                               "Ana \"QA\" Lima (ana@example.com)"};
const char* const kCities[] = {"Zürich", "São Paulo", "Atlanta", "Kraków"};

json user_properties(std::size_t index, SplitMix64& random) {
  json properties = {{"pricing_plan", index % 3 == 0 ? "free" : "pro"},
                     {"popup_help", random.one_in(2)},
                     {"total_spent", static_cast<double>(random.below(100000)) / 100.0},
                     {"signup_count", static_cast<std::int64_t>(random.below(50))},
                     {"address",
                      {{"city", kCities[index % 4]},
                       {"zip", std::to_string(10000 + random.below(89999))},
                       {"geo", {{"lat", 47.37 + static_cast<double>(index % 10)}, {"lon", 8.54}}}}},
                     {"tags", json::array({"beta", index % 2 == 0 ? "vip" : "trial"})},
                     {"notes", "likes commas, \"quotes\"\nand new lines #" + std::to_string(index)}};
  for (std::size_t k = 0; k < index % 13; ++k) properties["custom_" + std::to_string(k)] = random.below(1000);
  return properties;
}

// What FullStory says each property's type is (include_schema=true).
json schema_of(const json& properties) {
  json types = json::object();
  for (const auto& [name, value] : properties.items()) {
    types[name] = value.is_object()           ? "obj"
                  : value.is_array()          ? "strs"
                  : value.is_boolean()        ? "bool"
                  : value.is_number_float()   ? "real"
                  : value.is_number_integer() ? "int"
                                              : "str";
  }
  return {{"properties", types}};
}

json settings_body(const SettingsKind& kind, std::size_t version, SplitMix64& random) {
  const std::string n = std::to_string(version);
  const std::string_view name = kind.path_name;
  if (name == "blocking") {
    return {{"blockedIps", json::array({"10.0." + n + ".1", "192.168.1." + std::to_string(version % 250)})},
            {"blockedUas", json::array({"BadBot/" + n})},
            {"blockedAppIds", json::array()}};
  }
  if (name == "domain") {
    return {{"onlyRecordKnownDomains", version % 2 == 0},
            {"domains", json::array({{{"domain", "shop" + n + ".example.com"}, {"disabled", random.one_in(3)}}})}};
  }
  if (name == "geo") {
    return {{"recordGeoMode", version % 3 == 0 ? "GEO_ALL" : "GEO_BLOCK_LIST"},
            {"recordGeoZones", json::array({"US", version % 2 == 0 ? "CA" : "DE"})}};
  }
  if (name == "privacy") {
    return {{"elementBlocks", json::array({{{"selector", ".card-number-" + n},
                                            {"consent", false},
                                            {"notes", "payment, v" + n},
                                            {"type", "BLOCK_EXCLUDE"},
                                            {"scope", "ALL_SESSIONS"},
                                            {"lastUpdated", micros_text(kFirstVersionMicros)},
                                            {"label", "Card"},
                                            {"targetingConditions", json::object()},
                                            {"editable", "EDITABLE"},
                                            {"exceptionSelectors", json::array()},
                                            {"groupId", static_cast<std::int64_t>(version % 5)}}})},
            {"ajaxWatches", json::array({{{"urlRegex", "/api/" + n},
                                          {"recordReq", "NONE"},
                                          {"recordRsp", "ALL"},
                                          {"whitelistReq", ""},
                                          {"whitelistRsp", ""}}})},
            {"discardIpAddresses", random.one_in(2)},
            {"defaultPrivacyMode", "PRIVACY_MODE_OFF"},
            {"elementRuleGroups", {{"group" + std::to_string(version % 3), {{"rules", version % 7}}}}}};
  }
  if (name == "features") {
    return {{"enabled", true},
            {"consoleWatcher", random.one_in(2)},
            {"ajaxWatcher", random.one_in(2)},
            {"resourceUploading", version % 2 == 1},
            {"recordingShutoff", false},
            {"clientSideRageClick", random.one_in(2)}};
  }
  return {{"sessionTargetingRules",
           json::array({{{"scope", "ALL_SESSIONS"},
                         {"conditions", json::array({{{"type", "DOMAIN"},
                                                      {"operator", "CONTAINS"},
                                                      {"values", json::array({"example" + n + ".com"})}}})}}})}};
}

}  // namespace

std::span<const SettingsKind> settings_kinds() { return kKinds; }

const SettingsKind* find_settings_kind(std::string_view path_name) {
  for (const SettingsKind& kind : kKinds) {
    if (path_name == kind.path_name) return &kind;
  }
  return nullptr;
}

std::string MetadataData::user(std::size_t index, bool include_schema) const {
  SplitMix64 random(mix64(options_.seed ^ (0x5553ULL << 40) ^ index));
  const std::string id = std::to_string(kFirstUserId + index * kUserIdStride);
  const bool anonymous = index % 5 == 4;
  json properties = user_properties(index, random);
  json user = {{"id", id},
               {"uid", anonymous ? "" : "user-" + std::to_string(index)},
               {"display_name",
                anonymous ? "" : std::string(index % 7 == 0 ? "Zoë \"Z\" O'Brien " : "User ") + std::to_string(index)},
               {"email", anonymous ? "" : "user" + std::to_string(index) + "@example.com"},
               {"is_being_deleted", index % 37 == 36},
               {"properties", properties},
               {"schema", include_schema ? schema_of(properties) : json(nullptr)},
               {"type_conflicts", index % 4 == 0 ? json{{"total_spent", {{"str", 1}, {"real", 3}}}} : json(nullptr)},
               {"app_url", "https://app.fullstory.com/ui/o-SIM/people/" + id}};
  return user.dump();
}

std::optional<std::size_t> MetadataData::user_index(std::string_view id) const {
  for (std::size_t index = 0; index < user_count(); ++index) {
    if (id == std::to_string(kFirstUserId + index * kUserIdStride)) return index;
  }
  return std::nullopt;
}

std::string MetadataData::segment(std::size_t index) const {
  const std::string url = "https://app.fullstory.com/ui/o-SIM/segments/";
  if (index < options_.segments.size()) {
    const std::string& id = options_.segments[index];
    // Built-in segments have no creation time.
    return json{{"id", id}, {"name", id == "everyone" ? "Everyone" : id}, {"creator", ""}, {"url", url + id}}.dump();
  }
  const std::size_t n = index - options_.segments.size();
  const std::string id = "seg-" + std::to_string(1000 + n);
  return json{{"id", id},
              {"name", "Segment " + std::to_string(n) + ", \"sim\""},
              {"creator", "owner" + std::to_string(n % 9) + "@example.com"},
              {"created", micros_text(kFirstVersionMicros + static_cast<std::int64_t>(n) * 3'600'000'000LL)},
              {"url", url + id}}
      .dump();
}

std::string MetadataData::version(const SettingsKind& kind, std::size_t version) const {
  const auto kind_index = static_cast<std::uint64_t>(&kind - kKinds.data());
  SplitMix64 random(mix64(options_.seed ^ (kind_index << 48) ^ version));
  json object = settings_body(kind, version, random);
  object["metadata"] = {
      {"lastUpdated", micros_text(kFirstVersionMicros + static_cast<std::int64_t>(version) * kVersionStepMicros)},
      {"lastUpdatedBy", kPeople[version % 3]},
      {"created", micros_text(kSettingsCreatedMicros)},
      {"createdBy", kPeople[0]}};
  return object.dump();
}

std::optional<std::vector<std::string>> MetadataData::objects_of(std::string_view stream) const {
  std::vector<std::string> out;
  if (stream == "users") {
    for (std::size_t i = 0; i < user_count(); ++i) out.push_back(user(i, true));
    return out;
  }
  if (stream == "segments") {
    for (std::size_t i = 0; i < segment_count(); ++i) out.push_back(segment(i));
    return out;
  }
  for (const SettingsKind& kind : kKinds) {
    if (stream == kind.stream) return std::vector<std::string>{version(kind, version_count() - 1)};
    if (stream == std::string(kind.stream) + "_history") {
      for (std::size_t v = version_count(); v-- > 0;) out.push_back(version(kind, v));
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace fssim
