// Rate limiting of export/get: 429, Retry-After, the rolling window.
#include <doctest/doctest.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>
#include <thread>

#include "http_support.h"
#include "sim_process.h"

using namespace simtest;

namespace {
constexpr const char* kRateLimitMessage = "Too many requests. Client has exceeded the rate limit for this endpoint.";
}

TEST_CASE("--rate-limit 1 --rate-window 2: 429 with Retry-After, then a slot frees, and list is never limited") {
  SimServer sim({"--rate-limit", "1", "--rate-window", "2", "--events-per-bundle", "3"});
  REQUIRE(http_get(sim.port(), get_path(bundle_id(0))).status == 200);

  const HttpReply limited = http_get(sim.port(), get_path(bundle_id(1)));
  REQUIRE(limited.status == 429);
  CHECK(limited.body == kRateLimitMessage);  // text is the default body
  CHECK(limited.header("Content-Type").starts_with("text/plain"));
  const int retry_after = std::stoi(limited.header("Retry-After"));
  CHECK(retry_after >= 1);
  CHECK(retry_after <= 2);

  for (int i = 0; i < 5; ++i) CHECK(http_get(sim.port(), list_path(0)).status == 200);

  std::this_thread::sleep_for(std::chrono::seconds(retry_after));
  CHECK(http_get(sim.port(), get_path(bundle_id(1))).status == 200);
  CHECK(http_get(sim.port(), get_path(bundle_id(1))).status == 429);
}

TEST_CASE("--rate-limit-body json and --retry-after-format http-date") {
  SimServer sim({"--rate-limit", "1", "--rate-window", "30", "--rate-limit-body", "json", "--retry-after-format",
                 "http-date", "--events-per-bundle", "3"});
  REQUIRE(http_get(sim.port(), get_path(bundle_id(0))).status == 200);
  const HttpReply limited = http_get(sim.port(), get_path(bundle_id(0)));
  REQUIRE(limited.status == 429);
  CHECK(limited.header("Content-Type") == "application/json");
  CHECK(parse_json(limited.body) == nlohmann::json{{"code", "too_many_requests"}, {"message", kRateLimitMessage}});

  const std::string date = limited.header("Retry-After");
  int zone = 0;
  Poco::DateTime when;
  REQUIRE(Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, date, when, zone));
  CHECK(date.ends_with(" GMT"));  // IMF-fixdate
  const auto seconds_ahead = (when.timestamp() - Poco::Timestamp()) / Poco::Timestamp::resolution();
  CHECK(seconds_ahead >= 27);  // about the 30 s window, allowing for slow machines
  CHECK(seconds_ahead <= 31);
}

TEST_CASE("--rate-limit 0 disables rate limiting") {
  SimServer sim({"--rate-limit", "0", "--events-per-bundle", "2"});
  for (int i = 0; i < 6; ++i) CHECK(http_get(sim.port(), get_path(bundle_id(i % 3))).status == 200);
}
