#include "admin_handlers.h"

#include "http_responses.h"

namespace fssim {

void StatsHandler::serve(Exchange& exchange) {
  send_text(exchange, Poco::Net::HTTPResponse::HTTP_OK, "application/json", context_.stats.to_json());
}

void HealthHandler::serve(Exchange& exchange) {
  send_text(exchange, Poco::Net::HTTPResponse::HTTP_OK, "text/plain", "ok");
}

void NotFoundHandler::serve(Exchange& exchange) {
  send_json_error(exchange, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "not_found", "no such endpoint");
}

}  // namespace fssim
