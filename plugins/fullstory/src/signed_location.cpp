#include "signed_location.h"

#include <algorithm>

namespace fullstory {
namespace {

// What a request line may carry unescaped in a query: printable ASCII without space.
bool is_query_char(char c) { return c > 0x20 && c < 0x7f && c != '#'; }

}  // namespace

std::string SignedLocation::text() const { return origin.text() + path + " (signed URL)"; }

std::vector<std::string> SignedLocation::query_values(size_t min_length) const {
  std::vector<std::string> values;
  const size_t query_at = target.find('?');
  if (query_at == std::string::npos) return values;
  std::string_view query = std::string_view(target).substr(query_at + 1);
  while (!query.empty()) {
    const std::string_view parameter = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), parameter.size() + 1));
    const size_t equals = parameter.find('=');
    const std::string_view value = equals == std::string_view::npos ? parameter : parameter.substr(equals + 1);
    if (value.size() >= min_length) values.emplace_back(value);
  }
  return values;
}

std::optional<SignedLocation> parse_signed_location(std::string_view url, std::string& problem) {
  const size_t query_at = url.find('?');
  const std::string_view query = query_at == std::string_view::npos ? std::string_view() : url.substr(query_at + 1);
  const std::string_view before_query = url.substr(0, query_at);
  for (const char c : query) {
    if (!is_query_char(c)) {
      problem = "has a space, a control character or a fragment in its query";
      return std::nullopt;
    }
  }
  // BaseUrl's parser checks the scheme, authority (no user info) and path characters.
  auto origin = parse_base_url(before_query, problem);
  if (!origin) return std::nullopt;
  SignedLocation location;
  const size_t scheme_end = before_query.find("://") + 3;
  const size_t path_at = before_query.find('/', scheme_end);
  location.path = path_at == std::string_view::npos ? "/" : std::string(before_query.substr(path_at));
  origin->path_prefix.clear();
  location.origin = std::move(*origin);
  location.target = location.path + (query_at == std::string_view::npos ? "" : "?" + std::string(query));
  return location;
}

}  // namespace fullstory
