// auth.h: FullStory's API key check.
#pragma once

#include <string_view>

#include <Poco/Net/HTTPRequest.h>

namespace fssim {

// True when the request carries "Authorization: Basic <key>" or "Bearer <key>". FullStory
// takes the key verbatim after "Basic", not base64-encoded as RFC 7617 would have it.
bool is_authorized(const Poco::Net::HTTPRequest& request, std::string_view api_key);

// True when the request authenticates with "Bearer" (what tap-fullstory 2.0 sends).
bool uses_bearer(const Poco::Net::HTTPRequest& request);

}  // namespace fssim
