// segment_export_json.h: the documents of FullStory's Segment Export API: the create request
// we send, and the operation and results answers we read (untrusted: bounded nesting, every
// member checked, hostile values quoted only in part).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "export_window.h"

namespace fullstory {

struct ExportRequest {
  std::string segment_id = "everyone";
  std::string type = "TYPE_EVENT";  // or "TYPE_INDIVIDUAL"
  std::vector<std::string> fields;  // empty: all fields
  ExportWindow window;
};

struct OperationStatus {
  enum class State { kPending, kCompleted, kFailed };
  State state = State::kPending;
  int percent = 0;                 // estimatePctComplete, 0-100
  std::string search_export_id;    // when completed
  std::string error_details;       // when failed
  std::optional<int64_t> expires;  // results.expires, Unix seconds
};

struct ExportResults {
  std::string location;            // the signed URL: a credential, never printed whole
  std::optional<int64_t> expires;  // Unix seconds
};

/// The body of POST /segments/v1/exports: FORMAT_JSON, the window as RFC 3339 UTC, the
/// segment's own time range lifted (""/""), `fields` only when some are named.
std::string create_export_body(const ExportRequest& request);

// Each parser throws etl::Error(ETL_E_INVALID_DATA) naming what it expected and what it
// found. Its message may quote the body: the caller redacts it.
/// {"operationId": "..."}: the id.
std::string parse_create_export_answer(std::string_view body);
/// GET /operations/v1/{id}. Any state but PENDING, COMPLETED and FAILED is an error, as are
/// a type other than SEARCH_EXPORT and a COMPLETED one without results.searchExportId.
OperationStatus parse_operation_status(std::string_view body);
/// GET /search/v1/exports/{id}/results: {"location", "expires"}.
ExportResults parse_export_results(std::string_view body);

}  // namespace fullstory
