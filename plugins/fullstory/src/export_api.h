// export_api.h: FullStory's legacy Data Export API (export/list, export/get) with its
// rules: Basic auth with the bare key, pacing of downloads, retries within a run-wide
// budget (ApiSession), and error messages that name the likely cause of each HTTP status.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "api_session.h"
#include "body_consumer.h"
#include "download_pacer.h"
#include "export_list.h"
#include "http_client.h"
#include "source_config.h"

namespace fullstory {

class ExportApi {
 public:
  /// `tls` (null for plain http) is the source's, made at create() so a bad ca_file is a
  /// config error; it must outlive this object.
  ExportApi(const SourceConfig& config, const TlsContext* tls, const etl::Host& host, CancelWatch& watch);
  ~ExportApi();
  ExportApi(const ExportApi&) = delete;
  ExportApi& operator=(const ExportApi&) = delete;

  /// One page: bundles whose Stop is after `start` (Unix seconds), oldest first.
  ExportPage list(int64_t start);
  /// Streams bundle `bundle` into `consumer`, retrying as needed.
  void download(const BundleRef& bundle, BodyConsumer& consumer);
  /// Time this run spent waiting for the API so far: download pacing and retry backoff.
  /// A bundle's own time is its elapsed time less what this grew by meanwhile.
  std::chrono::milliseconds waited() const { return session_.waited(); }
  /// The requests the last download() made: a 503 or 429 counts, as a cut body does.
  int last_download_attempts() const { return download_attempts_; }

 private:
  enum class Endpoint { kList, kGet };

  etl::Error client_error(Endpoint endpoint, int status, const std::string& where, const std::string& said) const;
  void check_status(const HttpHead& head, Endpoint endpoint, const std::string& request);
  void wait_for_download_slot();

  const SourceConfig& config_;
  const etl::Host& host_;
  ApiSession session_;
  DownloadPacer pacer_;
  int download_attempts_ = 0;
};

}  // namespace fullstory
