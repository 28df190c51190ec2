#include "api_handler.h"

#include "auth.h"
#include "http_responses.h"

namespace fssim {

void ApiHandler::serve(Exchange& exchange) {
  context_.stats.note_api_request();
  if (uses_bearer(exchange.request)) ++context_.stats.bearer_requests;
  if (!is_authorized(exchange.request, context_.options.api_key)) return send_unauthorized(exchange);
  const RateLimiter::Admission admission = context_.api_rate_limiter.admit();
  if (!admission.granted) return send_api_too_many_requests(exchange, context_, admission.retry_after);
  serve_api(exchange);
}

void send_resource_not_found(Exchange& exchange, std::string_view what, std::string_view id) {
  send_json_error(exchange, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "resource_not_found",
                  std::string(what) + " '" + std::string(id) + "' not found");
}

}  // namespace fssim
