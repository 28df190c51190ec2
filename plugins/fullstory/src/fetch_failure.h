// fetch_failure.h: a failed HTTP attempt that may succeed when tried again.
//
// Thrown by the HTTP layer and the body readers; caught by ApiSession's retry loop, which
// waits and retries within the budget, and maps the last one to an ETL_E_* code when the
// budget is spent. Failures that retrying cannot fix are etl::Error instead.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace fullstory {

class FetchFailure : public std::runtime_error {
 public:
  enum class Kind {
    kConnection,   // reset, closed early, a temporary DNS error: ETL_E_IO when retries run out
    kRefused,      // connection refused: retried only for connect_retry_seconds, then ETL_E_IO
    kTimeout,      // connect or idle timeout: ETL_E_TIMEOUT
    kTruncated,    // the body ended before its end: ETL_E_IO
    kServerError,  // HTTP 5xx (and 408): ETL_E_IO
    kRateLimited,  // HTTP 429: ETL_E_RATE_LIMITED
  };

  FetchFailure(Kind kind, const std::string& message, int http_status = 0,
               std::optional<std::chrono::milliseconds> retry_after = std::nullopt)
      : std::runtime_error(message), kind_(kind), http_status_(http_status), retry_after_(retry_after) {}

  Kind kind() const { return kind_; }
  int http_status() const { return http_status_; }
  /// The server's Retry-After, when it sent a usable one.
  const std::optional<std::chrono::milliseconds>& retry_after() const { return retry_after_; }

 private:
  Kind kind_;
  int http_status_;
  std::optional<std::chrono::milliseconds> retry_after_;
};

}  // namespace fullstory
