// rfc3339.h: the Segment Export API's timestamps ("2023-11-15T00:00:00Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fssim {

// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" as unix milliseconds (fraction
// truncated to ms); nullopt for anything else.
std::optional<std::int64_t> parse_rfc3339_millis(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string rfc3339_text(std::int64_t unix_millis);

}  // namespace fssim
