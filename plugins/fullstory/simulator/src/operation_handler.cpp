#include "operation_handler.h"

#include <Poco/URI.h>

#include "fault_responder.h"
#include "http_responses.h"
#include "json_writer.h"
#include "request_parsing.h"
#include "rfc3339.h"

namespace fssim {

namespace {

constexpr std::string_view kFailure = "export failed: internal error preparing the export";

std::string_view state_name(ExportState state) {
  switch (state) {
    case ExportState::kPending: return "PENDING";
    case ExportState::kCompleted: return "COMPLETED";
    case ExportState::kFailed: return "FAILED";
  }
  return "?";
}

std::string operation_json(const ExportRegistry& exports, const Export& e, SystemClock::time_point now) {
  const ExportState state = exports.state(e, now);
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.member("id", e.operation_id);
  json.member("type", std::string_view("SEARCH_EXPORT"));
  json.member("state", state_name(state));
  json.member("createdAt", rfc3339_text(unix_millis(e.created)));
  json.member("estimatePctComplete", exports.percent_complete(e, now));
  if (state != ExportState::kPending) json.member("finishedAt", rfc3339_text(unix_millis(e.finished)));
  if (state == ExportState::kFailed) json.member("errorDetails", kFailure);
  if (state == ExportState::kCompleted) {
    json.key("results");
    json.begin_object();
    json.member("searchExportId", e.search_export_id);
    json.member("expires", rfc3339_text(unix_millis(exports.expires(e))));
    json.end_object();
  }
  json.end_object();
  return out;
}

}  // namespace

void OperationHandler::serve_api(Exchange& exchange) {
  if (exchange.request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) return send_method_not_allowed(exchange, "GET");
  if (Poco::URI(exchange.request.getURI()).getPath() == "/operations/v1") {
    // Listing operations is what clients use to probe a key (etlhost check, Segment's
    // destination): the simulator answers the shape with an empty first page.
    ++context_.stats.operation_lists;
    return send_planned(exchange, json_document(R"({"operations":[],"nextPaginationToken":""})"));
  }
  ++context_.stats.operation_polls;
  const std::string id = path_segment_after(exchange.request, "/operations/v1/");
  const Export* e = context_.exports.by_operation(id);
  if (e == nullptr) return send_resource_not_found(exchange, "operation", id);
  const PlannedResponse planned = json_document(operation_json(context_.exports, *e, SystemClock::now()));
  if (const auto fault = context_.faults.take(Endpoint::kOperation, e->spec.fault_id())) {
    return respond_with_fault(exchange, context_, *fault, Endpoint::kOperation, planned);
  }
  send_planned(exchange, planned);
}

}  // namespace fssim
