// export_api.h: FullStory's legacy Data Export API (export/list, export/get) with its
// rules: Basic auth with the bare key, pacing of downloads, retries within a run-wide
// budget, and error messages that name the likely cause of each HTTP status.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "download_pacer.h"
#include "etlhost/redact.h"
#include "export_list.h"
#include "http_client.h"
#include "retry_policy.h"
#include "source_config.h"

namespace fullstory {

/// Receives one export/get body as it arrives. A retried download starts over with
/// begin_attempt(); the consumer decides what the repeated bytes mean (see ReplayGuard).
class BodyConsumer {
 public:
  virtual ~BodyConsumer() = default;
  virtual void begin_attempt() = 0;
  virtual void consume(const char* data, size_t size) = 0;
  /// `length_verified`: the server declared a Content-Length and all of it arrived, so an
  /// incomplete document is the server's fault (malformed), not the network's (truncated).
  virtual void end_of_body(bool length_verified) = 0;
};

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
  std::chrono::milliseconds waited() const { return waited_; }
  /// The requests the last download() made: a 503 or 429 counts, as a cut body does.
  int last_download_attempts() const { return download_attempts_; }

 private:
  enum class Endpoint { kList, kGet };

  void with_retries(const std::string& request, const std::function<void()>& attempt);
  void check_status(const HttpHead& head, Endpoint endpoint, const std::string& request);
  void wait_for_download_slot();
  /// Sleeps `wait`, shown to the host as `activity` (ETL_ACTIVITY_WAITING / _RETRYING).
  void wait_as(uint32_t activity, const std::string& what, std::chrono::milliseconds wait);

  const SourceConfig& config_;
  const etl::Host& host_;
  etl::Redactor redactor_{"the API key"};  // everything the server says passes it before it is printed
  HttpClient http_;
  HeaderList headers_;
  RetryPolicy policy_;
  WaitBudget budget_;
  DownloadPacer pacer_;
  std::mt19937_64 random_;
  std::vector<char> buffer_;
  std::chrono::milliseconds waited_{0};
  int download_attempts_ = 0;
};

}  // namespace fullstory
