// percent_encoding.h: a value FullStory gave us (an id, a page token), made safe to put in a
// request's path or query.
#pragma once

#include <string>
#include <string_view>

namespace fullstory {

/// `text` with everything but RFC 3986's unreserved characters percent-encoded, so a hostile
/// id or token can neither change the request's path nor add to its query.
std::string percent_encoded(std::string_view text);

}  // namespace fullstory
