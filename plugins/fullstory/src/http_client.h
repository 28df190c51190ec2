// http_client.h: one keep-alive HTTP(S) connection to one origin (a FullStory API root, or the
// storage host of a signed download URL), with bodies read incrementally from Poco's response
// stream.
//
// Turns Poco's exceptions into the plugin's two kinds of failure: FetchFailure (worth
// another attempt: refused, reset, timed out, cut short) and etl::Error (not worth one:
// the host name does not resolve, the TLS handshake or the certificate failed). Knows nothing of FullStory;
// ApiSession and the APIs on it do. Never prints a request target: a signed URL's query is a credential.
#pragma once

#include <chrono>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPResponse.h>

#include "base_url.h"
#include "cancel_watch.h"
#include "etlhost/plugin.hpp"
#include "tls_context.h"

namespace fullstory {

struct HttpHead {
  int status = 0;
  std::string reason;
  std::string retry_after;       // raw header value, "" when absent
  std::string content_encoding;  // raw header value, "" when absent
  int64_t content_length = -1;   // -1 when not declared (chunked or close-delimited)
  std::string etag;              // raw header values, "" when absent: for resuming with Range
  std::string content_range;
  std::string accept_ranges;
  std::string content_type;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  struct Timeouts {
    std::chrono::seconds connect;
    std::chrono::seconds idle;     // longest wait for the next byte, sending or receiving
    std::chrono::seconds request;  // the deadline of a whole request (see get)
  };

  /// `tls` must outlive the client; nullptr for http:// URLs. `role` names the origin in
  /// messages: "base_url" (a config key: its hints say what to check) or e.g. "the storage host".
  HttpClient(BaseUrl base, const TlsContext* tls, Timeouts timeouts, CancelWatch& watch, std::string role = "base_url");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends GET <path prefix><target> and reads the response head. The body must then be
  /// read with read() or dropped with close(). Throws FetchFailure or etl::Error.
  /// The whole request (head and body) must end within timeouts.request, plus one second
  /// per `earning_bytes_per_second` body bytes received (0: no extension): a big body that
  /// keeps flowing at least that fast earns its time, a trickle fails as kTimeout.
  const HttpHead& get(const std::string& target, const HeaderList& headers, uint64_t earning_bytes_per_second = 0);
  /// As get(), with another method and a JSON request body (sent with Content-Type
  /// application/json and its Content-Length; none when `json_body` is empty).
  const HttpHead& send(const std::string& method, const std::string& target, const HeaderList& headers,
                       const std::string& json_body, uint64_t earning_bytes_per_second = 0);

  /// Reads up to `capacity` body bytes; returns 0 at the end of the body. Throws FetchFailure.
  size_t read(char* buffer, size_t capacity);
  /// At the end of the body: true when the server declared a Content-Length and all of it
  /// arrived; false when it declared none (chunked/close-delimited: completeness unknown).
  /// Throws FetchFailure(truncated) when fewer bytes than declared arrived.
  bool verify_length() const;
  /// Up to `max_bytes` of the body, printable, for an error message; then closes.
  std::string excerpt_and_close(size_t max_bytes);
  /// Drops the connection (after a failure, or to abandon a body).
  void close();

 private:
  struct Request {
    const std::string& method;
    const std::string& path;
    const HeaderList& headers;
    const std::string& json_body;
  };
  const HttpHead& exchange(const Request& request);
  void read_head();
  [[noreturn]] void throw_failure(const char* phase);
  etl::Error host_not_found_error(const std::string& detail) const;
  etl::Error tls_handshake_error(const std::string& detail) const;
  void extend_deadline(size_t reading);
  [[noreturn]] void throw_deadline_passed(const char* phase);

  BaseUrl base_;
  std::string role_;
  const TlsContext* tls_;
  Timeouts timeouts_;
  CancelWatch& watch_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  Poco::Net::HTTPResponse response_;
  std::istream* body_ = nullptr;
  HttpHead head_;
  uint64_t body_bytes_ = 0;
  CancelWatch::Clock::time_point started_;
  uint64_t earning_bytes_per_second_ = 0;
  bool connecting_ = false;  // sendRequest is opening a connection (TCP connect and TLS handshake)
};

}  // namespace fullstory
