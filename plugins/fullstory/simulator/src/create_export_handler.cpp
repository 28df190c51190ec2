#include "create_export_handler.h"

#include <algorithm>

#include "export_request.h"
#include "fault_responder.h"
#include "http_responses.h"
#include "json_writer.h"

namespace fssim {

namespace {

// {"start","end","type","format","fields"?}: what /__sim/stats lists per export.
std::string export_summary(const ExportSpec& spec) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.member("start", spec.start_text);
  json.member("end", spec.end_text);
  json.member("type", std::string_view(type_name(spec.type)));
  json.member("format", std::string_view(format_name(spec.format)));
  if (spec.field_names) {
    json.key("fields");
    json.begin_array();
    for (const std::string& name : *spec.field_names) json.string(name);
    json.end_array();
  }
  json.end_object();
  return out;
}

std::string operation_id_json(const Export& created) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.member("operationId", created.operation_id);
  json.end_object();
  return out;
}

}  // namespace

void CreateExportHandler::serve_api(Exchange& exchange) {
  if (exchange.request.getMethod() != Poco::Net::HTTPRequest::HTTP_POST) {
    return send_method_not_allowed(exchange, "POST");
  }
  auto parsed = parse_export_request(exchange.request_body);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return send_json_error(exchange, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "invalid_argument", *error);
  }
  ExportSpec& spec = std::get<ExportSpec>(parsed);
  const auto& segments = context_.options.segments;
  if (std::find(segments.begin(), segments.end(), spec.segment_id) == segments.end()) {
    return send_resource_not_found(exchange, "segment", spec.segment_id);
  }
  if (const auto fault = context_.faults.take(Endpoint::kCreate, spec.fault_id())) {
    return respond_with_fault(exchange, context_, *fault, Endpoint::kCreate, json_document("{\"operationId\":\"\"}"));
  }
  const std::string summary = export_summary(spec);
  const auto fault_id = spec.fault_id();
  const auto fails = [&] { return context_.faults.take_failure(fault_id); };
  std::size_t pending = 0;
  const Export* created = context_.exports.create(std::move(spec), fails, context_.options.max_pending_exports,
                                                  pending);
  if (created == nullptr) return send_api_too_many_requests(exchange, context_, std::chrono::seconds(1));
  context_.stats.record_export(summary, pending);
  exchange.note = created->operation_id;
  send_planned(exchange, json_document(operation_id_json(*created)));
}

}  // namespace fssim
