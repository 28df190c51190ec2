// base_url.h: the `base_url` config value, parsed strictly.
//
// Strict because a typo here ("https://export.fullstory.com?x", "https//...") would
// otherwise surface as a confusing 404 or DNS error much later, and because user info
// ("user:pass@host") would put a credential where logs print URLs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fullstory {

struct BaseUrl {
  bool tls = true;          // https
  std::string host;         // "export.fullstory.com", "127.0.0.1", "::1" (no brackets)
  uint16_t port = 443;      // explicit or the scheme's default
  std::string path_prefix;  // "" or "/proxy/fullstory" (no trailing slash)

  /// The URL as it should appear in messages: "https://export.fullstory.com".
  std::string text() const;
  /// Loopback hosts, where plain http does not expose the key to a network.
  bool is_loopback() const;
};

/// Parses http(s)://host[:port][/path]. On failure returns nullopt and sets `problem` to a
/// short phrase ("has no host", "has a query string") for the config error message.
std::optional<BaseUrl> parse_base_url(std::string_view text, std::string& problem);

}  // namespace fullstory
