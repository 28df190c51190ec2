#include "demo_oracle.h"

#include <cstdio>

namespace e2e {

std::string demo_customer(int64_t id) {
  // Notes cycle through the values that break naive CSV writers; every 7th is null.
  static const char* const kNotes[] = {"\"plain\"",
                                       "\"comma, inside\"",
                                       "\"quote \\\"inside\\\"\"",
                                       "\"line\\nbreak and\\r\\ncrlf\"",
                                       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\x89\"",
                                       "\"\""};
  const char* note = id % 7 == 6 ? "null" : kNotes[id % 6];
  char text[512];
  std::snprintf(text, sizeof text,
                "{\"id\":%lld,\"name\":\"Customer %lld\",\"note\":%s,\"vip\":%s,\"score\":%lld.5,"
                "\"tags\":[\"t%lld\",\"all\"],\"address\":{\"city\":\"City %lld\",\"zip\":\"%05lld\"}}",
                static_cast<long long>(id), static_cast<long long>(id), note, id % 3 == 0 ? "true" : "false",
                static_cast<long long>(id), static_cast<long long>(id % 5), static_cast<long long>(id % 100),
                static_cast<long long>(id % 100000));
  return text;
}

std::string demo_order(int64_t id) {
  // One order per minute from 2026-01-01T00:00:00Z, wrapping after a (non-leap) year.
  static const int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int64_t minute_of_year = id % (365 * 24 * 60);
  int64_t day = minute_of_year / (24 * 60);
  int month = 0;
  while (day >= kMonthDays[month]) day -= kMonthDays[month++];
  char text[256];
  std::snprintf(text, sizeof text,
                "{\"id\":%lld,\"customer_id\":%lld,\"amount_cents\":%lld,\"currency\":\"EUR\","
                "\"created_at\":\"2026-%02d-%02lldT%02lld:%02lld:00Z\"}",
                static_cast<long long>(id), static_cast<long long>(id / 2),
                static_cast<long long>((id * 7919) % 100000), month + 1, static_cast<long long>(day + 1),
                static_cast<long long>((minute_of_year / 60) % 24), static_cast<long long>(minute_of_year % 60));
  return text;
}

}  // namespace e2e
