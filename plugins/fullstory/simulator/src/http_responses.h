// http_responses.h: the ways the simulator answers, from JSON errors to cut connections.
#pragma once

#include <chrono>
#include <string_view>

#include <Poco/Net/HTTPResponse.h>

#include "exchange.h"
#include "planned_response.h"
#include "sim_context.h"

namespace fssim {

using HttpStatus = Poco::Net::HTTPResponse::HTTPStatus;

// {"code":..,"message":..}: FullStory's error body.
void send_json_error(Exchange& exchange, HttpStatus status, std::string_view code, std::string_view message);
void send_unauthorized(Exchange& exchange);
void send_method_not_allowed(Exchange& exchange, std::string_view allowed);
void send_text(Exchange& exchange, HttpStatus status, std::string_view content_type, std::string_view body);
// <Error><Code>..</Code><Message>..</Message></Error>: a cloud store's error body.
void send_xml_error(Exchange& exchange, HttpStatus status, std::string_view code, std::string_view message);
// 500 {"code":"server_error",...}: the Segment Export API's 5xx body (with `status`).
void send_server_error(Exchange& exchange, HttpStatus status);

// 429 with Retry-After, body and date format as configured; counted in the stats.
void send_too_many_requests(Exchange& exchange, const SimContext& context, std::chrono::seconds retry_after);
// The Segment Export API's 429: always JSON, Retry-After always in seconds.
void send_api_too_many_requests(Exchange& exchange, const SimContext& context, std::chrono::seconds retry_after);

// A small JSON document sent with Content-Length.
PlannedResponse json_document(std::string body);

// Sends `planned` completely: with Content-Length when its size is known, else chunked.
void send_planned(Exchange& exchange, const PlannedResponse& planned);

// Sets `planned`'s headers and starts a chunked body; returns a sink for its bytes.
OstreamSink start_chunked_body(Exchange& exchange, const PlannedResponse& planned);
// Sets `planned`'s headers and its Content-Length; returns a sink for its bytes.
OstreamSink start_sized_body(Exchange& exchange, const PlannedResponse& planned);

enum class CloseMode {
  kGraceful,  // FIN (after TLS close_notify): the peer sees end-of-stream
  kReset,     // no orderly shutdown; an RST: the peer sees a connection reset or TLS error
};
// Takes the connection away from the HTTP server and closes it: whatever was not sent yet,
// including a chunked body's terminator, never will be.
void close_connection(Exchange& exchange, CloseMode mode);

}  // namespace fssim
