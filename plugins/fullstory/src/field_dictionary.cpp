#include "field_dictionary.h"

#include <array>

namespace fullstory {
namespace {

using Kind = FieldKind;

// FullStory's legacy export fields (Data Dictionary), in its documented order. IDs are int64;
// EventStart keeps FullStory's own text (milliseconds included).
constexpr std::array<DocumentedField, 33> kDataExportFields = {{
    {"IndvId", Kind::kInteger},
    {"UserId", Kind::kInteger},
    {"SessionId", Kind::kInteger},
    {"PageId", Kind::kInteger},
    {"EventStart", Kind::kDateTime},
    {"EventType", Kind::kString},
    {"EventCustomName", Kind::kString},
    {"EventTargetText", Kind::kString},
    {"EventTargetSelectorTok", Kind::kString},
    {"EventModFrustrated", Kind::kInteger},
    {"EventModDead", Kind::kInteger},
    {"EventModError", Kind::kInteger},
    {"EventModSuspicious", Kind::kInteger},
    {"PageClusterId", Kind::kInteger},
    {"PageUrl", Kind::kString},
    {"PageDuration", Kind::kInteger},
    {"PageActiveDuration", Kind::kInteger},
    {"PageRefererUrl", Kind::kString},
    {"PageLatLong", Kind::kString},
    {"PageAgent", Kind::kString},
    {"PageIp", Kind::kString},
    {"PageBrowser", Kind::kString},
    {"PageDevice", Kind::kString},
    {"PageOperatingSystem", Kind::kString},
    {"PageNumInfos", Kind::kInteger},
    {"PageNumWarnings", Kind::kInteger},
    {"PageNumErrors", Kind::kInteger},
    {"UserAppKey", Kind::kString},
    {"UserEmail", Kind::kString},
    {"UserDisplayName", Kind::kString},
    {"LoadDomContentTime", Kind::kInteger},
    {"LoadFirstPaintTime", Kind::kInteger},
    {"LoadEventTime", Kind::kInteger},
}};

// Segment Export's event fields, grouped as FullStory documents them: ids, user, session,
// event, page, load, request, mobile app, web vitals. Durations and offsets are integral
// milliseconds except EventDuration and EventSecondaryDuration (`seen` events), which
// FullStory types as numbers, as it does the layout shift score.
constexpr std::array<DocumentedField, 68> kSegmentExportFields = {{
    {"IndvId", Kind::kInteger},
    {"UserId", Kind::kInteger},
    {"SessionId", Kind::kInteger},
    {"PageId", Kind::kInteger},
    {"UserCreated", Kind::kDateTime},
    {"UserAppKey", Kind::kString},
    {"UserDisplayName", Kind::kString},
    {"UserEmail", Kind::kString},
    {"SessionStart", Kind::kDateTime},
    {"EventStart", Kind::kDateTime},
    {"EventType", Kind::kString},
    {"EventSubType", Kind::kString},
    {"EventCustomName", Kind::kString},
    {"EventTargetText", Kind::kString},
    {"EventTargetSelector", Kind::kString},
    {"EventDuration", Kind::kNumber},
    {"EventSecondaryDuration", Kind::kNumber},
    {"EventPageOffset", Kind::kInteger},
    {"EventSessionOffset", Kind::kInteger},
    {"EventModFrustrated", Kind::kInteger},
    {"EventModDead", Kind::kInteger},
    {"EventModError", Kind::kInteger},
    {"EventModSuspicious", Kind::kInteger},
    {"EventVarErrorKind", Kind::kString},
    {"EventVarFields", Kind::kString},
    {"EventWebSourceFileUrl", Kind::kString},
    {"PageName", Kind::kString},
    {"PageStart", Kind::kDateTime},
    {"PageDuration", Kind::kInteger},
    {"PageActiveDuration", Kind::kInteger},
    {"PageUrl", Kind::kString},
    {"PageRefererUrl", Kind::kString},
    {"PageIp", Kind::kString},
    {"PageLatLong", Kind::kString},
    {"PageUserAgent", Kind::kString},
    {"PageBrowser", Kind::kString},
    {"PageBrowserVersion", Kind::kString},
    {"PageDevice", Kind::kString},
    {"PagePlatform", Kind::kString},
    {"PageOperatingSystem", Kind::kString},
    {"PageScreenWidth", Kind::kInteger},
    {"PageScreenHeight", Kind::kInteger},
    {"PageViewportWidth", Kind::kInteger},
    {"PageViewportHeight", Kind::kInteger},
    {"PageNumEvents", Kind::kInteger},
    {"PageNumDerivedEvents", Kind::kInteger},
    {"PageNumInfos", Kind::kInteger},
    {"PageNumWarnings", Kind::kInteger},
    {"PageNumErrors", Kind::kInteger},
    {"PageClusterId", Kind::kInteger},
    {"PageMaxScrollDepthPercent", Kind::kInteger},
    {"LoadDomContentTime", Kind::kInteger},
    {"LoadEventTime", Kind::kInteger},
    {"LoadFirstPaintTime", Kind::kInteger},
    {"LoadLargestPaintTime", Kind::kInteger},
    {"ReqUrl", Kind::kString},
    {"ReqMethod", Kind::kString},
    {"ReqStatus", Kind::kInteger},
    {"AppName", Kind::kString},
    {"AppPackageName", Kind::kString},
    {"AppDeviceModel", Kind::kString},
    {"AppDeviceVendor", Kind::kString},
    {"AppVersion", Kind::kString},
    {"AppOsVersion", Kind::kString},
    {"AppViewName", Kind::kString},
    {"EventMobileSourceFile", Kind::kString},
    {"EventFirstInputDelay", Kind::kInteger},
    {"EventCumulativeLayoutShift", Kind::kNumber},
}};

// The fields Segment Export renamed (hauser #95): their Data Export names, kept on request.
constexpr std::array<FieldRename, 2> kLegacyRenames = {{
    {"PageUserAgent", "PageAgent"},
    {"EventTargetSelector", "EventTargetSelectorTok"},
}};

// `fields` with every renamed field under its declared name: one list, two spellings.
template <size_t N>
constexpr std::array<DocumentedField, N> declared_names(std::array<DocumentedField, N> fields) {
  for (DocumentedField& field : fields) {
    for (const FieldRename& rename : kLegacyRenames) {
      if (std::string_view(field.name) == rename.sent) field.name = rename.declared;
    }
  }
  return fields;
}

constexpr std::array<DocumentedField, kSegmentExportFields.size()> kSegmentExportLegacyFields = declared_names(
    kSegmentExportFields);

// The individual export (TYPE_INDIVIDUAL), in FullStory's order. Counts and totals in
// seconds are integers; the averages are numbers (a mean of seconds is rarely whole).
constexpr std::array<DocumentedField, 26> kIndividualFields = {{
    {"IndvId", Kind::kInteger},
    {"Created", Kind::kDateTime},
    {"Uid", Kind::kString},
    {"DisplayName", Kind::kString},
    {"Email", Kind::kString},
    {"NumSessions", Kind::kInteger},
    {"NumPages", Kind::kInteger},
    {"NumEvents", Kind::kInteger},
    {"TotalSec", Kind::kInteger},
    {"ActiveSec", Kind::kInteger},
    {"AvgSessionSec", Kind::kNumber},
    {"AvgSessionActiveSec", Kind::kNumber},
    {"MaxSessionSec", Kind::kInteger},
    {"LastSessionNumPages", Kind::kInteger},
    {"LastSessionNumEvents", Kind::kInteger},
    {"LastSessionSec", Kind::kInteger},
    {"LastSessionActiveSec", Kind::kInteger},
    {"LastSessionStart", Kind::kDateTime},
    {"LastPage", Kind::kString},
    {"LastIp", Kind::kString},
    {"LastLatLong", Kind::kString},
    {"LastEventStart", Kind::kDateTime},
    {"LastBrowser", Kind::kString},
    {"LastDevice", Kind::kString},
    {"LastPlatform", Kind::kString},
    {"LastOperatingSystem", Kind::kString},
}};

constexpr FieldDictionary kDataExport{kDataExportFields, {}};
constexpr FieldDictionary kSegmentExport{kSegmentExportFields, {}};
constexpr FieldDictionary kSegmentExportLegacy{kSegmentExportLegacyFields, kLegacyRenames};
constexpr FieldDictionary kIndividuals{kIndividualFields, {}};

}  // namespace

const FieldDictionary& data_export_fields() { return kDataExport; }

const FieldDictionary& segment_export_fields(bool legacy_field_names) {
  return legacy_field_names ? kSegmentExportLegacy : kSegmentExport;
}

const FieldDictionary& individual_fields() { return kIndividuals; }

bool is_documented_field(std::string_view name, const FieldDictionary& dictionary) {
  for (const DocumentedField& field : dictionary.fields) {
    if (name == field.name) return true;
  }
  return false;
}

nlohmann::ordered_json type_of(FieldKind kind) {
  switch (kind) {
    case Kind::kInteger: return {{"type", {"null", "integer"}}};
    case Kind::kNumber: return {{"type", {"null", "number"}}};
    case Kind::kString: return {{"type", {"null", "string"}}};
    case Kind::kDateTime: return {{"type", {"null", "string"}}, {"format", "date-time"}};
  }
  return nlohmann::ordered_json::object();
}

}  // namespace fullstory
