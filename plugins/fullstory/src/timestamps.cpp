#include "timestamps.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace fullstory {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

// Reads exactly `width` ASCII digits at `pos`; nullopt when any is not a digit.
std::optional<int> read_digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<int64_t> days_since_epoch(int year, int month, int day) {
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return sys_days{date}.time_since_epoch().count();
}

std::optional<int64_t> seconds_of_day(int hour, int minute, int second) {
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return hour * 3600 + minute * 60 + second;
}

struct Instant {
  int64_t seconds;  // floored
  int64_t micros;   // of the second, 0-999999 (digits past the sixth are dropped: floor)
};

// Year 0000, or an offset that moves a time across a year boundary of 0001-9999, is a time
// format_rfc3339_utc cannot write back: a bookmark read from it could never be committed.
std::optional<Instant> in_years(int64_t seconds, int64_t micros) {
  if (seconds < kFirstRfc3339Second || seconds > kLastRfc3339Second) return std::nullopt;
  return Instant{seconds, micros};
}

// Digits of a fraction as microseconds.
int64_t fraction_micros(std::string_view digits) {
  int64_t micros = 0;
  for (size_t i = 0; i < 6; ++i) micros = micros * 10 + (i < digits.size() ? digits[i] - '0' : 0);
  return micros;
}

std::optional<Instant> parse_instant(std::string_view text) {
  // full-date: YYYY-MM-DD
  const auto year = read_digits(text, 0, 4);
  const auto month = read_digits(text, 5, 2);
  const auto day = read_digits(text, 8, 2);
  if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto days = days_since_epoch(*year, *month, *day);
  if (!days) return std::nullopt;
  if (text.size() == 10) return in_years(*days * kSecondsPerDay, 0);

  // "T" partial-time: HH:MM:SS[.fraction]
  if (text[10] != 'T' && text[10] != 't') return std::nullopt;
  const auto hour = read_digits(text, 11, 2);
  const auto minute = read_digits(text, 14, 2);
  const auto second = read_digits(text, 17, 2);
  if (!hour || !minute || !second || text.size() < 20 || text[13] != ':' || text[16] != ':') return std::nullopt;
  const auto in_day = seconds_of_day(*hour, *minute, *second);
  if (!in_day) return std::nullopt;
  size_t pos = 19;
  int64_t micros = 0;
  if (text[pos] == '.') {
    const size_t first_digit = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == first_digit) return std::nullopt;  // "." needs at least one digit
    micros = fraction_micros(text.substr(first_digit, pos - first_digit));
  }

  // time-offset: Z | (+|-)HH:MM. Whole-minute offsets never carry sub-second parts, so the
  // fraction applies as it is for any offset.
  int64_t offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const auto offset_hours = read_digits(text, pos + 1, 2);
    const auto offset_minutes = read_digits(text, pos + 4, 2);
    if (!offset_hours || !offset_minutes || pos + 3 >= text.size() || text[pos + 3] != ':' || *offset_hours > 23 ||
        *offset_minutes > 59) {
      return std::nullopt;
    }
    offset = (*offset_hours * 3600 + *offset_minutes * 60) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return in_years(*days * kSecondsPerDay + *in_day - offset, micros);
}

}  // namespace

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  const auto instant = parse_instant(text);
  if (!instant) return std::nullopt;
  return instant->seconds;
}

std::optional<int64_t> parse_rfc3339_micros(std::string_view text) {
  const auto instant = parse_instant(text);
  if (!instant) return std::nullopt;
  return instant->seconds * 1'000'000 + instant->micros;
}

std::string format_rfc3339_utc(int64_t unix_seconds) {
  if (unix_seconds < kFirstRfc3339Second || unix_seconds > kLastRfc3339Second) {
    return "unix time " + std::to_string(unix_seconds) + " (outside years 0001-9999)";
  }
  using namespace std::chrono;
  const sys_seconds instant{seconds{unix_seconds}};
  const sys_days day = floor<days>(instant);
  const year_month_day date{day};
  const hh_mm_ss time{instant - day};
  std::array<char, 48> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buffer.data();
}

std::optional<int64_t> parse_http_date(std::string_view text) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (29 bytes, fixed layout).
  static constexpr std::array<std::string_view, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
      text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  bool weekday_ok = false;
  for (const auto name : kWeekdays) weekday_ok = weekday_ok || text.substr(0, 3) == name;
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  const auto day = read_digits(text, 5, 2);
  const auto year = read_digits(text, 12, 4);
  const auto hour = read_digits(text, 17, 2);
  const auto minute = read_digits(text, 20, 2);
  const auto second = read_digits(text, 23, 2);
  if (!weekday_ok || month == 0 || !day || !year || !hour || !minute || !second) return std::nullopt;
  const auto days = days_since_epoch(*year, month, *day);
  const auto in_day = seconds_of_day(*hour, *minute, *second);
  if (!days || !in_day) return std::nullopt;
  return *days * kSecondsPerDay + *in_day;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace fullstory
