#include "http_responses.h"

#include <ostream>
#include <string>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocketImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include "json_writer.h"

namespace fssim {

namespace {

constexpr std::string_view kRateLimitMessage =
    "Too many requests. Client has exceeded the rate limit for this endpoint.";

std::string retry_after_value(RetryAfterFormat format, std::chrono::seconds delay) {
  if (format == RetryAfterFormat::kSeconds) return std::to_string(delay.count());
  const Poco::Timestamp when = Poco::Timestamp() + Poco::Timespan(delay.count(), 0);
  return Poco::DateTimeFormatter::format(when, Poco::DateTimeFormat::HTTP_FORMAT);  // IMF-fixdate
}

void set_headers(Exchange& exchange, const PlannedResponse& planned) {
  Poco::Net::HTTPServerResponse& response = exchange.response;
  response.setStatusAndReason(static_cast<HttpStatus>(planned.status));
  response.setContentType(planned.content_type);
  for (const auto& [name, value] : planned.headers) response.set(name, value);
  if (!planned.content_encoding.empty()) response.set("Content-Encoding", planned.content_encoding);
  if (!planned.content_disposition.empty()) response.set("Content-Disposition", planned.content_disposition);
}

}  // namespace

void send_text(Exchange& exchange, HttpStatus status, std::string_view content_type, std::string_view body) {
  exchange.response.setStatusAndReason(status);
  exchange.response.setContentType(std::string(content_type));
  exchange.response.sendBuffer(body.data(), body.size());
  exchange.body_bytes_sent += body.size();
}

void send_json_error(Exchange& exchange, HttpStatus status, std::string_view code, std::string_view message) {
  std::string body;
  JsonWriter json(body);
  json.begin_object();
  json.member("code", code);
  json.member("message", message);
  json.end_object();
  send_text(exchange, status, "application/json", body);
}

void send_xml_error(Exchange& exchange, HttpStatus status, std::string_view code, std::string_view message) {
  const std::string body = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>" + std::string(code) +
                           "</Code><Message>" + std::string(message) + "</Message></Error>";
  send_text(exchange, status, "application/xml; charset=UTF-8", body);
}

void send_server_error(Exchange& exchange, HttpStatus status) {
  send_json_error(exchange, status, "server_error", "Server error was encountered");
}

PlannedResponse json_document(std::string body) {
  const std::uint64_t size = body.size();
  const BodyProducer write = [body = std::move(body)](ByteSink& sink) { sink.write(body); };
  PlannedResponse planned;
  planned.content_type = "application/json";
  planned.json = write;
  planned.wire = write;
  planned.wire_size = size;
  return planned;
}

void send_unauthorized(Exchange& exchange) {
  send_json_error(exchange, Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized", "access is unauthorized");
}

void send_method_not_allowed(Exchange& exchange, std::string_view allowed) {
  exchange.response.set("Allow", std::string(allowed));
  send_json_error(exchange, Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                  "method not allowed");
}

namespace {

void send_429(Exchange& exchange, const SimContext& context, std::chrono::seconds retry_after, RetryAfterFormat format,
              RateLimitBody body) {
  ++context.stats.rate_limited;
  context.stats.told_to_wait(retry_after);
  exchange.response.set("Retry-After", retry_after_value(format, retry_after));
  const auto status = Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS;
  if (body == RateLimitBody::kJson) {
    send_json_error(exchange, status, "too_many_requests", kRateLimitMessage);
  } else {
    send_text(exchange, status, "text/plain; charset=utf-8", kRateLimitMessage);
  }
}

}  // namespace

void send_too_many_requests(Exchange& exchange, const SimContext& context, std::chrono::seconds retry_after) {
  send_429(exchange, context, retry_after, context.options.retry_after_format, context.options.rate_limit_body);
}

void send_api_too_many_requests(Exchange& exchange, const SimContext& context, std::chrono::seconds retry_after) {
  send_429(exchange, context, retry_after, RetryAfterFormat::kSeconds, RateLimitBody::kJson);
}

OstreamSink start_chunked_body(Exchange& exchange, const PlannedResponse& planned) {
  set_headers(exchange, planned);
  exchange.response.setChunkedTransferEncoding(true);
  return OstreamSink(exchange.response.send(), exchange.body_bytes_sent);
}

OstreamSink start_sized_body(Exchange& exchange, const PlannedResponse& planned) {
  set_headers(exchange, planned);
  exchange.response.setContentLength64(static_cast<Poco::Int64>(planned.wire_size.value()));
  return OstreamSink(exchange.response.send(), exchange.body_bytes_sent);
}

void send_planned(Exchange& exchange, const PlannedResponse& planned) {
  OstreamSink body = planned.wire_size ? start_sized_body(exchange, planned) : start_chunked_body(exchange, planned);
  planned.wire(body);
}

void close_connection(Exchange& exchange, CloseMode mode) {
  // Detached, the socket no longer belongs to Poco's connection loop: it neither finishes the
  // response (its attempt to write the chunked terminator fails and is swallowed) nor waits
  // for another request on this connection.
  auto& request = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(exchange.request);
  Poco::Net::StreamSocket socket = request.detachSocket();
  try {
    if (mode == CloseMode::kReset) {
      socket.setLinger(true, 0);  // close() now discards unsent data and sends RST
      // A TLS socket's close() would first send close_notify, an orderly end; abort() skips it.
      if (auto* tls = dynamic_cast<Poco::Net::SecureStreamSocketImpl*>(socket.impl())) tls->abort();
    }
    socket.close();
  } catch (const Poco::Exception&) {
    // The peer may have gone first; the connection is closed either way.
  }
}

}  // namespace fssim
