#include "export_api.h"

#include <cstdio>

#include "body_decoder.h"
#include "fetch_failure.h"
#include "timestamps.h"

namespace fullstory {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxListBodyBytes = 4 << 20;  // 20 entries are < 2 KB; anything huge is wrong
constexpr size_t kExcerptBytes = 300;
// An error body is read this far and checked whole for the key before the excerpt is cut:
// an echo of the key across the cut would otherwise print its first part.
constexpr size_t kErrorBodyBytes = 4096;
constexpr size_t kRetryAfterEchoBytes = 40;
constexpr size_t kReasonEchoBytes = 200;

// "HTTP 503", or the kind of a failure without a status ("a timeout"), for the progress line.
std::string failure_name(const FetchFailure& failure) {
  if (failure.http_status() != 0) return "HTTP " + std::to_string(failure.http_status());
  switch (failure.kind()) {
    case FetchFailure::Kind::kTimeout: return "a timeout";
    case FetchFailure::Kind::kTruncated: return "a cut-short body";
    default: return "a connection failure";
  }
}

std::string seconds_text(std::chrono::milliseconds ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

etl_status exhausted_code(FetchFailure::Kind kind) {
  switch (kind) {
    case FetchFailure::Kind::kRateLimited: return ETL_E_RATE_LIMITED;
    case FetchFailure::Kind::kTimeout: return ETL_E_TIMEOUT;
    default: return ETL_E_IO;
  }
}

// Collects a small decoded body (export/list) with a size cap.
class CappedStringSink final : public ByteSink {
 public:
  explicit CappedStringSink(std::string& out) : out_(out) {}
  void write(const char* data, size_t size) override {
    if (out_.size() + size > kMaxListBodyBytes) {
      throw etl::Error(ETL_E_INVALID_DATA, "export/list answered with a body larger than 4 MiB");
    }
    out_.append(data, size);
  }

 private:
  std::string& out_;
};

// A piece of what the server sent, as a message shows it: between `open` and `close`, or in
// parentheses the notice that it was withheld.
std::string shown(const etl::Redacted& part, const std::string& open, const std::string& close = "") {
  return part.withheld ? "(" + part.text + ")" : open + part.text + close;
}

}  // namespace

ExportApi::ExportApi(const SourceConfig& config, const TlsContext* tls, const etl::Host& host, CancelWatch& watch)
    : config_(config),
      host_(host),
      http_(config.base_url, tls,
            HttpClient::Timeouts{config.connect_timeout, config.idle_timeout, config.request_timeout}, watch),
      headers_{{"Authorization", "Basic " + config.api_key},  // FullStory's scheme: the key itself, not base64
               {"User-Agent", config.user_agent},
               {"Accept-Encoding", "gzip"}},
      policy_(config.max_attempts, config.retry_base_delay, config.retry_max_delay),
      budget_(config.max_total_wait),
      pacer_(config.downloads_per_minute),
      random_(std::random_device{}()),
      buffer_(kReadChunk) {
  redactor_.add(config.api_key);
  if (!config.base_url.tls && !config.base_url.is_loopback()) {
    host_.warn("base_url " + config.base_url.text() + " is plain http: the API key crosses the network unencrypted");
  }
}

ExportApi::~ExportApi() = default;

void ExportApi::with_retries(const std::string& request, const std::function<void()>& attempt) {
  std::chrono::milliseconds waited{0};
  std::chrono::milliseconds waited_on_refusals{0};  // connect_retry_seconds bounds it
  for (int attempt_number = 1;; ++attempt_number) {
    try {
      attempt();
      return;
    } catch (const FetchFailure& failure) {
      http_.close();
      host_.throw_if_cancelled();  // a stop request shuts the socket: that is no failure
      const std::string last_error = redactor_.redact(failure.what(), "the error").text;
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
      http_.close();  // a fatal error mid-body leaves the connection unusable
      throw;
    }
  }
}

void ExportApi::check_status(const HttpHead& head, Endpoint endpoint, const std::string& request) {
  const int status = head.status;
  if (status >= 200 && status < 300) return;
  // A server or proxy may echo the request's Authorization header anywhere it writes text.
  const etl::Redacted reason = redactor_.excerpt(head.reason, kReasonEchoBytes, "the reason phrase");
  const std::string status_text = "HTTP " + std::to_string(status) +
                                  (reason.text.empty() ? "" : " " + shown(reason, ""));

  if (status == 429) {
    http_.close();
    const auto retry_after = parse_retry_after(head.retry_after, std::chrono::system_clock::now());
    const etl::Redacted value = redactor_.excerpt(head.retry_after, kRetryAfterEchoBytes, "its value");
    const std::string told = head.retry_after.empty() ? "no Retry-After"
                             : retry_after            ? "Retry-After: " + head.retry_after
                                                      : "unusable Retry-After " + shown(value, "'", "'");
    throw FetchFailure(FetchFailure::Kind::kRateLimited, status_text + " (" + told + ")", status, retry_after);
  }
  const etl::Redacted body = redactor_.excerpt(http_.excerpt_and_close(kErrorBodyBytes), kExcerptBytes, "the body");
  const std::string excerpt = body.text.empty() ? "" : "; " + shown(body, "the body says: ");
  if (status >= 500 || status == 408) {
    // A 503 may carry Retry-After too (RFC 9110); honour it when it parses.
    throw FetchFailure(FetchFailure::Kind::kServerError, status_text + excerpt, status,
                       parse_retry_after(head.retry_after, std::chrono::system_clock::now()));
  }
  const std::string where = request + " answered " + status_text;
  switch (status) {
    case 401:
      throw etl::Error(ETL_E_UNAUTHENTICATED,
                       where +
                           ": FullStory rejected the API key. Check api_key (or FULLSTORY_API_KEY); it is sent "
                           "as 'Authorization: Basic <key>' with the key exactly as FullStory shows it (not base64)",
                       status);
    case 403:
      throw etl::Error(ETL_E_PERMISSION_DENIED,
                       where + ": the API key lacks permission (Data Export needs an Admin or Architect key) or the "
                               "account lacks the Data Export add-on (Data Export Pack)",
                       status);
    case 404:
      if (endpoint == Endpoint::kList) {
        throw etl::Error(ETL_E_NOT_FOUND,
                         where + ": the account has no Data Export (the Data Export Pack add-on), or base_url (" +
                             config_.base_url.text() + ") is wrong; the default is https://export.fullstory.com",
                         status);
      }
      throw etl::Error(ETL_E_NOT_FOUND, where + ": the bundle is gone (expired or deleted)" + excerpt, status);
    default: throw etl::Error(ETL_E_IO, where + ", which this source does not expect" + excerpt, status);
  }
}

void ExportApi::wait_for_download_slot() {
  const auto wait = pacer_.wait_before_next(DownloadPacer::Clock::now());
  if (wait.count() > 0) {
    // Proactive pacing to FullStory's published limit. Not charged to max_total_wait_seconds:
    // a year of daily bundles takes hours of it by design.
    const std::string limit = "(limit " + std::to_string(config_.downloads_per_minute) + "/min)";
    host_.debug("waiting " + seconds_text(wait) + " for a download slot " + limit);
    wait_as(ETL_ACTIVITY_WAITING, "waiting for a download slot " + limit, wait);
  }
  pacer_.record_start(DownloadPacer::Clock::now());
}

void ExportApi::wait_as(uint32_t activity, const std::string& what, std::chrono::milliseconds wait) {
  const auto until = std::chrono::system_clock::now() + wait;
  host_.activity(activity, what,
                 std::chrono::duration_cast<std::chrono::milliseconds>(until.time_since_epoch()).count());
  host_.sleep_for(wait);
  waited_ += wait;
}

ExportPage ExportApi::list(int64_t start) {
  const std::string request = "export/list start=" + std::to_string(start) + " (" + format_rfc3339_utc(start) + ")";
  const std::string target = "/api/v1/export/list?start=" + std::to_string(start);
  ExportPage page;
  with_retries(request, [&] {
    host_.activity(ETL_ACTIVITY_WORKING, "listing bundles after " + format_rfc3339_utc(start));
    const HttpHead& head = http_.get(target, headers_);
    check_status(head, Endpoint::kList, request);
    std::string body;
    CappedStringSink sink(body);
    BodyDecoder decoder(sink);
    bool complete = false;
    try {
      for (size_t n; (n = http_.read(buffer_.data(), buffer_.size())) > 0;) decoder.write(buffer_.data(), n);
      complete = http_.verify_length();
      decoder.finish();
      complete = complete || decoder.gzip_layers() > 0;  // a gzip trailer proves the body arrived whole
      page = parse_export_page(body);
    } catch (const FetchFailure&) {
      throw;
    } catch (const std::exception& e) {
      // Without a Content-Length we cannot tell a cut transfer from a bad document; a list
      // call is cheap and emits nothing, so ask again.
      // The parser's message quotes the body ("last read: ..."): an echo of the key, maybe.
      if (complete) throw etl::Error(ETL_E_INVALID_DATA, request + ": " + redactor_.redact(e.what(), "the error").text);
      throw FetchFailure(FetchFailure::Kind::kTruncated, std::string("unusable body (cut short?): ") + e.what());
    }
  });
  return page;
}

void ExportApi::download(const BundleRef& bundle, BodyConsumer& consumer) {
  const std::string request = "export/get id=" + std::to_string(bundle.id);
  const std::string target = "/api/v1/export/get?id=" + std::to_string(bundle.id);
  download_attempts_ = 0;
  with_retries(request, [&] {
    wait_for_download_slot();
    ++download_attempts_;
    host_.activity(ETL_ACTIVITY_WORKING, "downloading bundle " + std::to_string(bundle.id) + " (" +
                                             format_rfc3339_utc(bundle.start) + " to " +
                                             format_rfc3339_utc(bundle.stop) + ")");
    const HttpHead& head = http_.get(target, headers_, kDownloadEarnsBytesPerSecond);
    check_status(head, Endpoint::kGet, request);
    consumer.begin_attempt();
    for (size_t n; (n = http_.read(buffer_.data(), buffer_.size())) > 0;) {
      host_.count("bytes_downloaded", static_cast<int64_t>(n));
      consumer.consume(buffer_.data(), n);
    }
    consumer.end_of_body(http_.verify_length());
  });
}

}  // namespace fullstory
