#include "api_session.h"

#include <cstdio>

#include "body_decoder.h"
#include "fetch_failure.h"
#include "untrusted_json.h"

namespace fullstory {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxSmallBodyBytes = 4 << 20;  // list pages, operations: a few KB; anything huge is wrong
constexpr size_t kExcerptBytes = 300;
// An error body is read this far and checked whole for the key before the excerpt is cut:
// an echo of the key across the cut would otherwise print its first part.
constexpr size_t kErrorBodyBytes = 4096;
constexpr size_t kRetryAfterEchoBytes = 40;
constexpr size_t kReasonEchoBytes = 200;
// {"code","message"} is flat: anything nested deeper is not one, and is not parsed further.
constexpr int kMaxErrorBodyDepth = 4;

// "HTTP 503", or the kind of a failure without a status ("a timeout"), for the progress line.
std::string failure_name(const FetchFailure& failure) {
  if (failure.http_status() != 0) return "HTTP " + std::to_string(failure.http_status());
  switch (failure.kind()) {
    case FetchFailure::Kind::kTimeout: return "a timeout";
    case FetchFailure::Kind::kTruncated: return "a cut-short body";
    default: return "a connection failure";
  }
}

etl_status exhausted_code(FetchFailure::Kind kind) {
  switch (kind) {
    case FetchFailure::Kind::kRateLimited: return ETL_E_RATE_LIMITED;
    case FetchFailure::Kind::kTimeout: return ETL_E_TIMEOUT;
    default: return ETL_E_IO;
  }
}

// Collects a small decoded body with a size cap.
class CappedStringSink final : public ByteSink {
 public:
  CappedStringSink(std::string& out, const std::string& request) : out_(out), request_(request) {}
  void write(const char* data, size_t size) override {
    if (out_.size() + size > kMaxSmallBodyBytes) {
      throw etl::Error(ETL_E_INVALID_DATA, request_ + " answered with a body larger than 4 MiB");
    }
    out_.append(data, size);
  }

 private:
  std::string& out_;
  const std::string& request_;
};

// A piece of what the server sent, as a message shows it: between `open` and `close`, or in
// parentheses the notice that it was withheld.
std::string shown(const etl::Redacted& part, const std::string& open, const std::string& close = "") {
  return part.withheld ? "(" + part.text + ")" : open + part.text + close;
}

HeaderList without_authorization(HeaderList headers) {
  std::erase_if(headers, [](const auto& header) { return header.first == "Authorization"; });
  return headers;
}

}  // namespace

std::string seconds_text(std::chrono::milliseconds ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

std::optional<ApiErrorBody> parse_api_error_body(std::string_view body) {
  const nlohmann::json json = parse_untrusted_json(body, kMaxErrorBodyDepth);
  if (!json.is_object()) return std::nullopt;
  const auto code = json.find("code");
  const auto message = json.find("message");
  if (code == json.end() || message == json.end() || !code->is_string() || !message->is_string()) return std::nullopt;
  return ApiErrorBody{code->get<std::string>(), message->get<std::string>()};
}

etl::Error key_rejected(const std::string& where, int status) {
  return etl::Error(ETL_E_UNAUTHENTICATED,
                    where + ": FullStory rejected the API key. Check api_key (or FULLSTORY_API_KEY); it is sent "
                            "as 'Authorization: Basic <key>' with the key exactly as FullStory shows it (not base64)",
                    status);
}

etl::Error key_lacks_permission(const std::string& where, int status, const std::string& api, const std::string& also) {
  return etl::Error(ETL_E_PERMISSION_DENIED,
                    where + ": the API key lacks permission (" + api + " needs an Admin or Architect key)" + also,
                    status);
}

etl::Error unexpected_status(const std::string& where, int status, const std::string& said) {
  return etl::Error(ETL_E_IO, where + ", which this source does not expect" + said, status);
}

ApiSession::ApiSession(const SourceConfig& config, const TlsContext* tls, const etl::Host& host, CancelWatch& watch)
    : config_(config),
      host_(host),
      tls_(tls),
      watch_(watch),
      api_(config.base_url, config.base_url.tls ? tls : nullptr,
           HttpClient::Timeouts{config.connect_timeout, config.idle_timeout, config.request_timeout}, watch),
      api_headers_{{"Authorization", "Basic " + config.api_key},  // FullStory's scheme: the key itself, not base64
                   {"User-Agent", config.user_agent},
                   {"Accept-Encoding", "gzip"}},
      anonymous_headers_(without_authorization(api_headers_)),
      policy_(config.max_attempts, config.retry_base_delay, config.retry_max_delay),
      budget_(config.max_total_wait),
      random_(std::random_device{}()),
      buffer_(kReadChunk) {
  redactor_.add(config.api_key);
  if (!config.base_url.tls && !config.base_url.is_loopback()) {
    host_.warn("base_url " + config.base_url.text() + " is plain http: the API key crosses the network unencrypted");
  }
}

ApiSession::~ApiSession() = default;

HttpClient& ApiSession::foreign(const BaseUrl& origin) {
  if (foreign_ && foreign_origin_ == origin.text()) return *foreign_;
  const TlsContext* tls = tls_;
  if (origin.tls && tls == nullptr) {
    if (!foreign_tls_) foreign_tls_ = std::make_unique<TlsContext>(config_.ca_file);
    tls = foreign_tls_.get();
  }
  foreign_.reset();
  foreign_ = std::make_unique<HttpClient>(
      origin, origin.tls ? tls : nullptr,
      HttpClient::Timeouts{config_.connect_timeout, config_.idle_timeout, config_.request_timeout}, watch_,
      "the storage host");
  foreign_origin_ = origin.text();
  return *foreign_;
}

void ApiSession::close_all() {
  api_.close();
  if (foreign_) foreign_->close();
}

void ApiSession::with_retries(const std::string& request, const std::function<void()>& attempt) {
  std::chrono::milliseconds waited{0};
  std::chrono::milliseconds waited_on_refusals{0};  // connect_retry_seconds bounds it
  for (int attempt_number = 1;; ++attempt_number) {
    try {
      attempt();
      return;
    } catch (const FetchFailure& failure) {
      close_all();
      host_.throw_if_cancelled();  // a stop request shuts the socket: that is no failure
      const std::string last_error = redacted(failure.what());
      const auto give_up = [&](const std::string& why) {
        return etl::Error(exhausted_code(failure.kind()),
                          request + ": gave up after " + std::to_string(attempt_number) + " attempt" +
                              (attempt_number == 1 ? "" : "s") + " and " + seconds_text(waited) + " of waiting (" +
                              why + "); last error: " + last_error,
                          failure.http_status());
      };
      if (attempt_number >= policy_.max_attempts()) {
        throw give_up("max_attempts is " + std::to_string(policy_.max_attempts()));
      }
      const bool server_said = failure.retry_after().has_value();
      const std::chrono::milliseconds wait =
          server_said ? *failure.retry_after()
                      : policy_.backoff(attempt_number, std::uniform_real_distribution<double>(0.0, 1.0)(random_));
      if (failure.kind() == FetchFailure::Kind::kRefused) {
        // Nothing listens there: a server restarting is back in seconds, a wrong port never.
        if (config_.connect_retry.count() == 0 || waited_on_refusals + wait > config_.connect_retry) {
          throw give_up("connect_retry_seconds is " + std::to_string(config_.connect_retry.count()) +
                        "; check base_url's port, or raise connect_retry_seconds if the server is restarting");
        }
        waited_on_refusals += wait;
      }
      if (!budget_.allows(wait)) {
        throw give_up("the next wait of " + seconds_text(wait) + (server_said ? " (Retry-After)" : "") +
                      " would exceed max_total_wait_seconds: " + seconds_text(budget_.spent()) + " of " +
                      seconds_text(budget_.total()) + " already spent in this run");
      }
      host_.warn(request + ": attempt " + std::to_string(attempt_number) + " of " +
                 std::to_string(policy_.max_attempts()) + " failed: " + last_error + "; retrying in " +
                 seconds_text(wait) + (server_said ? " (Retry-After)" : ""));
      host_.count("http_retries", 1);
      if (failure.kind() == FetchFailure::Kind::kRateLimited) host_.count("rate_limit_waits", 1);
      budget_.spend(wait);
      waited += wait;
      wait_as(ETL_ACTIVITY_RETRYING, "retrying " + request + " after " + failure_name(failure), wait);
    } catch (...) {
      close_all();  // a fatal error mid-body leaves the connection unusable
      throw;
    }
  }
}

std::string ApiSession::said_in_body(HttpClient& http) {
  const std::string raw = http.excerpt_and_close(kErrorBodyBytes);
  const etl::Redacted body = excerpt(raw, kExcerptBytes, "the body");
  // A body that holds the key in any form is withheld whole, {code, message} or not.
  if (const auto error = body.withheld ? std::nullopt : parse_api_error_body(raw)) {
    const etl::Redacted said = excerpt(error->code + ": " + error->message, kExcerptBytes, "the error body");
    return "; " + shown(said, "FullStory says: ");
  }
  return body.text.empty() ? "" : "; " + shown(body, "the body says: ");
}

void ApiSession::check_status(HttpClient& http, const HttpHead& head, const std::string& request,
                              const ClientError& client_error) {
  const int status = head.status;
  if (status >= 200 && status < 300) return;
  // A server or proxy may echo the request's Authorization header anywhere it writes text.
  const etl::Redacted reason = excerpt(head.reason, kReasonEchoBytes, "the reason phrase");
  const std::string status_text = "HTTP " + std::to_string(status) +
                                  (reason.text.empty() ? "" : " " + shown(reason, ""));

  if (status == 429) {
    http.close();
    const auto retry_after = parse_retry_after(head.retry_after, std::chrono::system_clock::now());
    const etl::Redacted value = excerpt(head.retry_after, kRetryAfterEchoBytes, "its value");
    const std::string told = head.retry_after.empty() ? "no Retry-After"
                             : retry_after            ? "Retry-After: " + head.retry_after
                                                      : "unusable Retry-After " + shown(value, "'", "'");
    throw FetchFailure(FetchFailure::Kind::kRateLimited, status_text + " (" + told + ")", status, retry_after);
  }
  const std::string said = said_in_body(http);
  if (status >= 500 || status == 408) {
    // A 503 may carry Retry-After too (RFC 9110); honour it when it parses.
    throw FetchFailure(FetchFailure::Kind::kServerError, status_text + said, status,
                       parse_retry_after(head.retry_after, std::chrono::system_clock::now()));
  }
  throw client_error(status, request + " answered " + status_text, said);
}

void ApiSession::read_small_body(HttpClient& http, const std::string& request,
                                 const std::function<void(std::string_view)>& parse) {
  std::string body;
  CappedStringSink sink(body, request);
  BodyDecoder decoder(sink);
  bool complete = false;
  try {
    for (size_t n; (n = http.read(buffer_.data(), buffer_.size())) > 0;) decoder.write(buffer_.data(), n);
    complete = http.verify_length();
    decoder.finish();
    complete = complete || decoder.gzip_layers() > 0;  // a gzip trailer proves the body arrived whole
    parse(body);
  } catch (const FetchFailure&) {
    throw;
  } catch (const std::exception& e) {
    // Without a Content-Length we cannot tell a cut transfer from a bad document; a small
    // call is cheap and emits nothing, so ask again.
    // The parser's message quotes the body ("last read: ..."): an echo of the key, maybe.
    if (complete) throw etl::Error(ETL_E_INVALID_DATA, request + ": " + redacted(e.what()));
    throw FetchFailure(FetchFailure::Kind::kTruncated, std::string("unusable body (cut short?): ") + e.what());
  }
}

void ApiSession::stream_body(HttpClient& http, BodyConsumer& consumer, uint64_t& delivered) {
  for (size_t n; (n = http.read(buffer_.data(), buffer_.size())) > 0;) {
    host_.count("bytes_downloaded", static_cast<int64_t>(n));
    consumer.consume(buffer_.data(), n);
    delivered += n;
  }
}

void ApiSession::wait_as(uint32_t activity, const std::string& what, std::chrono::milliseconds wait) {
  const auto until = std::chrono::system_clock::now() + wait;
  host_.activity(activity, what,
                 std::chrono::duration_cast<std::chrono::milliseconds>(until.time_since_epoch()).count());
  host_.sleep_for(wait);
  waited_ += wait;
}

std::string ApiSession::redacted(std::string_view text, std::string_view what) const {
  return redactor_.redact(text, what).text;
}

etl::Redacted ApiSession::excerpt(std::string_view text, size_t max_bytes, std::string_view what) const {
  return redactor_.excerpt(text, max_bytes, what);
}

}  // namespace fullstory
