#include "segment_export_api.h"

#include "content_range.h"
#include "fetch_failure.h"
#include "percent_encoding.h"
#include "timestamps.h"

namespace fullstory {
namespace {

// A signed URL that expired between the results call and the download (or mid-download) is
// replaced by a fresh one; more refusals than this mean the storage host refuses us.
constexpr int kMaxLocationRefreshes = 3;

std::string window_text(const ExportWindow& window) {
  return format_rfc3339_utc(window.start) + " to " + format_rfc3339_utc(window.end);
}

// 401 and 403 read alike on every Segment Export endpoint; the rest is unexpected there.
etl::Error segment_export_error(int status, const std::string& where, const std::string& said) {
  switch (status) {
    case 401: return key_rejected(where, status);
    case 403: return key_lacks_permission(where, status, "Segment Export", said);
    default: return unexpected_status(where, status, said);
  }
}

}  // namespace

/// One download()'s progress across attempts.
struct SegmentExportApi::Download {
  std::string id;       // searchExportId
  std::string request;  // names the download in messages
  std::optional<SignedLocation> location;
  uint64_t delivered = 0;  // body bytes the consumer holds since its last begin_attempt()
  bool resumable = false;  // the consumer's state can go on at `delivered` (a Range request)
  bool ended = false;      // end_of_body() was called: the consumer's state is final
  std::string etag;        // of the body being delivered, for If-Range
  int refreshes = 0;
};

SegmentExportApi::SegmentExportApi(const SourceConfig& config, const TlsContext* tls, const etl::Host& host,
                                   CancelWatch& watch)
    : host_(host), session_(config, tls, host, watch) {}

SegmentExportApi::~SegmentExportApi() = default;

std::string SegmentExportApi::create_export(const ExportRequest& request) {
  const std::string what = "segment export create (segment '" + request.segment_id + "', " + request.type + ", " +
                           window_text(request.window) + ")";
  const std::string body = create_export_body(request);
  const auto client_error = [&](int status, const std::string& where, const std::string& said) {
    if (status == 400) {
      return etl::Error(ETL_E_INVALID_ARGUMENT,
                        where + ": FullStory refused the export request" + said + ". Check segment_id ('" +
                            request.segment_id + "') and export_fields (" + std::to_string(request.fields.size()) +
                            " field" + (request.fields.size() == 1 ? "" : "s") + " named; none means all)",
                        status);
    }
    if (status == 404) {
      return etl::Error(ETL_E_NOT_FOUND,
                        where + ": segment '" + request.segment_id +
                            "' does not exist: check segment_id (the built-in one is everyone)" + said,
                        status);
    }
    return segment_export_error(status, where, said);
  };
  std::string operation_id;
  session_.with_retries(what, [&] {
    host_.activity(ETL_ACTIVITY_WORKING, "creating the segment export of " + window_text(request.window));
    HttpClient& http = session_.api();
    session_.check_status(http, http.send("POST", "/segments/v1/exports", session_.api_headers(), body), what,
                          client_error);
    session_.read_small_body(http, what,
                             [&](std::string_view answer) { operation_id = parse_create_export_answer(answer); });
  });
  return operation_id;
}

void SegmentExportApi::check_access() {
  const std::string what = "list operations (limit 1)";
  session_.with_retries(what, [&] {
    HttpClient& http = session_.api();
    session_.check_status(http, http.get("/operations/v1?limit=1", session_.api_headers()), what, segment_export_error);
    session_.read_small_body(http, what, [](std::string_view) {});
  });
}

OperationStatus SegmentExportApi::operation(const std::string& operation_id) {
  const std::string what = "segment export operation " + operation_id;
  const auto client_error = [&](int status, const std::string& where, const std::string& said) {
    if (status == 404) {
      return etl::Error(ETL_E_NOT_FOUND,
                        where + ": FullStory does not know operation '" + operation_id +
                            "' (operations expire): the export must be created again" + said,
                        status);
    }
    return segment_export_error(status, where, said);
  };
  OperationStatus status;
  session_.with_retries(what, [&] {
    HttpClient& http = session_.api();
    session_.check_status(http, http.get("/operations/v1/" + percent_encoded(operation_id), session_.api_headers()),
                          what, client_error);
    session_.read_small_body(http, what, [&](std::string_view body) { status = parse_operation_status(body); });
  });
  return status;
}

void SegmentExportApi::download(const std::string& search_export_id, BodyConsumer& consumer) {
  Download download;
  download.id = search_export_id;
  download.request = "segment export " + search_export_id + " download";
  download_attempts_ = 0;
  session_.with_retries(download.request, [&] {
    try {
      fetch_file(download, consumer);
    } catch (const FetchFailure&) {
      // What the consumer holds stays valid unless it saw the end: the next attempt asks
      // for the rest only.
      download.resumable = download.delivered > 0 && !download.ended;
      throw;
    }
  });
}

SignedLocation SegmentExportApi::fetch_location(const std::string& search_export_id) {
  const std::string what = "segment export " + search_export_id + " results";
  const auto client_error = [&](int status, const std::string& where, const std::string& said) -> etl::Error {
    if (status == 404) {
      throw ExportGone(where +
                       ": the export's results are gone (expired, or the export never completed); "
                       "the export must be created again" +
                       said);
    }
    return segment_export_error(status, where, said);
  };
  HttpClient& http = session_.api();
  session_.check_status(
      http, http.get("/search/v1/exports/" + percent_encoded(search_export_id) + "/results", session_.api_headers()),
      what, client_error);
  SignedLocation location;
  session_.read_small_body(http, what, [&](std::string_view body) {
    std::string problem;
    const auto parsed = parse_signed_location(parse_export_results(body).location, problem);
    // The URL itself is never quoted: its query is a signature.
    if (!parsed) throw etl::Error(ETL_E_INVALID_DATA, "the export results: the location " + problem);
    location = *parsed;
  });
  for (const std::string& value : location.query_values(etl::kMinSecretLength)) session_.add_secret(value);
  return location;
}

void SegmentExportApi::fetch_file(Download& download, BodyConsumer& consumer) {
  for (;;) {
    if (!download.location) download.location = fetch_location(download.id);
    ++download_attempts_;
    HeaderList headers = session_.anonymous_headers();  // the signature in the URL is the credential
    const std::string from = std::to_string(download.delivered);
    if (download.resumable) {
      headers.emplace_back("Range", "bytes=" + from + "-");
      if (!download.etag.empty()) headers.emplace_back("If-Range", download.etag);
    }
    host_.activity(ETL_ACTIVITY_WORKING,
                   "downloading segment export " + download.id + (download.resumable ? " from byte " + from : ""));
    HttpClient& http = session_.foreign(download.location->origin);
    const HttpHead& head = http.get(download.location->target, headers, kDownloadEarnsBytesPerSecond);
    if (refused_location(download, http, head)) continue;
    if (!start_body(download, head, consumer)) {
      http.close();
      download.resumable = false;  // the server cannot continue this body: from the start
      continue;
    }
    session_.stream_body(http, consumer, download.delivered);
    const bool length_verified = http.verify_length();
    download.ended = true;
    consumer.end_of_body(length_verified);
    return;
  }
}

// An expired or otherwise refused signed URL (storage hosts answer 400, 401 or 403 with an
// XML body such as ExpiredToken; 404 when the object moved): a fresh location from the
// results endpoint continues at the same offset. Returns true when it should be tried.
bool SegmentExportApi::refused_location(Download& download, HttpClient& http, const HttpHead& head) {
  const int status = head.status;
  if (status != 400 && status != 401 && status != 403 && status != 404) return false;
  const std::string said = session_.said_in_body(http);
  const std::string where = download.request + ": the storage host answered HTTP " + std::to_string(status) + " for " +
                            download.location->text() + said;
  if (++download.refreshes > kMaxLocationRefreshes) {
    throw etl::Error(ETL_E_PERMISSION_DENIED,
                     where + ", after " + std::to_string(kMaxLocationRefreshes) +
                         " fresh locations from the results endpoint; the storage host refuses this export's "
                         "signed URLs (a clock far off, or a proxy that alters URLs?)",
                     status);
  }
  host_.warn(where + "; fetching a fresh location (" + std::to_string(download.refreshes) + " of " +
             std::to_string(kMaxLocationRefreshes) + ")");
  download.location.reset();
  return true;
}

// Decides what the answer's body is to the consumer: the whole file (200: start over), the
// rest of it (206 from the offset asked for), or nothing usable. Returns false when the
// download must start over with a plain GET.
bool SegmentExportApi::start_body(Download& download, const HttpHead& head, BodyConsumer& consumer) {
  const std::string offset = std::to_string(download.delivered);
  if (head.status == 200) {
    if (download.resumable) host_.info(download.request + ": the storage host sent the whole file again");
    consumer.begin_attempt();  // the consumer skips what it already emitted (ReplayGuard)
    download.delivered = 0;
    download.ended = false;
    download.etag = head.etag;
    return true;
  }
  if (download.resumable && head.status == 206) {
    const auto range = parse_content_range(head.content_range);
    if (range && range->first == download.delivered) {
      host_.info(download.request + ": resumed at byte " + offset);
      host_.count("range_resumes", 1);
      return true;
    }
    host_.warn(download.request + ": the storage host answered bytes=" + offset + "- with Content-Range '" +
               session_.excerpt(head.content_range, 80, "its value").text + "': downloading from the start");
    return false;
  }
  if (download.resumable && head.status == 416) {
    host_.warn(download.request + ": the storage host cannot resume at byte " + offset +
               " (HTTP 416): downloading from the start");
    return false;
  }
  HttpClient& http = session_.foreign(download.location->origin);
  session_.check_status(http, head, download.request, segment_export_error);
  // A 2xx that is neither: no body this source can use.
  throw unexpected_status(download.request + " answered HTTP " + std::to_string(head.status), head.status,
                          session_.said_in_body(http));
}

}  // namespace fullstory
