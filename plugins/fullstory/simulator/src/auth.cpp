#include "auth.h"

#include <Poco/String.h>

namespace fssim {

bool is_authorized(const Poco::Net::HTTPRequest& request, std::string_view api_key) {
  if (!request.has("Authorization")) return false;
  const std::string& header = request.get("Authorization");
  const auto space = header.find(' ');
  if (space == std::string::npos) return false;
  const std::string scheme = header.substr(0, space);
  const bool known_scheme = Poco::icompare(scheme, "Basic") == 0 || Poco::icompare(scheme, "Bearer") == 0;
  return known_scheme && std::string_view(header).substr(space + 1) == api_key;
}

bool uses_bearer(const Poco::Net::HTTPRequest& request) {
  if (!request.has("Authorization")) return false;
  const std::string& header = request.get("Authorization");
  return Poco::icompare(header.substr(0, header.find(' ')), "Bearer") == 0;
}

}  // namespace fssim
