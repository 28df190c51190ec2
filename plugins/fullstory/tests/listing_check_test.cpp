// ListingCheck and the time formatter at the extremes: what export/list may claim before the
// bookmark follows it.
#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "etlhost/plugin.hpp"
#include "export_list.h"
#include "listing_check.h"
#include "timestamps.h"

using namespace fullstory;

namespace {

constexpr int64_t kDay = 86'400;
constexpr int64_t kT0 = 1'700'006'400;  // 2023-11-15T00:00:00Z
constexpr int64_t kNow = kT0 + 30 * kDay;

ExportPage page(std::initializer_list<BundleRef> bundles) { return ExportPage{std::vector<BundleRef>(bundles)}; }
BundleRef day(int64_t id, int i) { return BundleRef{id, kT0 + i * kDay, kT0 + (i + 1) * kDay}; }

std::string refusal(const ExportPage& listed, int64_t start, bool contiguous, bool allow_gaps = false) {
  ListingCheck check(kNow, allow_gaps, std::nullopt);
  try {
    check.check_page(listed, start, contiguous);
  } catch (const etl::Error& error) {
    CHECK(error.code() == ETL_E_INVALID_DATA);
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("listing check: an honest page passes, in order, back to back") {
  ListingCheck check(kNow, false, std::nullopt);
  CHECK(check.check_page(page({day(1, 0), day(2, 1), day(3, 2)}), kT0, true).empty());
  CHECK(check.check_page(page({day(4, 3)}), kT0 + 3 * kDay, true).empty());
  // A first run's start_date need not be a bundle boundary.
  ListingCheck first(kNow, false, std::nullopt);
  CHECK(first.check_page(page({day(1, 0)}), kT0 - 5, false).empty());
}

TEST_CASE("listing check: every broken promise is refused, naming the bundle and what was wrong") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  struct Case {
    const char* name;
    ExportPage listed;
    bool contiguous;
    const char* expected;
  };
  const Case cases[] = {
      {"newest first", page({day(3, 2), day(2, 1)}), false, "the list must be oldest first"},
      {"same Stop twice", page({day(1, 0), BundleRef{2, kT0 + kDay, kT0 + kDay}}), false, "Start < Stop"},
      {"same Stop, different Start", page({day(1, 0), BundleRef{2, kT0, kT0 + kDay}}), false, "oldest first"},
      {"an Id twice", page({day(7, 0), day(7, 1)}), false, "whose Id was listed (or delivered) already"},
      {"ends before start", page({day(1, 0)}), false, "does not end after start"},
      {"Stop in 2100", page({BundleRef{1, kT0, 4'102'444'800}}), false, "2100-01-01T00:00:00Z"},
      {"Stop at INT64_MAX", page({BundleRef{1, kT0, kMax}}), false, "outside years 0001-9999"},
      {"Start before 2000", page({BundleRef{1, 0, kT0}}), false, "Start from 2000-01-01T00:00:00Z"},
      {"Start after Stop", page({BundleRef{1, kT0 + kDay, kT0}}), false, "Start < Stop"},
      {"a gap in the page", page({day(1, 0), day(3, 2)}), false, "allow_bundle_gaps"},
      {"a gap after the bookmark", page({day(2, 1)}), true, "after the last delivered bundle stopped"},
      {"an overlap", page({day(1, 0), BundleRef{2, kT0, kT0 + 2 * kDay}}), false, "overlaps bundle 1"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const std::string message = refusal(c.listed, c.name == std::string("ends before start") ? kT0 + kDay : kT0,
                                        c.contiguous);
    CHECK_MESSAGE(message.find(c.expected) != std::string::npos, message);
    CHECK(message.find("state is unchanged") != std::string::npos);
  }
}

TEST_CASE("listing check: the state's last bundle listed again is refused, a gap is a warning when allowed") {
  ListingCheck resumed(kNow, false, int64_t{2});
  CHECK_THROWS_WITH_AS(resumed.check_page(page({day(2, 1)}), kT0 + kDay, false),
                       doctest::Contains("listed (or delivered) already"), etl::Error);
  ListingCheck lenient(kNow, true, std::nullopt);
  const auto warnings = lenient.check_page(page({day(1, 0), day(3, 2)}), kT0, false);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("86400 s after bundle 1") != std::string::npos);
  // Clock skew: a Stop a few minutes ahead of this machine's clock is fine, an hour is not.
  CHECK(refusal(page({BundleRef{1, kNow - kDay, kNow + 60}}), kT0, false).empty());
  CHECK_FALSE(refusal(page({BundleRef{1, kNow - kDay, kNow + 3600}}), kT0, false).empty());
}

TEST_CASE("timestamps: the formatter covers years 0001-9999 and names anything outside") {
  CHECK(format_rfc3339_utc(kFirstRfc3339Second) == "0001-01-01T00:00:00Z");
  CHECK(format_rfc3339_utc(kLastRfc3339Second) == "9999-12-31T23:59:59Z");
  CHECK(format_rfc3339_utc(kLastRfc3339Second + 1) == "unix time 253402300800 (outside years 0001-9999)");
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  CHECK(format_rfc3339_utc(kMax).find("9223372036854775807") != std::string::npos);
  CHECK(format_rfc3339_utc(kMin).find("-9223372036854775808") != std::string::npos);
  CHECK_FALSE(parse_rfc3339(format_rfc3339_utc(kMax)).has_value());
}
