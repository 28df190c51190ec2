// http_support.h: talking to the simulator over real sockets, and reading what it sends.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Poco/Net/Context.h>
#include <Poco/Net/NameValueCollection.h>
#include <nlohmann/json.hpp>

namespace simtest {

inline constexpr std::int64_t kFirstBundleId = 9'007'199'254'740'993;  // 2^53 + 1
inline constexpr std::int64_t kBundleIdStride = 1000;
inline constexpr std::int64_t kDefaultFirstStart = 1'700'006'400;

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpReply {
  int status = 0;
  Poco::Net::NameValueCollection headers;  // case-insensitive names
  std::string body;                        // as received: still gzip when the server gzipped

  std::string header(const std::string& name) const { return headers.get(name, ""); }
  bool has_header(const std::string& name) const { return headers.has(name); }
};

// "Authorization: Basic <key>" as FullStory clients send it (the key verbatim).
Headers basic_auth();

// One request over a fresh connection. `tls` set: HTTPS verified with that client context.
HttpReply http_request(std::uint16_t port, const std::string& method, const std::string& path,
                       const Headers& headers = {}, const std::string& body = "",
                       Poco::Net::Context::Ptr tls = nullptr);
inline HttpReply http_get(std::uint16_t port, const std::string& path, const Headers& headers = basic_auth()) {
  return http_request(port, "GET", path, headers);
}

std::string list_path(std::int64_t start);
std::string get_path(std::int64_t bundle_id);
inline std::int64_t bundle_id(int index) { return kFirstBundleId + index * kBundleIdStride; }

// What a raw socket saw: every byte until the server closed (or reset) the connection.
struct RawReply {
  std::string bytes;
  bool reset = false;      // ended by ECONNRESET rather than an orderly close
  bool timed_out = false;  // the server kept the connection open past the timeout
  std::chrono::milliseconds elapsed{0};

  std::string head() const;  // status line and headers
  std::string body() const;  // everything after the blank line
};
// Sends `request` verbatim and reads until the server closes the connection.
RawReply raw_exchange(std::uint16_t port, const std::string& request,
                      std::chrono::seconds timeout = std::chrono::seconds(10));
// "GET <path> HTTP/1.1" with Host, Basic auth and Connection: close.
std::string raw_get_request(const std::string& path, const std::string& extra_headers = "");

struct ChunkedBody {
  std::string data;
  bool complete = false;  // the terminating zero-length chunk arrived
};
ChunkedBody decode_chunked(std::string_view body);

// Inflates a complete gzip stream; throws std::runtime_error if corrupt or cut short.
std::string gunzip(std::string_view compressed);

nlohmann::json parse_json(const std::string& text);

}  // namespace simtest
