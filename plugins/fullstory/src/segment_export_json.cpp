#include "segment_export_json.h"

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"
#include "timestamps.h"
#include "untrusted_json.h"

namespace fullstory {
namespace {

// The answers are two levels deep ({"results":{"searchExportId"}}); a little slack for
// members this source ignores (Airbyte's schema lists a "details" object).
constexpr int kMaxAnswerDepth = 8;

[[noreturn]] void reject(std::string_view document, const std::string& problem) {
  throw etl::Error(ETL_E_INVALID_DATA, std::string(document) + ": " + problem);
}

nlohmann::json parse_object(std::string_view body, std::string_view document) {
  nlohmann::json json = parse_untrusted_json(body, kMaxAnswerDepth);
  if (json.is_discarded()) {
    reject(document, "expected a JSON object, found " + std::to_string(body.size()) +
                         " bytes that are not JSON (or nest deeper than " + std::to_string(kMaxAnswerDepth) +
                         " levels)");
  }
  if (!json.is_object()) reject(document, "expected a JSON object, found " + json_excerpt(json));
  return json;
}

// The string member `name`; nullopt when absent or null, an error when of another type.
std::optional<std::string> string_member(const nlohmann::json& object, const char* name, std::string_view document) {
  const auto member = object.find(name);
  if (member == object.end() || member->is_null()) return std::nullopt;
  if (!member->is_string())
    reject(document, std::string("expected \"") + name + "\" to be a string, found " + json_excerpt(*member));
  return member->get<std::string>();
}

std::optional<int64_t> time_member(const nlohmann::json& object, const char* name, std::string_view document) {
  const auto text = string_member(object, name, document);
  if (!text || text->empty()) return std::nullopt;
  const auto seconds = parse_rfc3339(*text);
  if (!seconds) {
    reject(document, std::string("expected \"") + name + "\" to be an RFC 3339 date-time, found " +
                         json_excerpt(nlohmann::json(*text)));
  }
  return seconds;
}

int percent_member(const nlohmann::json& object, std::string_view document) {
  const auto member = object.find("estimatePctComplete");
  if (member == object.end() || member->is_null()) return 0;
  if (!member->is_number_integer() || member->get<int64_t>() < 0 || member->get<int64_t>() > 100) {
    reject(document, "expected \"estimatePctComplete\" to be an integer from 0 to 100, found " + json_excerpt(*member));
  }
  return member->get<int>();
}

void read_results(const nlohmann::json& operation, OperationStatus& status, std::string_view document) {
  const auto results = operation.find("results");
  if (results == operation.end() || !results->is_object()) {
    reject(document, "state COMPLETED without a \"results\" object (found " +
                         (results == operation.end() ? std::string("none") : json_excerpt(*results)) + ")");
  }
  const auto id = string_member(*results, "searchExportId", document);
  if (!id || id->empty()) reject(document, "state COMPLETED without results.searchExportId");
  status.search_export_id = *id;
  status.expires = time_member(*results, "expires", document);
}

}  // namespace

std::string create_export_body(const ExportRequest& request) {
  nlohmann::ordered_json body = {
      {"segmentId", request.segment_id},
      {"type", request.type},
      {"format", "FORMAT_JSON"},  // the same JSON array the Data Export bundles are
      {"timeRange",
       {{"start", format_rfc3339_utc(request.window.start)}, {"end", format_rfc3339_utc(request.window.end)}}},
      {"segmentTimeRange", {{"start", ""}, {"end", ""}}},  // the window alone selects the events
  };
  if (!request.fields.empty()) body["fields"] = request.fields;
  return body.dump();
}

std::string parse_create_export_answer(std::string_view body) {
  constexpr std::string_view kDocument = "the create-export answer";
  const nlohmann::json json = parse_object(body, kDocument);
  const auto id = string_member(json, "operationId", kDocument);
  if (!id || id->empty()) reject(kDocument, "expected {\"operationId\":\"...\"}, found no operationId");
  return *id;
}

OperationStatus parse_operation_status(std::string_view body) {
  constexpr std::string_view kDocument = "the operation";
  const nlohmann::json json = parse_object(body, kDocument);
  const auto type = string_member(json, "type", kDocument);
  if (type != "SEARCH_EXPORT") {
    reject(kDocument, "expected type SEARCH_EXPORT, found " +
                          (type ? json_excerpt(nlohmann::json(*type)) : std::string("no type")));
  }
  const auto state = string_member(json, "state", kDocument);
  OperationStatus status;
  status.percent = percent_member(json, kDocument);
  if (state == "PENDING") {
    status.state = OperationStatus::State::kPending;
  } else if (state == "COMPLETED") {
    status.state = OperationStatus::State::kCompleted;
    read_results(json, status, kDocument);
  } else if (state == "FAILED") {
    status.state = OperationStatus::State::kFailed;
    status.error_details = string_member(json, "errorDetails", kDocument).value_or("");
  } else {
    // A state this source does not know may be final or not: waiting on it could be forever.
    reject(kDocument, "expected state PENDING, COMPLETED or FAILED, found " +
                          (state ? json_excerpt(nlohmann::json(*state)) : std::string("no state")) +
                          ", which this source does not know; it may need an update");
  }
  return status;
}

ExportResults parse_export_results(std::string_view body) {
  constexpr std::string_view kDocument = "the export results";
  const nlohmann::json json = parse_object(body, kDocument);
  ExportResults results;
  const auto location = string_member(json, "location", kDocument);
  // Never quoted: a location is a signed URL.
  if (!location || location->empty()) reject(kDocument, "expected {\"location\":\"<URL>\"}, found no location");
  results.location = *location;
  results.expires = time_member(json, "expires", kDocument);
  return results;
}

}  // namespace fullstory
