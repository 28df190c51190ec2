#include "sim_handler.h"

#include <cstdio>
#include <istream>
#include <mutex>
#include <string>

#include "http_responses.h"

namespace fssim {

namespace {

// Request bodies are tiny ({"start":N}); anything bigger is not a FullStory client.
constexpr std::size_t kMaxRequestBody = 64 * 1024;

// Reads the body only when the request declares one: without Content-Length or chunking,
// Poco would read a POST body until the client closes the connection.
bool read_request_body(Exchange& exchange) {
  const Poco::Net::HTTPServerRequest& request = exchange.request;
  if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) return true;
  std::istream& in = exchange.request.stream();
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    exchange.request_body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (exchange.request_body.size() > kMaxRequestBody) return false;
  }
  return true;
}

// A signed URL's signature is a secret like the API key: the log shows it redacted.
std::string loggable_uri(const std::string& uri) {
  const auto sig = uri.find("sig=");
  if (sig == std::string::npos) return uri;
  const auto end = uri.find('&', sig);
  return uri.substr(0, sig + 4) + "REDACTED" + (end == std::string::npos ? "" : uri.substr(end));
}

// Never logs headers: the Authorization header carries the API key.
void log_request(const Exchange& exchange) {
  // A reset connection never got a status line.
  const std::string status = exchange.response.sent() ? std::to_string(static_cast<int>(exchange.response.getStatus()))
                                                      : "-";
  static std::mutex log_mutex;
  const std::lock_guard lock(log_mutex);
  std::fprintf(stderr, "%s %s %s %llu bytes%s%s\n", exchange.request.getMethod().c_str(),
               loggable_uri(exchange.request.getURI()).c_str(), status.c_str(),
               static_cast<unsigned long long>(exchange.body_bytes_sent), exchange.note.empty() ? "" : " ",
               exchange.note.c_str());
}

}  // namespace

void SimHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  Exchange exchange{request, response, {}, 0, {}};
  try {
    if (read_request_body(exchange)) {
      serve(exchange);
    } else {
      send_json_error(exchange, Poco::Net::HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "invalid_argument",
                      "request body too large");
    }
  } catch (const SinkClosed&) {
    // The client hung up mid-body: there is no one left to answer.
    exchange.note = "client closed the connection";
  }
  context_.stats.bytes_sent += exchange.body_bytes_sent;
  if (context_.options.verbose) log_request(exchange);
}

}  // namespace fssim
