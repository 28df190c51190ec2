#include "source_check.h"

#include <algorithm>

#include "cancel_watch.h"
#include "export_api.h"
#include "segment_export_api.h"
#include "timestamps.h"

namespace fullstory {
namespace {

// Enough for a 503 or a reset to pass (two or three backoffs), short enough to answer now.
constexpr std::chrono::seconds kCheckWaitBudget{15};

std::string transport(const TlsContext* tls) {
  if (tls == nullptr) return "plain http (no TLS)";
  return "TLS, certificate verified against " + tls->trust_description();
}

void check_segment_export_access(const SourceConfig& config, const TlsContext* tls, const etl::Host& host) {
  CancelWatch watch(host);  // declared first: outlives the connection it watches
  SegmentExportApi api(config, tls, host, watch);
  api.check_access();
  host.info("check: GET /operations/v1 at " + config.base_url.text() +
            " answered 200: the API key is accepted by the Segment Export API (" +
            (config.base_url_origin.empty() ? std::string("base_url as set") : config.base_url_origin) + "); " +
            transport(tls));
}

}  // namespace

SourceConfig config_for_check(const SourceConfig& config) {
  SourceConfig checking = config;
  checking.max_total_wait = std::min(config.max_total_wait, kCheckWaitBudget);
  checking.connect_retry = std::min(config.connect_retry, kCheckWaitBudget);
  return checking;
}

void check_export_access(const SourceConfig& config, const TlsContext* tls, const etl::Host& host) {
  require_api_key(config);
  if (config.export_api == ExportApiKind::kSegmentExport) return check_segment_export_access(config, tls, host);
  host.debug("check: retry waits are capped at " + std::to_string(kCheckWaitBudget.count()) +
             " s (max_total_wait_seconds and connect_retry_seconds, for this check only)");
  CancelWatch watch(host);  // declared first: outlives the connection it watches
  ExportApi api(config, tls, host, watch);
  const ExportPage page = api.list(config.start_unix);
  std::string listed = std::to_string(page.bundles.size()) + " bundle" + (page.bundles.size() == 1 ? "" : "s") +
                       " listed ending after " + format_rfc3339_utc(config.start_unix);
  if (!page.bundles.empty()) {
    listed += " (first page; the oldest ends " + format_rfc3339_utc(page.bundles.front().stop) + ")";
  }
  host.info("check: export/list at " + config.base_url.text() +
            " answered 200: the API key is accepted and the account has Data Export; " + listed + "; " +
            transport(tls));
}

}  // namespace fullstory
