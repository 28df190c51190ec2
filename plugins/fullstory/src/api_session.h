// api_session.h: what every FullStory API client shares: the connection to base_url (and to
// another origin, such as a signed download URL's storage host), the retry loop within the
// run-wide wait budget, the handling of the statuses every FullStory API answers alike, and
// the redactor that keeps the API key out of every message.
//
// Each API (ExportApi for Data Export, SegmentExportApi for Segment Export) adds its
// endpoints and its own messages for the 4xx statuses whose causes differ between APIs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "body_consumer.h"
#include "etlhost/redact.h"
#include "http_client.h"
#include "retry_policy.h"
#include "source_config.h"

namespace fullstory {

/// `{"code":"snake_case","message":"..."}`, the error body of FullStory's current APIs.
struct ApiErrorBody {
  std::string code;
  std::string message;
};
/// The error body when `body` is one (both members strings), else nullopt.
std::optional<ApiErrorBody> parse_api_error_body(std::string_view body);

class ApiSession {
 public:
  /// Builds the error for a 4xx answer other than 408 and 429 (which are transient for every
  /// API). `where` is "<request> answered HTTP 404 Not Found"; `said` is what the server said,
  /// redacted and bounded ("; FullStory says: code: message" or "; the body says: ..."), or "".
  using ClientError = std::function<etl::Error(int status, const std::string& where, const std::string& said)>;

  /// `tls` (null for plain http) is the source's and must outlive the session.
  ApiSession(const SourceConfig& config, const TlsContext* tls, const etl::Host& host, CancelWatch& watch);
  ~ApiSession();
  ApiSession(const ApiSession&) = delete;
  ApiSession& operator=(const ApiSession&) = delete;

  /// The connection to base_url.
  HttpClient& api() { return api_; }
  /// A connection to `origin` (another host than base_url), kept while calls name the same
  /// origin. An https origin uses the source's TlsContext (ca_file applies), else its own.
  HttpClient& foreign(const BaseUrl& origin);
  /// Authorization (the key), User-Agent and Accept-Encoding: for the API's own endpoints.
  const HeaderList& api_headers() const { return api_headers_; }
  /// The same without Authorization: for a signed URL, whose credential is in its query.
  const HeaderList& anonymous_headers() const { return anonymous_headers_; }

  /// Runs `attempt` until it returns, retrying FetchFailures with backoff (or Retry-After)
  /// within max_attempts, connect_retry_seconds and max_total_wait_seconds. Anything else
  /// it throws ends the request. `request` names it in warnings and the final error.
  void with_retries(const std::string& request, const std::function<void()>& attempt);
  /// Returns on a 2xx. Throws FetchFailure for 429, 408 and 5xx (Retry-After honoured), and
  /// `client_error`'s error for any other status (after reading an excerpt of the body).
  void check_status(HttpClient& http, const HttpHead& head, const std::string& request,
                    const ClientError& client_error);
  /// What an error body says, for a message ("; FullStory says: code: message" for the
  /// current APIs' {code, message}, "; the body says: <excerpt>" otherwise), redacted; closes.
  std::string said_in_body(HttpClient& http);
  /// Reads a small (at most 4 MiB decoded) body whole and hands it to `parse`. An error from
  /// `parse` is INVALID_DATA when the body provably arrived whole, else a cut body (retried).
  void read_small_body(HttpClient& http, const std::string& request,
                       const std::function<void(std::string_view)>& parse);

  /// Feeds the rest of the body to `consumer` (not end_of_body), adding each chunk to
  /// `delivered` as it is consumed, and to the host's bytes_downloaded counter.
  void stream_body(HttpClient& http, BodyConsumer& consumer, uint64_t& delivered);

  /// Sleeps `wait`, shown to the host as `activity` (ETL_ACTIVITY_WAITING / _RETRYING).
  void wait_as(uint32_t activity, const std::string& what, std::chrono::milliseconds wait);
  /// Time this session spent waiting for the API so far (pacing and retry backoff).
  std::chrono::milliseconds waited() const { return waited_; }

  /// Keeps `secret` (e.g. a signed URL's signature) out of every later message, like the key.
  void add_secret(std::string_view secret) { redactor_.add(secret); }
  /// `text` with the API key replaced (or withheld whole, the notice naming `what`).
  std::string redacted(std::string_view text, std::string_view what = "the error") const;
  /// Up to `max_bytes` of what a server sent, redacted: for quoting it in a message.
  etl::Redacted excerpt(std::string_view text, size_t max_bytes, std::string_view what) const;
  const etl::Host& host() const { return host_; }
  const SourceConfig& config() const { return config_; }

 private:
  void close_all();

  const SourceConfig& config_;
  const etl::Host& host_;
  const TlsContext* tls_;
  CancelWatch& watch_;
  etl::Redactor redactor_{"the API key"};  // everything the server says passes it before it is printed
  HttpClient api_;
  std::unique_ptr<TlsContext> foreign_tls_;  // made on the first https origin when the source has none
  std::unique_ptr<HttpClient> foreign_;
  std::string foreign_origin_;  // foreign_'s origin, as BaseUrl::text() shows it
  HeaderList api_headers_;
  HeaderList anonymous_headers_;
  RetryPolicy policy_;
  WaitBudget budget_;
  std::mt19937_64 random_;
  std::vector<char> buffer_;
  std::chrono::milliseconds waited_{0};
};

// The client errors whose wording all FullStory APIs share. `where` as ClientError's.
/// 401: the key (or how it is sent) is wrong.
etl::Error key_rejected(const std::string& where, int status);
/// 403: `api` ("Data Export") needs an Admin or Architect key; `also` names other causes.
etl::Error key_lacks_permission(const std::string& where, int status, const std::string& api, const std::string& also);
/// Any status the API does not document for the call.
etl::Error unexpected_status(const std::string& where, int status, const std::string& said);

/// "12.5 s": a wait as the progress line and the messages show it.
std::string seconds_text(std::chrono::milliseconds ms);

}  // namespace fullstory
