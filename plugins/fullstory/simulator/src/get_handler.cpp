#include "get_handler.h"

#include "auth.h"
#include "auth_reflection.h"
#include "bundle_json.h"
#include "bundle_writer.h"
#include "fault_responder.h"
#include "http_responses.h"
#include "request_parsing.h"
#include "slow_body.h"

namespace fssim {

namespace {

// Headers and body source for `bundle` under --gzip and the client's Accept-Encoding.
PlannedResponse bundle_response(const SimContext& context, const Bundle& bundle, bool client_accepts_gzip) {
  const GzipMode mode = context.options.gzip;
  PlannedResponse planned;
  planned.gzip = mode != GzipMode::kNone;
  // FullStory answers a gzip-accepting client with a JSON body under Content-Encoding, and
  // anyone else with the gzip file itself as the payload.
  const bool as_content_encoding = mode == GzipMode::kEncoding || (mode == GzipMode::kNegotiate && client_accepts_gzip);
  planned.content_type = planned.gzip && !as_content_encoding ? "application/gzip" : "application/json";
  if (as_content_encoding) planned.content_encoding = "gzip";
  planned.content_disposition = planned.gzip ? R"(attachment; filename="DataExport.json.gz")"
                                             : R"(attachment; filename="DataExport.json")";

  const EventGenerator& generator = context.generator;
  planned.json = [&generator, &bundle](ByteSink& sink) {
    write_bundle_events(generator, bundle, EventFraming::kJsonArray, sink);
  };
  if (context.cache != nullptr) {
    planned.wire = [path = context.cache->path_of(bundle)](ByteSink& sink) { copy_file_to(path, sink); };
    planned.wire_size = context.cache->size_of(bundle);
  } else if (planned.gzip) {
    planned.wire = [&generator, &bundle](ByteSink& sink) { write_gzip_bundle(generator, bundle, sink); };
  } else {
    planned.wire = planned.json;
  }
  return planned;
}

}  // namespace

void GetHandler::serve(Exchange& exchange) {
  ++context_.stats.get_requests;
  if (reflect_authorization(exchange, context_.options.reflect_auth, Endpoint::kGet)) return;
  if (!is_authorized(exchange.request, context_.options.api_key)) return send_unauthorized(exchange);
  if (exchange.request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) return send_method_not_allowed(exchange, "GET");
  const auto id_text = query_parameter(exchange.request, "id");
  const std::optional<std::int64_t> id = id_text ? parse_int64(*id_text) : std::nullopt;
  if (!id) {
    return send_json_error(exchange, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "invalid_argument",
                           "id must be an export id");
  }
  const Bundle* bundle = context_.catalog.find(*id);
  if (bundle == nullptr) {
    return send_json_error(exchange, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "not_found", "export not found");
  }

  const PlannedResponse planned = bundle_response(context_, *bundle, accepts_gzip(exchange.request));
  if (const auto fault = context_.faults.take(Endpoint::kGet, bundle->id)) {
    return respond_with_fault(exchange, context_, *fault, Endpoint::kGet, planned);
  }
  const RateLimiter::Admission admission = context_.rate_limiter.admit();
  if (!admission.granted) return send_too_many_requests(exchange, context_, admission.retry_after);
  send_response(exchange, context_, planned);
  ++context_.stats.get_successes;
}

}  // namespace fssim
