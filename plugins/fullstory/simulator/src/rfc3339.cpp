#include "rfc3339.h"

#include <cctype>

#include "utc_timestamp.h"

namespace fssim {

namespace {

// Howard Hinnant's days_from_civil.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

// Reads `width` digits at `at`, advancing it; nullopt if they are not all digits.
std::optional<int> digits(std::string_view text, std::size_t& at, std::size_t width) {
  if (at + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[at + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  at += width;
  return value;
}

bool expect(std::string_view text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

// "Z" or "+HH:MM"/"-HH:MM" at `at` as milliseconds east of UTC, consuming the rest.
std::optional<std::int64_t> zone_offset(std::string_view text, std::size_t at) {
  if (at + 1 == text.size() && (text[at] == 'Z' || text[at] == 'z')) return 0;
  if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
  const int sign = text[at] == '-' ? -1 : 1;
  ++at;
  const auto hours = digits(text, at, 2);
  if (!hours || !expect(text, at, ':')) return std::nullopt;
  const auto minutes = digits(text, at, 2);
  if (!minutes || at != text.size() || *hours > 23 || *minutes > 59) return std::nullopt;
  return sign * (*hours * 3'600'000LL + *minutes * 60'000LL);
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_millis(std::string_view text) {
  std::size_t at = 0;
  const auto year = digits(text, at, 4);
  if (!year || !expect(text, at, '-')) return std::nullopt;
  const auto month = digits(text, at, 2);
  if (!month || !expect(text, at, '-')) return std::nullopt;
  const auto day = digits(text, at, 2);
  if (!day || at >= text.size() || (text[at] != 'T' && text[at] != 't')) return std::nullopt;
  ++at;
  const auto hour = digits(text, at, 2);
  if (!hour || !expect(text, at, ':')) return std::nullopt;
  const auto minute = digits(text, at, 2);
  if (!minute || !expect(text, at, ':')) return std::nullopt;
  const auto second = digits(text, at, 2);
  if (!second || *month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::int64_t millis = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::size_t fraction_digits = 0;
    for (; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at, ++fraction_digits) {
      if (fraction_digits < 3) millis = millis * 10 + (text[at] - '0');
    }
    if (fraction_digits == 0) return std::nullopt;
    for (; fraction_digits < 3; ++fraction_digits) millis *= 10;
  }
  const auto offset = zone_offset(text, at);
  if (!offset) return std::nullopt;
  const std::int64_t days = days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  return ((days * 24 + *hour) * 60 + *minute) * 60'000 + *second * 1000LL + millis - *offset;
}

std::string rfc3339_text(std::int64_t unix_millis) { return std::string(UtcTimestamp(unix_millis).text()); }

}  // namespace fssim
