// request_parsing.h: reading parameters out of a request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <Poco/Net/HTTPRequest.h>

namespace fssim {

// The first value of query parameter `name`, percent-decoded.
std::optional<std::string> query_parameter(const Poco::Net::HTTPRequest& request, std::string_view name);

// A whole string as a signed 64-bit integer; nullopt on anything else (sign, junk, overflow).
std::optional<std::int64_t> parse_int64(std::string_view text);

// The path's segment after `prefix` up to the next '/' (or the end): the id in
// /operations/v1/{id}; "" when the path does not start with `prefix`.
std::string path_segment_after(const Poco::Net::HTTPRequest& request, std::string_view prefix);

// `path` with every run of slashes made one.
std::string collapse_slashes(std::string_view path);

// Whether Accept-Encoding lists gzip.
bool accepts_gzip(const Poco::Net::HTTPRequest& request);

}  // namespace fssim
