#include "list_handler.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "auth.h"
#include "auth_reflection.h"
#include "bundle_json.h"
#include "fault_responder.h"
#include "http_responses.h"
#include "list_lies.h"
#include "request_parsing.h"
#include "slow_body.h"

namespace fssim {

namespace {

// From ?start=N, or else from a POST body {"start":N}.
std::optional<std::int64_t> requested_start(const Exchange& exchange) {
  if (const auto query = query_parameter(exchange.request, "start")) return parse_int64(*query);
  if (exchange.request.getMethod() != Poco::Net::HTTPRequest::HTTP_POST) return std::nullopt;
  const nlohmann::json body = nlohmann::json::parse(exchange.request_body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("start")) return std::nullopt;
  const nlohmann::json& start = body["start"];
  if (start.is_number_unsigned()) {
    const auto value = start.get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(value);
  }
  if (start.is_number_integer()) return start.get<std::int64_t>();
  return std::nullopt;
}

}  // namespace

void ListHandler::serve(Exchange& exchange) {
  ++context_.stats.list_requests;
  if (reflect_authorization(exchange, context_.options.reflect_auth, Endpoint::kList)) return;
  if (!is_authorized(exchange.request, context_.options.api_key)) return send_unauthorized(exchange);
  const std::string& method = exchange.request.getMethod();
  if (method != Poco::Net::HTTPRequest::HTTP_GET && method != Poco::Net::HTTPRequest::HTTP_POST) {
    return send_method_not_allowed(exchange, "GET, POST");
  }
  const std::optional<std::int64_t> start = requested_start(exchange);
  if (!start) {
    return send_json_error(exchange, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "invalid_argument",
                           "start must be an integer unix timestamp in seconds");
  }
  // The list is a small document known in full: sent with Content-Length.
  const PlannedResponse planned = json_document(export_list_json(
      listed_bundles(context_.catalog, *start, context_.options.list_page_size, context_.options.list_lie)));
  if (const auto fault = context_.faults.take(Endpoint::kList, std::nullopt)) {
    return respond_with_fault(exchange, context_, *fault, Endpoint::kList, planned);
  }
  send_response(exchange, context_, planned);
}

}  // namespace fssim
