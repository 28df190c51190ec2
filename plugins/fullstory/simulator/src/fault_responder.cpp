#include "fault_responder.h"

#include "gzip_sink.h"
#include "http_responses.h"

namespace fssim {

namespace {

// Follows the cut-off JSON. A raw control byte is invalid anywhere in JSON, inside a string
// or not, so no parser can mistake the result for a document.
constexpr std::string_view kGarbage = "\x01<<corrupted by fullstory-sim>>";

// The JSON error body FullStory (or the proxy in front of it) sends with each status.
// The Segment Export API's bodies: {"code","message"} with its own codes; storage's in XML.
void send_segment_status_fault(Exchange& exchange, const SimContext& context, int status, Endpoint endpoint) {
  const auto http_status = static_cast<HttpStatus>(status);
  if (endpoint == Endpoint::kStorage) {
    if (status == 429) exchange.response.set("Retry-After", "1");
    switch (status) {
      case 401: return send_xml_error(exchange, http_status, "AuthenticationRequired", "Authentication required.");
      case 403: return send_xml_error(exchange, http_status, "AccessDenied", "Access denied.");
      case 404: return send_xml_error(exchange, http_status, "NoSuchKey", "The specified key does not exist.");
      case 429: return send_xml_error(exchange, http_status, "SlowDown", "Please reduce your request rate.");
      default: return send_xml_error(exchange, http_status, "InternalError", "We encountered an internal error.");
    }
  }
  switch (status) {
    case 429: return send_api_too_many_requests(exchange, context, std::chrono::seconds(1));
    case 401: return send_unauthorized(exchange);
    case 403: return send_json_error(exchange, http_status, "forbidden", "insufficient permissions");
    case 404: return send_json_error(exchange, http_status, "resource_not_found", "resource not found");
    default: return send_server_error(exchange, http_status);
  }
}

void send_status_fault(Exchange& exchange, const SimContext& context, int status, Endpoint endpoint) {
  if (endpoint != Endpoint::kList && endpoint != Endpoint::kGet) {
    return send_segment_status_fault(exchange, context, status, endpoint);
  }
  const auto http_status = static_cast<HttpStatus>(status);
  switch (status) {
    // The shortest legal Retry-After, so clients under test retry without long sleeps.
    case 429: return send_too_many_requests(exchange, context, std::chrono::seconds(1));
    case 401: return send_unauthorized(exchange);
    case 403: return send_json_error(exchange, http_status, "forbidden", "insufficient permissions");
    case 404:
      return endpoint == Endpoint::kList
                 ? send_json_error(exchange, http_status, "not_found", "Data Export is not enabled for this account")
                 : send_json_error(exchange, http_status, "not_found", "export not found");
    case 502: return send_json_error(exchange, http_status, "bad_gateway", "bad gateway");
    case 503: return send_json_error(exchange, http_status, "unavailable", "service temporarily unavailable");
    case 504: return send_json_error(exchange, http_status, "gateway_timeout", "gateway timeout");
    default: return send_json_error(exchange, http_status, "internal", "internal server error");
  }
}

// Feeds the first `limit` bytes of `producer` into `sink`.
void write_prefix(const BodyProducer& producer, std::uint64_t limit, ByteSink& sink) {
  CutSink cut(sink, limit);
  try {
    producer(cut);
  } catch (const CutReached&) {
    // planned: the rest is never produced
  }
}

std::uint64_t size_of(const BodyProducer& producer) {
  CountingSink counter;
  producer(counter);
  return counter.count();
}

// Headers and the first half of the body, flushed onto the wire (as chunks, unless the cut
// must keep its Content-Length).
void send_first_half(Exchange& exchange, const PlannedResponse& planned) {
  const std::uint64_t half = (planned.wire_size ? *planned.wire_size : size_of(planned.wire)) / 2;
  OstreamSink body = planned.cut_keeps_length && planned.wire_size ? start_sized_body(exchange, planned)
                                                                   : start_chunked_body(exchange, planned);
  write_prefix(planned.wire, half, body);
  body.flush();
}

// A 200 with the planned headers whose JSON stops halfway into garbage, encoded like the real
// body, so the transport (and gzip) is sound and only the JSON parser can notice.
void send_malformed(Exchange& exchange, const PlannedResponse& planned) {
  const std::uint64_t half = size_of(planned.json) / 2;
  OstreamSink body = start_chunked_body(exchange, planned);
  const auto write_broken_json = [&](ByteSink& sink) {
    write_prefix(planned.json, half, sink);
    sink.write(kGarbage);
  };
  if (planned.gzip) {
    GzipSink gzip(body);
    write_broken_json(gzip);
    gzip.finish();
  } else {
    write_broken_json(body);
  }
}

}  // namespace

void respond_with_fault(Exchange& exchange, const SimContext& context, const Fault& fault, Endpoint endpoint,
                        const PlannedResponse& planned) {
  ++context.stats.faults_injected;
  exchange.note = "fault " + fault.name();
  switch (fault.kind) {
    case Fault::Kind::kStatus: send_status_fault(exchange, context, fault.status, endpoint); return;
    case Fault::Kind::kReset: close_connection(exchange, CloseMode::kReset); return;
    case Fault::Kind::kTruncate:
      send_first_half(exchange, planned);
      close_connection(exchange, CloseMode::kGraceful);
      return;
    case Fault::Kind::kStall:
      send_first_half(exchange, planned);
      context.shutdown.wait_for(std::chrono::seconds(context.options.stall_seconds));
      close_connection(exchange, CloseMode::kGraceful);
      return;
    case Fault::Kind::kMalformed: send_malformed(exchange, planned); return;
    case Fault::Kind::kFailed:
    case Fault::Kind::kExpired:
      // Not request faults: the export's and the results handler's own business.
      send_planned(exchange, planned);
      return;
  }
}

}  // namespace fssim
