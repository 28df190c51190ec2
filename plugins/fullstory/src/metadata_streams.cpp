#include "metadata_streams.h"

#include <array>

namespace fullstory {
namespace {

using json = nlohmann::ordered_json;

// Every property is nullable: FullStory leaves members out or sends null where unset.
json text() { return {{"type", {"null", "string"}}}; }
json flag() { return {{"type", {"null", "boolean"}}}; }
json integer() { return {{"type", {"null", "integer"}}}; }
json instant() { return {{"type", {"null", "string"}}, {"format", "date-time"}}; }
// An object whose members are FullStory's or the customer's to choose: every one reaches the
// target (2.0 listed three sample user properties and its transformer dropped the rest).
json open_object() { return {{"type", {"null", "object"}}, {"additionalProperties", true}}; }
json object_of(json properties) {
  return {{"type", {"null", "object"}}, {"properties", std::move(properties)}, {"additionalProperties", true}};
}
json array_of(json items) { return {{"type", {"null", "array"}}, {"items", std::move(items)}}; }

json user_fields() {
  return {{"id", text()},
          {"uid", text()},
          {"display_name", text()},
          {"email", text()},
          {"is_being_deleted", flag()},
          {"properties", open_object()},
          {"schema", open_object()},          // 2.0 said string: the API sends an object
          {"type_conflicts", open_object()},  // likewise
          {"app_url", text()}};
}

json segment_fields() {
  return {{"id", text()}, {"name", text()}, {"creator", text()}, {"created", instant()}, {"url", text()}};
}

// What every settings object carries, copied to the top level as tap-fullstory 2.0 does.
json with_settings_metadata(json fields) {
  fields["lastUpdated"] = instant();
  fields["created"] = instant();
  fields["createdBy"] = text();
  fields["metadata"] = object_of(
      {{"lastUpdated", instant()}, {"lastUpdatedBy", text()}, {"created", instant()}, {"createdBy", text()}});
  return fields;
}

json blocking_fields() {
  return with_settings_metadata(
      {{"blockedIps", array_of(text())}, {"blockedUas", array_of(text())}, {"blockedAppIds", array_of(text())}});
}

json domain_fields() {
  return with_settings_metadata({{"onlyRecordKnownDomains", flag()},
                                 {"domains", array_of(object_of({{"domain", text()}, {"disabled", flag()}}))}});
}

json geo_fields() { return with_settings_metadata({{"recordGeoMode", text()}, {"recordGeoZones", array_of(text())}}); }

json privacy_fields() {
  const json element_block = object_of({{"selector", text()},
                                        {"consent", flag()},
                                        {"notes", text()},
                                        {"type", text()},
                                        {"scope", text()},
                                        {"lastUpdated", instant()},
                                        {"label", text()},
                                        {"targetingConditions", open_object()},
                                        {"editable", text()},
                                        {"exceptionSelectors", array_of(text())},
                                        {"groupId", integer()}});
  const json ajax_watch = object_of({{"urlRegex", text()},
                                     {"recordReq", text()},
                                     {"recordRsp", text()},
                                     {"whitelistReq", text()},
                                     {"whitelistRsp", text()}});
  return with_settings_metadata({{"elementBlocks", array_of(element_block)},
                                 {"ajaxWatches", array_of(ajax_watch)},
                                 {"discardIpAddresses", flag()},
                                 {"defaultPrivacyMode", text()},
                                 {"elementRuleGroups", open_object()}});
}

json features_fields() {
  return with_settings_metadata({{"enabled", flag()},
                                 {"consoleWatcher", flag()},
                                 {"ajaxWatcher", flag()},
                                 {"resourceUploading", flag()},
                                 {"recordingShutoff", flag()},
                                 {"clientSideRageClick", flag()}});
}

json targeting_fields() {
  // The conditions' members are not documented precisely: kept whole.
  return with_settings_metadata({{"sessionTargetingRules", array_of(open_object())}});
}

constexpr const char* kSnakeAndCamel[2] = {"nextPaginationToken", "next_pagination_token"};

constexpr MetadataStream current(const char* name, const char* path, bool admin_only, json (*fields)()) {
  return {name, path, MetadataShape::kSingleton, nullptr, nullptr, {nullptr, nullptr}, 0, admin_only, nullptr, fields};
}

constexpr MetadataStream history(const char* name, const char* path, bool admin_only, json (*fields)(),
                                 const char* legacy_name = nullptr) {
  return {name,
          path,
          MetadataShape::kHistory,
          "versions",
          "paginationToken",
          {kSnakeAndCamel[0], kSnakeAndCamel[1]},
          100,
          admin_only,
          legacy_name,
          fields};
}

// No `user` child stream (2.0's GET /v2/users/{id} per user): with include_schema the list
// returns the same User objects, so it would cost a request per user for nothing.
constexpr std::array kStreams{
    MetadataStream{"users",
                   "/v2/users",
                   MetadataShape::kPagedList,
                   "results",
                   "page_token",
                   {"next_page_token", nullptr},
                   0,
                   false,
                   nullptr,
                   user_fields},
    MetadataStream{"segments",
                   "/segments/v1",
                   MetadataShape::kPagedList,
                   "segments",
                   "paginationToken",
                   {kSnakeAndCamel[0], kSnakeAndCamel[1]},
                   100,
                   false,
                   nullptr,
                   segment_fields},
    current("block_rules", "/settings/recording/v1/blocking", false, blocking_fields),
    history("block_rules_history", "/settings/recording/v1/blocking/history", false, blocking_fields),
    current("domain_settings", "/settings/recording/v1/domain", false, domain_fields),
    history("domain_settings_history", "/settings/recording/v1/domain/history", false, domain_fields),
    current("geo_settings", "/settings/recording/v1/geo", false, geo_fields),
    history("geo_settings_history", "/settings/recording/v1/geo/history", false, geo_fields),
    current("privacy_settings", "/settings/recording/v1/privacy", true, privacy_fields),
    history("privacy_settings_history", "/settings/recording/v1/privacy/history", true, privacy_fields),
    current("recording_features", "/settings/recording/v1/features", false, features_fields),
    history("recording_features_history", "/settings/recording/v1/features/history", false, features_fields),
    current("target_rules", "/settings/recording/v1/targeting", false, targeting_fields),
    // 2.0 named it target_rule_history: its bookmark carries on under the name that matches the rest.
    history("target_rules_history", "/settings/recording/v1/targeting/history", false, targeting_fields,
            "target_rule_history"),
};

json key_properties(const MetadataStream& stream) {
  if (!is_incremental(stream)) return json::array({"id"});
  return json::array({"created", "createdBy", "lastUpdated"});
}

json schema_message(const MetadataStream& stream) {
  return {{"schema", {{"type", "object"}, {"properties", stream.fields()}, {"additionalProperties", true}}},
          {"key_properties", key_properties(stream)},
          {"bookmark_properties", is_incremental(stream) ? json::array({"lastUpdated"}) : json::array()}};
}

// metadata.<member> when it is a string, else null.
json from_metadata(const json& object, const char* member) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return nullptr;
  const auto value = metadata->find(member);
  return value != metadata->end() && value->is_string() ? *value : json(nullptr);
}

}  // namespace

std::span<const MetadataStream> metadata_streams() { return kStreams; }

bool is_incremental(const MetadataStream& stream) { return stream.shape != MetadataShape::kPagedList; }

bool is_automatic_property(const MetadataStream& stream, std::string_view property) {
  for (const auto& key : key_properties(stream)) {
    if (key.get<std::string>() == property) return true;
  }
  return is_incremental(stream) && property == "lastUpdated";
}

std::string metadata_schema_message(const MetadataStream& stream) { return schema_message(stream).dump(); }

std::string metadata_catalog_message(const MetadataStream& stream) {
  json message = schema_message(stream);
  json entries = json::array();
  entries.push_back({{"breadcrumb", json::array()},
                     {"metadata",
                      {{"inclusion", "available"},
                       {"selected-by-default", false},
                       {"forced-replication-method", is_incremental(stream) ? "INCREMENTAL" : "FULL_TABLE"},
                       {"valid-replication-keys", message["bookmark_properties"]},
                       {"table-key-properties", message["key_properties"]}}}});
  for (const auto& [name, type] : message["schema"]["properties"].items()) {
    entries.push_back({{"breadcrumb", {"properties", name}},
                       {"metadata",
                        {{"inclusion", is_automatic_property(stream, name) ? "automatic" : "available"},
                         {"selected-by-default", true}}}});
  }
  message["metadata"] = std::move(entries);
  return message.dump();
}

std::string metadata_record(const MetadataStream& stream, const nlohmann::ordered_json& object,
                            const std::set<std::string>& deselected) {
  json record = json::object();
  for (const auto& [name, value] : object.items()) {
    if (deselected.count(name) == 0) record[name] = value;
  }
  if (is_incremental(stream)) {  // the settings streams
    for (const char* member : {"lastUpdated", "created", "createdBy"}) {
      if (deselected.count(member) == 0) record[member] = from_metadata(object, member);
    }
  }
  return record.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace fullstory
