// timestamps.h: the three time formats the plugin reads or writes, parsed strictly.
//
// FullStory's list API speaks integer Unix seconds; config, state and logs speak RFC 3339;
// Retry-After may be an HTTP date. Hand-written parsers (rather than strptime/timegm) keep
// the result independent of the process's locale and TZ, which a plugin must not touch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fullstory {

/// Seconds since the Unix epoch of an RFC 3339 full-date ("2023-11-16", midnight UTC) or
/// date-time ("2023-11-16T00:00:00Z", "2023-11-16T01:00:00.250+01:00"), floored to the
/// second. nullopt when the text is anything else (including out-of-range fields, and
/// times outside [kFirstRfc3339Second, kLastRfc3339Second], such as year 0000).
std::optional<int64_t> parse_rfc3339(std::string_view text);

/// The same instant in microseconds since the Unix epoch (digits past the sixth dropped):
/// for ordering FullStory's settings versions ("2021-05-12T15:16:10.268269Z") exactly.
std::optional<int64_t> parse_rfc3339_micros(std::string_view text);

/// The seconds RFC 3339's four-digit years can express: 0001-01-01T00:00:00Z to
/// 9999-12-31T23:59:59Z.
inline constexpr int64_t kFirstRfc3339Second = -62'135'596'800;
inline constexpr int64_t kLastRfc3339Second = 253'402'300'799;

/// "2023-11-16T00:00:00Z": the UTC date-time of `unix_seconds`, second precision. Outside
/// [kFirstRfc3339Second, kLastRfc3339Second] (only a lying server or a bug gets there):
/// "unix time N (outside years 0001-9999)", which no RFC 3339 parser accepts, so such a
/// value can appear in a message but never round-trip through a state.
std::string format_rfc3339_utc(int64_t unix_seconds);

/// The system clock's Unix seconds.
int64_t unix_now();

/// Seconds since the Unix epoch of an HTTP IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT",
/// the only date form RFC 9110 lets servers send). nullopt otherwise.
std::optional<int64_t> parse_http_date(std::string_view text);

}  // namespace fullstory
