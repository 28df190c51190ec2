#include "auth_reflection.h"

#include <array>
#include <cstddef>
#include <string>
#include <utility>

#include <Poco/Net/HTTPResponse.h>

#include "http_responses.h"

namespace fssim {
namespace {

constexpr std::array<std::pair<std::string_view, AuthReflection>, 8> kModes = {{
    {"verbatim", AuthReflection::kVerbatim},
    {"json-escaped", AuthReflection::kJsonEscaped},
    {"url-encoded", AuthReflection::kUrlEncoded},
    {"base64", AuthReflection::kBase64},
    {"base64-colon", AuthReflection::kBase64Colon},
    {"straddle", AuthReflection::kStraddle},
    {"retry-after", AuthReflection::kRetryAfter},
    {"reason", AuthReflection::kReason},
}};

// The fullstory plugin prints at most this many bytes of an error body.
constexpr std::size_t kClientExcerptBytes = 300;
constexpr std::string_view kLead = "upstream refused the request; it carried ";

bool is_alphanumeric(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// Every byte but letters and digits as `prefix` and `digits` hex digits, '/' as `slash` when
// given. More than JSON or a URL needs, as some encoders do, so the key cannot come back
// verbatim whatever characters it holds.
std::string escaped(std::string_view text, std::string_view prefix, int digits, std::string_view slash = {}) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_alphanumeric(c)) {
      out += ch;
    } else if (ch == '/' && !slash.empty()) {
      out += slash;
    } else {
      out += prefix;
      for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
    }
  }
  return out;
}

// '/' as \/, as PHP's json_encode writes it.
std::string json_escaped(std::string_view text) { return escaped(text, "\\u", 4, "\\/"); }
std::string url_encoded(std::string_view text) { return escaped(text, "%", 2); }

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t at = 0; at < bytes.size(); at += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - at);
    unsigned bits = 0;
    for (std::size_t i = 0; i < 3; ++i) bits = bits << 8 | (i < n ? static_cast<unsigned char>(bytes[at + i]) : 0u);
    for (std::size_t i = 0; i < 4; ++i) out += i <= n ? kAlphabet[(bits >> (18 - 6 * i)) & 0x3F] : '=';
  }
  return out;
}

// "Basic KEY" -> "KEY" (the whole header when it has no scheme).
std::string credential_of(const std::string& header) {
  const auto space = header.find(' ');
  return space == std::string::npos ? header : header.substr(space + 1);
}

// The body of a 502 that reflects `header` in `mode`'s form.
std::string reflecting_body(AuthReflection mode, const std::string& header) {
  const std::string key = credential_of(header);
  switch (mode) {
    case AuthReflection::kJsonEscaped:
      return R"({"code":"bad_gateway","message":"upstream refused the request","authorization":")" +
             json_escaped(header) + "\"}";
    case AuthReflection::kUrlEncoded: return "error=bad_gateway&authorization=" + url_encoded(header);
    case AuthReflection::kBase64: return std::string(kLead) + "Authorization: Basic " + base64(key);
    case AuthReflection::kBase64Colon: return std::string(kLead) + "Authorization: Basic " + base64(key + ":");
    case AuthReflection::kStraddle: {
      // All of the key but its last byte inside the excerpt, the last byte beyond it.
      const std::string head = std::string(kLead) + "Authorization: " + header.substr(0, header.size() - key.size());
      const std::size_t key_at = kClientExcerptBytes - std::min(kClientExcerptBytes, key.size() - 1);
      return head + std::string(key_at > head.size() ? key_at - head.size() : 0, '.') + key;
    }
    default: return std::string(kLead) + "Authorization: " + header;
  }
}

}  // namespace

std::string_view auth_reflection_names() {
  return "verbatim|json-escaped|url-encoded|base64|base64-colon|straddle|retry-after|reason";
}

std::optional<AuthReflectionSpec> parse_auth_reflection(std::string_view spec) {
  AuthReflectionSpec out;
  for (const auto& [prefix, endpoint] : {std::pair{"list:", Endpoint::kList}, std::pair{"get:", Endpoint::kGet}}) {
    if (spec.substr(0, std::string_view(prefix).size()) == prefix) {
      out.endpoint = endpoint;
      spec.remove_prefix(std::string_view(prefix).size());
    }
  }
  for (const auto& [name, mode] : kModes) {
    if (name == spec) {
      out.mode = mode;
      return out;
    }
  }
  return std::nullopt;
}

bool reflect_authorization(Exchange& exchange, const AuthReflectionSpec& spec, Endpoint endpoint) {
  if (spec.mode == AuthReflection::kNone || (spec.endpoint && *spec.endpoint != endpoint)) return false;
  const std::string header = exchange.request.get("Authorization", "");
  exchange.note = "reflected Authorization";
  if (spec.mode == AuthReflection::kRetryAfter) {
    exchange.response.set("Retry-After", header);
    send_text(exchange, Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS, "text/plain", "Too many requests.");
    return true;
  }
  const auto status = Poco::Net::HTTPResponse::HTTP_BAD_GATEWAY;
  if (spec.mode == AuthReflection::kReason) {
    exchange.response.setStatusAndReason(
        status, "Bad Gateway (Authorization: " + header.substr(0, header.empty() ? 0 : header.size() - 1) + ")");
    exchange.response.setContentType("text/plain");
    exchange.response.sendBuffer("", 0);
    return true;
  }
  const bool json = spec.mode == AuthReflection::kJsonEscaped;
  send_text(exchange, status, json ? "application/json" : "text/plain", reflecting_body(spec.mode, header));
  return true;
}

}  // namespace fssim
