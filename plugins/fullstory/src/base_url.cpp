#include "base_url.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>

namespace fullstory {
namespace {

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

// RFC 3986 pchar minus '%'-less validation: unreserved, sub-delims, ':', '@', '%', '/'.
bool is_path_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0) return true;
  return std::string_view("-._~!$&'()*+,;=:@%/").find(c) != std::string_view::npos;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string BaseUrl::text() const {
  const bool default_port = port == (tls ? 443 : 80);
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out = tls ? "https://" : "http://";
  out += ipv6 ? "[" + host + "]" : host;
  if (!default_port) out += ":" + std::to_string(port);
  return out + path_prefix;
}

bool BaseUrl::is_loopback() const {
  if (host == "localhost" || host == "::1") return true;
  // An IPv4 literal in 127.0.0.0/8; a host *name* such as 127.example.com is not loopback.
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

std::optional<BaseUrl> parse_base_url(std::string_view text, std::string& problem) {
  BaseUrl url;
  if (starts_with_ignoring_case(text, "https://")) {
    text.remove_prefix(8);
  } else if (starts_with_ignoring_case(text, "http://")) {
    url.tls = false;
    url.port = 80;
    text.remove_prefix(7);
  } else {
    problem = "does not start with https:// or http://";
    return std::nullopt;
  }

  const size_t authority_end = text.find('/');
  const std::string_view authority = text.substr(0, authority_end);
  std::string_view path = authority_end == std::string_view::npos ? std::string_view() : text.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    problem = "contains user info (user:password@); pass the key as api_key instead";
    return std::nullopt;
  }
  if (text.find_first_of("?#") != std::string_view::npos) {
    problem = "has a query string or fragment";
    return std::nullopt;
  }

  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      problem = "has an unterminated [IPv6] host";
      return std::nullopt;
    }
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      problem = "has unexpected text after the [IPv6] host";
      return std::nullopt;
    }
    has_port = !rest.empty();
    if (has_port) port = rest.substr(1);
    for (const char c : host) {
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0 && c != ':' && c != '.') {
        problem = "has an invalid IPv6 host";
        return std::nullopt;
      }
    }
  } else {
    const size_t colon = authority.find(':');
    has_port = colon != std::string_view::npos;
    if (has_port) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    for (const char c : host) {
      if (!is_host_char(c)) {
        problem = "has an invalid character in the host name";
        return std::nullopt;
      }
    }
  }
  if (host.empty()) {
    problem = "has no host";
    return std::nullopt;
  }
  url.host = std::string(host);

  if (has_port) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      problem = "has a port that is not a number from 1 to 65535";
      return std::nullopt;
    }
    url.port = static_cast<uint16_t>(value);
  }

  for (const char c : path) {
    if (!is_path_char(c)) {
      problem = "has an invalid character in the path";
      return std::nullopt;
    }
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.path_prefix = std::string(path);
  return url;
}

}  // namespace fullstory
