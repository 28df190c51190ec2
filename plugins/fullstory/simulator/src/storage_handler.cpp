#include "storage_handler.h"

#include <cstdio>
#include <mutex>

#include "byte_range.h"
#include "export_records.h"
#include "fault_responder.h"
#include "http_responses.h"
#include "request_parsing.h"
#include "slow_body.h"
#include "utc_timestamp.h"

namespace fssim {

namespace {

void log_line(const std::string& text) {
  static std::mutex log_mutex;
  const std::lock_guard lock(log_mutex);
  std::fprintf(stderr, "storage: %s\n", text.c_str());
}

// <segmentId>-<YYYYMMDD of the window start, or of creation>.json.gz
std::string file_name(const Export& e) {
  const std::int64_t millis = e.spec.window.start_millis.value_or(unix_millis(e.created));
  const UtcTimestamp timestamp(millis);
  const std::string_view date = timestamp.text();
  const std::string day = std::string(date.substr(0, 4)) + std::string(date.substr(5, 2)) +
                          std::string(date.substr(8, 2));
  const char* extension = e.spec.format == ExportFormat::kCsv      ? ".csv.gz"
                          : e.spec.format == ExportFormat::kNdjson ? ".ndjson.gz"
                                                                   : ".json.gz";
  return e.spec.segment_id + "-" + day + extension;
}

// Why the signed URL is refused, or nothing when it is good.
bool refuse_signature(Exchange& exchange, const SimContext& context, const std::string& id) {
  const auto expires_text = query_parameter(exchange.request, "expires");
  const auto signature = query_parameter(exchange.request, "sig");
  const auto expires = expires_text ? parse_int64(*expires_text) : std::nullopt;
  if (!expires || !signature || !context.signer.verify(id, *expires, *signature)) {
    send_xml_error(exchange, Poco::Net::HTTPResponse::HTTP_FORBIDDEN, "SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you provided.");
    return true;
  }
  if (*expires < unix_millis(SystemClock::now()) / 1000) {
    send_xml_error(exchange, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "ExpiredToken",
                   "The provided token has expired. Request signature expired at: " + *expires_text);
    return true;
  }
  return false;
}

// The whole file (200) or the requested range of it (206), honouring If-Range.
PlannedResponse download_response(const SimContext& context, const Export& e, const BodyFile& body,
                                  const std::optional<ByteRange>& range) {
  const ExportSource source{context.catalog, context.generator};
  PlannedResponse planned;
  planned.content_type = "application/gzip";
  planned.content_disposition = "attachment; filename=\"" + file_name(e) + "\"";
  planned.gzip = true;
  planned.cut_keeps_length = true;
  planned.headers = {{"Accept-Ranges", "bytes"}, {"ETag", body.etag}};
  planned.json = [source, &e](ByteSink& sink) { write_export_records(source, e.spec, sink); };
  // A gzip file is never empty (its header alone is 10 bytes): size - 1 is its last byte.
  const ByteRange part = range.value_or(ByteRange{0, body.size - 1});
  planned.wire_size = part.length();
  planned.wire = [path = body.path, part](ByteSink& sink) {
    copy_file_range_to(path, part.first, part.length(), sink);
  };
  if (!range) return planned;
  planned.status = 206;
  planned.headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                                    std::to_string(range->last) + "/" + std::to_string(body.size));
  return planned;
}

}  // namespace

void StorageHandler::serve(Exchange& exchange) {
  ++context_.stats.storage_requests;
  const std::string id = path_segment_after(exchange.request, "/storage/");
  if (exchange.request.has("Authorization")) {
    ++context_.stats.storage_authorization_rejected;
    log_line("rejected a request for export " + id + " that carried an Authorization header");
    return send_xml_error(exchange, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "InvalidAuthentication",
                          "Authorization header not allowed with a signed URL");
  }
  if (exchange.request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) return send_method_not_allowed(exchange, "GET");
  const Export* e = context_.exports.downloadable(id);
  if (e == nullptr) {
    return send_xml_error(exchange, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "NoSuchKey",
                          "The specified key does not exist.");
  }
  if (refuse_signature(exchange, context_, id)) return;

  const BodyFile body = context_.export_bodies.get(id, ExportSource{context_.catalog, context_.generator}, e->spec);
  const std::string range_header = exchange.request.get("Range", "");
  const bool range_applies = exchange.request.get("If-Range", body.etag) == body.etag;
  RangeRequest range;
  if (!range_header.empty()) {
    ++context_.stats.storage_range_requests;
    log_line("Range " + range_header + " for export " + id);
    if (range_applies) range = parse_range(range_header, body.size);
  }
  if (range.kind == RangeRequest::Kind::kUnsatisfiable) {
    exchange.response.set("Content-Range", "bytes */" + std::to_string(body.size));
    return send_xml_error(exchange, Poco::Net::HTTPResponse::HTTP_REQUESTED_RANGE_NOT_SATISFIABLE, "InvalidRange",
                          "The requested range cannot be satisfied.");
  }
  const PlannedResponse planned = download_response(
      context_, *e, body,
      range.kind == RangeRequest::Kind::kSatisfiable ? std::optional<ByteRange>(range.range) : std::nullopt);
  if (const auto fault = context_.faults.take(Endpoint::kStorage, e->spec.fault_id())) {
    return respond_with_fault(exchange, context_, *fault, Endpoint::kStorage, planned);
  }
  send_response(exchange, context_, planned);
}

}  // namespace fssim
