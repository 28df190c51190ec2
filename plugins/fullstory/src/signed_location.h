// signed_location.h: a signed download URL (Segment Export's results `location`), split into
// the origin to connect to and the request target, and shown without its query.
//
// The query carries the signature, a credential as good as the key for that file: it goes
// on the request line and nowhere else (no message, log or state file).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base_url.h"

namespace fullstory {

struct SignedLocation {
  BaseUrl origin;      // scheme, host, port; path_prefix empty
  std::string path;    // "/bucket/object" ("/" when the URL has none)
  std::string target;  // path plus "?query": what the request line carries

  /// "https://storage.example.com/bucket/object (signed URL)": the query never appears.
  std::string text() const;
  /// The query's parameter values of at least `min_length` characters (the signature, a
  /// token), for the redactor: a storage host's error body may quote them.
  std::vector<std::string> query_values(size_t min_length) const;
};

/// Parses an absolute http(s) URL. On failure returns nullopt and sets `problem` to a short
/// phrase for the message (which must not quote the URL: it may hold a signature).
std::optional<SignedLocation> parse_signed_location(std::string_view url, std::string& problem);

}  // namespace fullstory
