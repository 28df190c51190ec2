// segment_export_api.h: FullStory's current Segment Export API, on ApiSession's retries:
// create an export of one time window, poll its operation, and stream the file its signed
// `location` points to (no Authorization there), resuming a cut download with Range.
//
// Polling cadence and the windows themselves are the caller's (the sync loop); this class
// makes one call per method and says what FullStory answered.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "api_session.h"
#include "body_consumer.h"
#include "segment_export_json.h"
#include "signed_location.h"
#include "source_config.h"

namespace fullstory {

/// Thrown by download() when the export's results are gone (404 from the results endpoint
/// after completion, e.g. expired): the caller creates the export again.
class ExportGone : public etl::Error {
 public:
  explicit ExportGone(const std::string& message) : etl::Error(ETL_E_NOT_FOUND, message, 404) {}
};

class SegmentExportApi {
 public:
  /// `base_url` is the API root (https://api.fullstory.com). `tls` as for ExportApi.
  SegmentExportApi(const SourceConfig& config, const TlsContext* tls, const etl::Host& host, CancelWatch& watch);
  ~SegmentExportApi();
  SegmentExportApi(const SegmentExportApi&) = delete;
  SegmentExportApi& operator=(const SegmentExportApi&) = delete;

  /// GET /operations/v1?limit=1: the cheapest request that proves the address, TLS and the
  /// key (etlhost check). Throws what the other calls would.
  void check_access();
  /// Starts an export; returns its operationId.
  std::string create_export(const ExportRequest& request);
  /// One poll of the operation.
  OperationStatus operation(const std::string& operation_id);
  /// Streams the completed export's file into `consumer`: results -> location -> GET.
  void download(const std::string& search_export_id, BodyConsumer& consumer);

  std::chrono::milliseconds waited() const { return session_.waited(); }
  /// The storage requests the last download() made, failed and resumed ones included.
  int last_download_attempts() const { return download_attempts_; }

 private:
  struct Download;  // one download()'s progress: where the body stands, the location, the ETag

  SignedLocation fetch_location(const std::string& search_export_id);
  void fetch_file(Download& download, BodyConsumer& consumer);
  bool start_body(Download& download, const HttpHead& head, BodyConsumer& consumer);
  bool refused_location(Download& download, HttpClient& http, const HttpHead& head);

  const etl::Host& host_;
  ApiSession session_;
  int download_attempts_ = 0;
};

}  // namespace fullstory
