// The RFC 3339 parser and formatter and the HTTP-date parser on any text. Properties:
// - parse_rfc3339 reads only times of years 0001-9999, and
//   parse_rfc3339(format_rfc3339_utc(parse_rfc3339(x))) == parse_rfc3339(x): what we read,
//   we write back so that it reads the same;
// - format_rfc3339_utc(n) for any int64 n (the input's first 8 bytes) parses back to n
//   inside the range and does not parse at all outside it;
// - an HTTP date is a time of years 0000-9999, and its RFC 3339 text reads back the same.
#include <cstring>

#include "fuzz_check.h"
#include "timestamps.h"

namespace {

using namespace fullstory;

bool in_range(int64_t seconds) { return seconds >= kFirstRfc3339Second && seconds <= kLastRfc3339Second; }

void check_round_trip(int64_t seconds) {
  const auto again = parse_rfc3339(format_rfc3339_utc(seconds));
  if (in_range(seconds)) {
    fuzz::check(again == seconds, "format_rfc3339_utc(n) parses back to n within years 0001-9999");
  } else {
    fuzz::check(!again, "format_rfc3339_utc(n) outside years 0001-9999 never parses");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  if (const auto seconds = parse_rfc3339(text)) {
    fuzz::check(in_range(*seconds), "parse_rfc3339 reads only times of years 0001-9999");
    check_round_trip(*seconds);
  }
  if (const auto seconds = parse_http_date(text)) {
    // Year 0000 Jan 1 to year 9999 Dec 31 (IMF-fixdate has four year digits).
    fuzz::check(*seconds >= kFirstRfc3339Second - 366 * 86400 && *seconds <= kLastRfc3339Second,
                "an HTTP date lies within years 0000-9999");
    check_round_trip(*seconds);
  }
  if (size >= sizeof(int64_t)) {
    int64_t any = 0;
    std::memcpy(&any, data, sizeof any);
    check_round_trip(any);
  }
  return 0;
}
