#include "results_handler.h"

#include "fault_responder.h"
#include "http_responses.h"
#include "json_writer.h"
#include "request_parsing.h"
#include "rfc3339.h"

namespace fssim {

namespace {

// http(s)://HOST:PORT/storage/<id>?expires=<unix s>&sig=<hex>, on the address the request
// came in on.
std::string location_of(const Exchange& exchange, const SimContext& context, const std::string& id,
                        std::int64_t expires) {
  const std::string scheme = context.options.tls() ? "https" : "http";
  const std::string port = std::to_string(exchange.request.serverAddress().port());
  return scheme + "://" + context.options.host + ":" + port + "/storage/" + id + "?expires=" + std::to_string(expires) +
         "&sig=" + context.signer.signature(id, expires);
}

std::string results_json(const std::string& location, std::int64_t expires) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  json.member("location", location);
  json.member("expires", rfc3339_text(expires * 1000));
  json.end_object();
  return out;
}

}  // namespace

void ResultsHandler::serve_api(Exchange& exchange) {
  ++context_.stats.results_requests;
  if (exchange.request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) return send_method_not_allowed(exchange, "GET");
  const std::string id = path_segment_after(exchange.request, "/search/v1/exports/");
  const Export* e = context_.exports.downloadable(id);
  if (e == nullptr) return send_resource_not_found(exchange, "search export", id);

  const auto fault = context_.faults.take(Endpoint::kResults, e->spec.fault_id());
  const bool expired = fault && fault->kind == Fault::Kind::kExpired;
  const std::int64_t now = unix_millis(SystemClock::now()) / 1000;
  // An expired location is one whose lifetime ended a moment ago.
  const std::int64_t expires = expired ? now - 1 : now + context_.options.location_ttl_seconds;
  const PlannedResponse planned = json_document(results_json(location_of(exchange, context_, id, expires), expires));
  if (fault) return respond_with_fault(exchange, context_, *fault, Endpoint::kResults, planned);
  send_planned(exchange, planned);
}

}  // namespace fssim
