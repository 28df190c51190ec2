// Unit tests of RetryPolicy, Retry-After parsing, WaitBudget and DownloadPacer.
#include <doctest/doctest.h>

#include <chrono>

#include "download_pacer.h"
#include "retry_policy.h"
#include "timestamps.h"

using namespace std::chrono_literals;
using fullstory::DownloadPacer;
using fullstory::parse_retry_after;
using fullstory::RetryPolicy;
using fullstory::WaitBudget;
using std::chrono::milliseconds;

namespace {
std::chrono::system_clock::time_point at(int64_t unix_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}
}  // namespace

TEST_CASE("backoff: doubles from the base, capped, jittered within [nominal/2, nominal]") {
  const RetryPolicy policy(8, 1000ms, 60000ms);
  CHECK(policy.nominal(1) == 1000ms);
  CHECK(policy.nominal(2) == 2000ms);
  CHECK(policy.nominal(6) == 32000ms);
  CHECK(policy.nominal(7) == 60000ms);
  CHECK(policy.nominal(60) == 60000ms);  // no overflow after many attempts
  for (int n = 1; n <= 10; ++n) {
    CHECK(policy.backoff(n, 0.0) == policy.nominal(n) / 2);
    CHECK(policy.backoff(n, 0.999999) <= policy.nominal(n));
    CHECK(policy.backoff(n, 0.999999) >= policy.nominal(n) - 1ms);
    for (double u = 0.0; u < 1.0; u += 0.07) {
      const milliseconds wait = policy.backoff(n, u);
      CHECK(wait >= policy.nominal(n) / 2);
      CHECK(wait <= policy.nominal(n));
    }
  }
  CHECK(policy.backoff(1, 5.0) == 1000ms);  // out-of-range randoms are clamped
  const RetryPolicy zero(3, 0ms, 0ms);
  CHECK(zero.backoff(3, 0.5) == 0ms);
}

TEST_CASE("Retry-After: delay-seconds") {
  const auto now = at(1'700'000'000);
  CHECK(parse_retry_after("30", now) == milliseconds(30000));
  CHECK(parse_retry_after(" 0 ", now) == milliseconds(0));
  CHECK(parse_retry_after("99999999999999999999999", now) == milliseconds(86401000));  // capped, no overflow
}

TEST_CASE("Retry-After: HTTP date") {
  // 1700000000 = Tue, 14 Nov 2023 22:13:20 GMT
  const auto now = at(1'700'000'000);
  CHECK(fullstory::parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT") == 1'700'000'000);
  CHECK(parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now) == milliseconds(30000));
  CHECK(parse_retry_after("Tue, 14 Nov 2023 22:13:00 GMT", now) == milliseconds(0));  // past: retry now
  // Beyond system_clock's range (2262): capped like a huge delay-seconds, not wrapped to "now".
  CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == milliseconds(86401000));
  CHECK(parse_retry_after("Sat, 01 Jan 2263 00:00:00 GMT", now) == milliseconds(86401000));
}

TEST_CASE("Retry-After: an HTTP date before 1678 means retry now, without overflow") {
  // Found by retry_after_fuzzer: below system_clock's range the date wrapped around in
  // nanoseconds (signed overflow) and 1600 turned into the longest wait instead of none.
  const auto now = at(1'700'000'000);
  CHECK(parse_retry_after("Sat, 01 Jan 1600 00:00:00 GMT", now) == milliseconds(0));
  CHECK(parse_retry_after("Mon, 01 Jan 0001 00:00:00 GMT", now) == milliseconds(0));
}

TEST_CASE("Retry-After: garbage falls back to backoff (nullopt)") {
  const auto now = at(1'700'000'000);
  for (const char* bad : {"", "soon", "-5", "1.5", "30s", "Tue, 14 Nov 2023 22:13:50", "Tue, 31 Feb 2023 22:13:50 GMT",
                          "Xyz, 14 Nov 2023 22:13:50 GMT", "Tue, 14 Foo 2023 22:13:50 GMT"}) {
    CHECK_MESSAGE(!parse_retry_after(bad, now).has_value(), bad);
  }
}

TEST_CASE("wait budget") {
  WaitBudget budget(10000ms);
  CHECK(budget.allows(10000ms));
  budget.spend(6000ms);
  CHECK(budget.allows(4000ms));
  CHECK_FALSE(budget.allows(4001ms));
  CHECK(budget.spent() == 6000ms);
}

TEST_CASE("pacer: N downloads per sliding minute, then waits for the oldest to age out") {
  DownloadPacer pacer(2, 1000ms);
  const auto t0 = DownloadPacer::Clock::time_point(std::chrono::hours(1));
  CHECK(pacer.wait_before_next(t0) == 0ms);
  pacer.record_start(t0);
  CHECK(pacer.wait_before_next(t0 + 1s) == 0ms);
  pacer.record_start(t0 + 10s);
  CHECK(pacer.wait_before_next(t0 + 20s) == 41000ms);  // t0 + 60 s + 1 s margin
  CHECK(pacer.wait_before_next(t0 + 61s) == 0ms);
  pacer.record_start(t0 + 61s);
  CHECK(pacer.wait_before_next(t0 + 62s) == 9000ms);  // now t0+10s is the oldest

  DownloadPacer off(0);
  for (int i = 0; i < 100; ++i) off.record_start(t0);
  CHECK(off.wait_before_next(t0) == 0ms);
}
