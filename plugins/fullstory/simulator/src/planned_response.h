// planned_response.h: the successful response a request would get, described before the
// fault plan and the rate limiter decide whether it is actually sent.
//
// Faults need the description rather than a sent response: truncate and stall send part of
// the same bytes, malformed re-encodes a broken version of the same JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "byte_sink.h"

namespace fssim {

struct PlannedResponse {
  std::string content_type;
  std::string content_encoding;                              // "" or "gzip"
  std::string content_disposition;                           // "" for none
  bool gzip = false;                                         // whether `wire` is `json` gzip-compressed
  BodyProducer json;                                         // the JSON document itself
  BodyProducer wire;                                         // the body bytes as they go out
  std::optional<std::uint64_t> wire_size;                    // known up front: sent with Content-Length
  int status = 200;                                          // 206 for a range of a storage download
  std::vector<std::pair<std::string, std::string>> headers;  // any others (ETag, Content-Range)
  // A cut (truncate, stall) still declares Content-Length, as a cloud store's download
  // does, instead of switching to chunked.
  bool cut_keeps_length = false;
};

}  // namespace fssim
