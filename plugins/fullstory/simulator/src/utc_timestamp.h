// utc_timestamp.h: FullStory's timestamp text, "YYYY-MM-DDTHH:MM:SS.mmmZ", without libc.
//
// gmtime/strftime are too slow (and gmtime not thread-safe) for millions of events.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace fssim {

// Exactly 24 characters for years 0000..9999.
class UtcTimestamp {
 public:
  explicit UtcTimestamp(std::int64_t unix_millis);
  std::string_view text() const { return {chars_.data(), chars_.size()}; }

 private:
  std::array<char, 24> chars_{};
};

}  // namespace fssim
