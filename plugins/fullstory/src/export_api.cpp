#include "export_api.h"

#include "timestamps.h"

namespace fullstory {

ExportApi::ExportApi(const SourceConfig& config, const TlsContext* tls, const etl::Host& host, CancelWatch& watch)
    : config_(config), host_(host), session_(config, tls, host, watch), pacer_(config.downloads_per_minute) {}

ExportApi::~ExportApi() = default;

etl::Error ExportApi::client_error(Endpoint endpoint, int status, const std::string& where,
                                   const std::string& said) const {
  switch (status) {
    case 401: return key_rejected(where, status);
    case 403:
      return key_lacks_permission(where, status, "Data Export",
                                  " or the account lacks the Data Export add-on (Data Export Pack)");
    case 404:
      if (endpoint == Endpoint::kList) {
        return etl::Error(ETL_E_NOT_FOUND,
                          where + ": the account has no Data Export (the Data Export Pack add-on), or base_url (" +
                              config_.base_url.text() + ") is wrong; the default is " + kDataExportRoot +
                              ". Without the Data Export Pack, set export_api to segment_export: FullStory's "
                              "Segment Export API serves the same events on every plan",
                          status);
      }
      return etl::Error(ETL_E_NOT_FOUND, where + ": the bundle is gone (expired or deleted)" + said, status);
    default: return unexpected_status(where, status, said);
  }
}

void ExportApi::check_status(const HttpHead& head, Endpoint endpoint, const std::string& request) {
  session_.check_status(session_.api(), head, request,
                        [&](int status, const std::string& where, const std::string& said) {
                          return client_error(endpoint, status, where, said);
                        });
}

void ExportApi::wait_for_download_slot() {
  const auto wait = pacer_.wait_before_next(DownloadPacer::Clock::now());
  if (wait.count() > 0) {
    // Proactive pacing to FullStory's published limit. Not charged to max_total_wait_seconds:
    // a year of daily bundles takes hours of it by design.
    const std::string limit = "(limit " + std::to_string(config_.downloads_per_minute) + "/min)";
    host_.debug("waiting " + seconds_text(wait) + " for a download slot " + limit);
    session_.wait_as(ETL_ACTIVITY_WAITING, "waiting for a download slot " + limit, wait);
  }
  pacer_.record_start(DownloadPacer::Clock::now());
}

ExportPage ExportApi::list(int64_t start) {
  const std::string request = "export/list start=" + std::to_string(start) + " (" + format_rfc3339_utc(start) + ")";
  const std::string target = "/api/v1/export/list?start=" + std::to_string(start);
  ExportPage page;
  session_.with_retries(request, [&] {
    host_.activity(ETL_ACTIVITY_WORKING, "listing bundles after " + format_rfc3339_utc(start));
    HttpClient& http = session_.api();
    check_status(http.get(target, session_.api_headers()), Endpoint::kList, request);
    session_.read_small_body(http, request, [&](std::string_view body) { page = parse_export_page(body); });
  });
  return page;
}

void ExportApi::download(const BundleRef& bundle, BodyConsumer& consumer) {
  const std::string request = "export/get id=" + std::to_string(bundle.id);
  const std::string target = "/api/v1/export/get?id=" + std::to_string(bundle.id);
  download_attempts_ = 0;
  session_.with_retries(request, [&] {
    wait_for_download_slot();
    ++download_attempts_;
    host_.activity(ETL_ACTIVITY_WORKING, "downloading bundle " + std::to_string(bundle.id) + " (" +
                                             format_rfc3339_utc(bundle.start) + " to " +
                                             format_rfc3339_utc(bundle.stop) + ")");
    HttpClient& http = session_.api();
    check_status(http.get(target, session_.api_headers(), kDownloadEarnsBytesPerSecond), Endpoint::kGet, request);
    consumer.begin_attempt();
    uint64_t delivered = 0;
    session_.stream_body(http, consumer, delivered);
    consumer.end_of_body(http.verify_length());
  });
}

}  // namespace fullstory
