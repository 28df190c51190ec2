#include "segment_fields.h"

#include <algorithm>
#include <iterator>

namespace fssim {

namespace {

// The custom variables the generator writes (see event_generator.cpp).
constexpr std::string_view kCustomVars[] = {"user_plan_str",   "user_seats_int",       "user_ltv_real",
                                            "user_trial_bool", "user_signup_date",     "user_tags_strs",
                                            "evt_items_ints",  "evt_prices_reals",     "evt_flags_bools",
                                            "evt_days_dates",  "evt_order.total_real", "page_section_str"};

constexpr std::string_view kEventFields[] = {
    "IndvId", "UserId", "SessionId", "PageId", "UserAppKey", "UserDisplayName", "UserEmail", "UserCreated",
    "SessionStart", "EventStart", "EventType", "EventSubType", "EventCustomName", "EventTargetText",
    "EventTargetSelector", "EventDuration", "EventSecondaryDuration", "EventPageOffset", "EventSessionOffset",
    "EventModFrustrated", "EventModDead", "EventModError", "EventModSuspicious", "EventVarErrorKind", "EventVarFields",
    "EventWebSourceFileUrl", "EventMobileSourceFile", "EventFirstInputDelay", "EventCumulativeLayoutShift", "PageName",
    "PageStart", "PageDuration", "PageActiveDuration", "PageUrl", "PageRefererUrl", "PageIp", "PageLatLong",
    "PageUserAgent", "PageBrowser", "PageBrowserVersion", "PageDevice", "PagePlatform", "PageOperatingSystem",
    "PageScreenWidth", "PageScreenHeight", "PageViewportWidth", "PageViewportHeight", "PageNumEvents",
    "PageNumDerivedEvents", "PageNumInfos", "PageNumWarnings", "PageNumErrors", "PageClusterId",
    "PageMaxScrollDepthPercent", "LoadDomContentTime", "LoadEventTime", "LoadFirstPaintTime", "LoadLargestPaintTime",
    "ReqUrl", "ReqMethod", "ReqStatus", "AppName", "AppPackageName", "AppDeviceModel", "AppDeviceVendor", "AppVersion",
    "AppOsVersion", "AppViewName",
    // Not in FullStory's list: what the generator adds so clients meet unknown keys and odd events.
    "PageNewField2026", "SimPadding", "SimDeep",
    // Segment Export still lets old tables ask for the legacy names; they are never filled.
    "EventTargetSelectorTok", "PageAgent", "UserUid", "PageSessionId", "EventVarValue"};

constexpr std::string_view kIndividualFields[] = {"IndvId",
                                                  "Created",
                                                  "Uid",
                                                  "DisplayName",
                                                  "Email",
                                                  "NumSessions",
                                                  "NumPages",
                                                  "NumEvents",
                                                  "TotalSec",
                                                  "ActiveSec",
                                                  "AvgSessionSec",
                                                  "AvgSessionActiveSec",
                                                  "MaxSessionSec",
                                                  "LastSessionNumPages",
                                                  "LastSessionNumEvents",
                                                  "LastSessionSec",
                                                  "LastSessionActiveSec",
                                                  "LastSessionStart",
                                                  "LastPage",
                                                  "LastIp",
                                                  "LastLatLong",
                                                  "LastEventStart",
                                                  "LastBrowser",
                                                  "LastDevice",
                                                  "LastPlatform",
                                                  "LastOperatingSystem"};

constexpr std::string_view kWildcards[] = {"user_*", "evt_*", "page_*"};

bool is_wildcard(std::string_view name) {
  return std::find(std::begin(kWildcards), std::end(kWildcards), name) != std::end(kWildcards);
}

// "user_*" keeps "user_plan_str": the prefix before the star.
bool wildcard_matches(std::string_view wildcard, std::string_view field) {
  return field.starts_with(wildcard.substr(0, wildcard.size() - 1));
}

// The fixed fields, then the custom variables: an individual has only the user_* ones.
std::vector<std::string_view> fields_with_vars(std::span<const std::string_view> fixed, std::string_view only_prefix) {
  std::vector<std::string_view> fields(fixed.begin(), fixed.end());
  for (std::string_view var : kCustomVars) {
    if (var.starts_with(only_prefix)) fields.push_back(var);
  }
  return fields;
}

}  // namespace

std::span<const std::string_view> known_fields(ExportType type) {
  static const std::vector<std::string_view> event_fields = fields_with_vars(kEventFields, "");
  static const std::vector<std::string_view> individual_fields = fields_with_vars(kIndividualFields, "user_");
  return type == ExportType::kIndividual ? individual_fields : event_fields;
}

std::optional<FieldSelection> FieldSelection::parse(ExportType type, const std::vector<std::string>& names,
                                                    std::string& error) {
  const auto known = known_fields(type);
  for (const std::string& name : names) {
    if (is_wildcard(name) || std::find(known.begin(), known.end(), name) != known.end()) continue;
    error = "fields: unknown field '" + name + "' (expected a Segment Export field name such as EventStart, or " +
            "user_*, evt_*, page_*)";
    return std::nullopt;
  }
  FieldSelection selection;
  selection.names_ = names;
  return selection;
}

bool FieldSelection::keeps(std::string_view field) const {
  if (!names_) return true;
  return std::any_of(names_->begin(), names_->end(), [field](const std::string& name) {
    return name == field || (is_wildcard(name) && wildcard_matches(name, field));
  });
}

std::vector<std::string> FieldSelection::columns(ExportType type) const {
  std::vector<std::string> columns;
  const auto add = [&columns](std::string_view name) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.emplace_back(name);
  };
  if (!names_) {
    for (std::string_view name : known_fields(type)) add(name);
    return columns;
  }
  for (const std::string& name : *names_) {
    if (!is_wildcard(name)) {
      add(name);
      continue;
    }
    for (std::string_view field : known_fields(type)) {
      if (wildcard_matches(name, field)) add(field);
    }
  }
  return columns;
}

}  // namespace fssim
