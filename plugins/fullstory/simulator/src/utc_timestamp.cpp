#include "utc_timestamp.h"

namespace fssim {

namespace {

struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Howard Hinnant's days_from_civil inverse: exact for the proleptic Gregorian calendar.
CivilDate civil_from_days(std::int64_t days_since_epoch) {
  const std::int64_t z = days_since_epoch + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(z - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  const unsigned day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const unsigned month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

void put_digits(char* at, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

UtcTimestamp::UtcTimestamp(std::int64_t unix_millis) {
  constexpr std::int64_t kMillisPerDay = 86'400'000;
  std::int64_t days = unix_millis / kMillisPerDay;
  std::int64_t millis_of_day = unix_millis % kMillisPerDay;
  if (millis_of_day < 0) {
    millis_of_day += kMillisPerDay;
    --days;
  }
  const CivilDate date = civil_from_days(days);
  char* out = chars_.data();
  put_digits(out, date.year, 4);
  out[4] = '-';
  put_digits(out + 5, date.month, 2);
  out[7] = '-';
  put_digits(out + 8, date.day, 2);
  out[10] = 'T';
  put_digits(out + 11, millis_of_day / 3'600'000, 2);
  out[13] = ':';
  put_digits(out + 14, millis_of_day / 60'000 % 60, 2);
  out[16] = ':';
  put_digits(out + 17, millis_of_day / 1000 % 60, 2);
  out[19] = '.';
  put_digits(out + 20, millis_of_day % 1000, 3);
  out[23] = 'Z';
}

}  // namespace fssim
