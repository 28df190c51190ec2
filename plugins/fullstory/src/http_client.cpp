#include "http_client.h"

#include <cstdio>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Timespan.h>

#include "etlhost/plugin.hpp"
#include "fetch_failure.h"

namespace fullstory {
namespace {

Poco::Timespan timespan(std::chrono::seconds s) { return Poco::Timespan(static_cast<long>(s.count()), 0); }

// The end of every permanent failure's message, so the user knows waiting will not help.
constexpr const char* kNotRetried = ". Not retried: another attempt cannot fix this";

}  // namespace

HttpClient::HttpClient(BaseUrl base, const TlsContext* tls, Timeouts timeouts, CancelWatch& watch, std::string role)
    : base_(std::move(base)), role_(std::move(role)), tls_(tls), timeouts_(timeouts), watch_(watch) {}

HttpClient::~HttpClient() { close(); }

void HttpClient::close() {
  watch_.disarm();  // before the descriptor is closed: see CancelWatch::arm
  body_ = nullptr;
  if (session_) {
    try {
      session_->reset();
    } catch (...) {  // closing a broken socket may complain; there is nothing left to save
    }
    session_.reset();
  }
}

const HttpHead& HttpClient::get(const std::string& target, const HeaderList& headers,
                                uint64_t earning_bytes_per_second) {
  return send(Poco::Net::HTTPRequest::HTTP_GET, target, headers, "", earning_bytes_per_second);
}

const HttpHead& HttpClient::send(const std::string& method, const std::string& target, const HeaderList& headers,
                                 const std::string& json_body, uint64_t earning_bytes_per_second) {
  earning_bytes_per_second_ = earning_bytes_per_second;
  const std::string path = base_.path_prefix + target;
  const Request request{method, path, headers, json_body};
  if (body_ != nullptr && !body_->eof()) close();  // an unread body: the connection is unusable
  const bool reused = session_ && session_->connected();
  try {
    return exchange(request);
  } catch (const FetchFailure& failure) {
    // A server may close an idle keep-alive connection just as we reuse it. That is not a
    // failed attempt: try once more on a fresh connection before reporting anything.
    if (!reused || failure.kind() != FetchFailure::Kind::kConnection) throw;
    return exchange(request);
  }
}

const HttpHead& HttpClient::exchange(const Request& request) {
  watch_.disarm();  // sendRequest may reconnect, closing the descriptor the watch knows
  if (!session_) {
    if (tls_ != nullptr) {
      session_ = std::make_unique<Poco::Net::HTTPSClientSession>(base_.host, base_.port, tls_->context());
    } else {
      session_ = std::make_unique<Poco::Net::HTTPClientSession>(base_.host, base_.port);
    }
    session_->setTimeout(timespan(timeouts_.connect), timespan(timeouts_.idle), timespan(timeouts_.idle));
    session_->setKeepAlive(true);
  }
  Poco::Net::HTTPRequest message(request.method, request.path, Poco::Net::HTTPMessage::HTTP_1_1);
  message.setKeepAlive(true);
  for (const auto& [name, value] : request.headers) message.set(name, value);
  if (!request.json_body.empty()) {
    message.setContentType("application/json");
    message.setContentLength64(static_cast<Poco::Int64>(request.json_body.size()));
  }

  body_ = nullptr;
  body_bytes_ = 0;
  started_ = CancelWatch::Clock::now();
  TlsContext::clear_verify_failure();
  connecting_ = !session_->connected();
  try {
    // Connects and handshakes when needed (connect_timeout bounds it).
    std::ostream& out = session_->sendRequest(message);
    watch_.arm(session_->socket().impl()->sockfd(), started_ + timeouts_.request);
    connecting_ = false;
    if (!request.json_body.empty()) {
      out.write(request.json_body.data(), static_cast<std::streamsize>(request.json_body.size()));
      out.flush();
      if (!out) throw Poco::Net::NetException("sending the request body failed");
    }
    response_ = Poco::Net::HTTPResponse();
    body_ = &session_->receiveResponse(response_);
  } catch (...) {
    throw_failure("connecting or waiting for the response");
  }
  // With badbit in the mask, the stream rethrows the Poco exception that broke a read
  // instead of just going bad, so read() can say what happened.
  body_->exceptions(std::ios::badbit);
  read_head();
  return head_;
}

void HttpClient::read_head() {
  head_ = HttpHead();
  head_.status = static_cast<int>(response_.getStatus());
  head_.reason = response_.getReason();
  head_.retry_after = response_.get("Retry-After", "");
  head_.content_encoding = response_.get("Content-Encoding", "");
  head_.content_length = response_.hasContentLength() ? response_.getContentLength64() : -1;
  head_.etag = response_.get("ETag", "");
  head_.content_range = response_.get("Content-Range", "");
  head_.accept_ranges = response_.get("Accept-Ranges", "");
  head_.content_type = response_.get("Content-Type", "");
}

size_t HttpClient::read(char* buffer, size_t capacity) {
  if (body_ == nullptr || body_->eof()) return 0;
  extend_deadline(capacity);
  try {
    body_->read(buffer, static_cast<std::streamsize>(capacity));
  } catch (...) {
    throw_failure("reading the response body");
  }
  // The watcher's shutdown may look like a clean end of the body: only it knows better.
  if (watch_.deadline_passed()) throw_deadline_passed("reading the response body");
  const auto got = static_cast<size_t>(body_->gcount());
  body_bytes_ += got;
  return got;
}

void HttpClient::extend_deadline(size_t reading) {
  if (earning_bytes_per_second_ == 0) return;
  // The read blocks until `reading` bytes arrived: it is granted their time in advance.
  const uint64_t bytes = body_bytes_ + reading;
  const auto earned = std::chrono::milliseconds(bytes * 1000 / earning_bytes_per_second_);
  watch_.set_deadline(started_ + timeouts_.request + earned);
}

void HttpClient::throw_deadline_passed(const char* phase) {
  const auto elapsed = std::chrono::duration<double>(CancelWatch::Clock::now() - started_).count();
  close();
  char numbers[96];
  std::snprintf(numbers, sizeof numbers, "after %.1f s and %llu body bytes", elapsed,
                static_cast<unsigned long long>(body_bytes_));
  std::string rule = "request_timeout_seconds is " + std::to_string(timeouts_.request.count());
  if (earning_bytes_per_second_ > 0) {
    rule += ", plus 1 s per " + std::to_string(earning_bytes_per_second_) + " body bytes received";
  }
  throw FetchFailure(FetchFailure::Kind::kTimeout, std::string("the request passed its deadline ") + numbers + " " +
                                                       phase + " (" + base_.text() + "; " + rule +
                                                       "); raise request_timeout_seconds if the server is "
                                                       "legitimately this slow");
}

bool HttpClient::verify_length() const {
  if (head_.content_length < 0) return false;
  if (body_bytes_ < static_cast<uint64_t>(head_.content_length)) {
    throw FetchFailure(FetchFailure::Kind::kTruncated, "the body ended after " + std::to_string(body_bytes_) +
                                                           " of the " + std::to_string(head_.content_length) +
                                                           " bytes its Content-Length announced");
  }
  return true;
}

std::string HttpClient::excerpt_and_close(size_t max_bytes) {
  std::string raw(max_bytes, '\0');
  size_t got = 0;
  try {
    while (got < max_bytes) {
      const size_t n = read(raw.data() + got, max_bytes - got);
      if (n == 0) break;
      got += n;
    }
  } catch (const FetchFailure&) {  // an excerpt is best effort
  }
  close();
  raw.resize(got);
  if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0x1f && static_cast<unsigned char>(raw[1]) == 0x8b) {
    return "(a gzip-compressed body)";
  }
  std::string text;
  for (const char c : raw) text.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  return text;
}

void HttpClient::throw_failure(const char* phase) {
  if (watch_.deadline_passed()) throw_deadline_passed(phase);
  const std::string where = std::string(phase) + " (" + base_.text() + ")";
  const std::string verify_failure = TlsContext::last_verify_failure();
  const bool handshake = connecting_;
  connecting_ = false;
  close();
  try {
    throw;
  } catch (const Poco::Net::SSLException& e) {
    const bool certificate = !verify_failure.empty() ||
                             dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) != nullptr;
    if (certificate) {
      throw etl::Error(ETL_E_IO, "the TLS certificate of " + base_.host + " did not verify against " +
                                     (tls_ ? tls_->trust_description() : std::string("the CA store")) + " (" +
                                     (verify_failure.empty() ? e.displayText() : verify_failure) +
                                     "); if the server uses a private CA, set ca_file to its PEM bundle" + kNotRetried);
    }
    // A server that closes mid-handshake may be restarting; one that answers with something
    // that is not TLS (a plain http port) or refuses our TLS versions will do so every time.
    const bool closed = dynamic_cast<const Poco::Net::SSLConnectionUnexpectedlyClosedException*>(&e) != nullptr;
    if (handshake && !closed) throw tls_handshake_error(e.displayText());
    throw FetchFailure(FetchFailure::Kind::kConnection, "TLS error " + where + ": " + e.displayText());
  } catch (const Poco::TimeoutException&) {
    throw FetchFailure(FetchFailure::Kind::kTimeout, "timed out " + where);
  } catch (const Poco::Net::NoMessageException&) {
    throw FetchFailure(FetchFailure::Kind::kConnection, "the server closed the connection without answering " + where);
  } catch (const Poco::Net::HostNotFoundException& e) {
    throw host_not_found_error(e.displayText());
  } catch (const Poco::Net::NoAddressFoundException& e) {
    throw host_not_found_error(e.displayText());
  } catch (const Poco::Net::ConnectionRefusedException& e) {
    throw FetchFailure(FetchFailure::Kind::kRefused, "connection refused " + where + ": nothing listens on port " +
                                                         std::to_string(base_.port) + " of " + base_.host);
  } catch (const Poco::Exception& e) {
    throw FetchFailure(FetchFailure::Kind::kConnection, "network error " + where + ": " + e.displayText());
  } catch (const std::ios_base::failure& e) {
    throw FetchFailure(FetchFailure::Kind::kConnection, "I/O error " + where + ": " + e.what());
  }
}

// Permanent: a name that does not resolve now (EAI_NONAME, not EAI_AGAIN, which Poco
// reports as a plain DNSException and stays retried) will not resolve in a minute either.
etl::Error HttpClient::host_not_found_error(const std::string& detail) const {
  const std::string check = role_ == "base_url" ? "check base_url (see export_api for its default) and " : "check ";
  return etl::Error(ETL_E_IO, role_ + " " + base_.text() + ": the host name '" + base_.host + "' does not resolve (" +
                                  detail + "); " + check + "this machine's DNS" + kNotRetried);
}

etl::Error HttpClient::tls_handshake_error(const std::string& detail) const {
  return etl::Error(ETL_E_IO, role_ + " " + base_.text() + ": the TLS handshake with " + base_.host + ":" +
                                  std::to_string(base_.port) + " failed (" + detail +
                                  "); if that port speaks plain http, base_url should start with http://, else " +
                                  "the server accepts no TLS version or cipher OpenSSL offers" + kNotRetried);
}

}  // namespace fullstory
