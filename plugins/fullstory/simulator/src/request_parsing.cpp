#include "request_parsing.h"

#include <charconv>

#include <Poco/String.h>
#include <Poco/URI.h>

namespace fssim {

std::optional<std::string> query_parameter(const Poco::Net::HTTPRequest& request, std::string_view name) {
  for (const auto& [key, value] : Poco::URI(request.getURI()).getQueryParameters()) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string path_segment_after(const Poco::Net::HTTPRequest& request, std::string_view prefix) {
  const std::string path = Poco::URI(request.getURI()).getPath();
  if (!std::string_view(path).starts_with(prefix)) return {};
  const std::string rest = path.substr(prefix.size());
  return rest.substr(0, rest.find('/'));
}

bool accepts_gzip(const Poco::Net::HTTPRequest& request) {
  return request.has("Accept-Encoding") &&
         Poco::toLower(request.get("Accept-Encoding")).find("gzip") != std::string::npos;
}

std::string collapse_slashes(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (c != '/' || out.empty() || out.back() != '/') out.push_back(c);
  }
  return out;
}

}  // namespace fssim
