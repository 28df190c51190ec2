// export/list: paging, boundaries, request forms, auth.
#include <doctest/doctest.h>

#include <limits>

#include "http_support.h"
#include "sim_process.h"

using namespace simtest;

namespace {

constexpr std::int64_t kPeriod = 3600;

nlohmann::json list(const SimServer& sim, std::int64_t start) {
  const HttpReply reply = http_get(sim.port(), list_path(start));
  REQUIRE(reply.status == 200);
  CHECK(reply.header("Content-Type") == "application/json");
  return parse_json(reply.body)["exports"];
}

}  // namespace

TEST_CASE("list pages through 45 bundles: oldest first, at most 20, Stop > start, then empty") {
  SimServer sim({"--bundles", "45", "--bundle-period", std::to_string(kPeriod), "--events-per-bundle", "1"});
  std::int64_t start = 0;
  std::vector<std::size_t> page_sizes;
  int expected_index = 0;
  while (true) {
    const nlohmann::json page = list(sim, start);
    if (page.empty()) break;
    page_sizes.push_back(page.size());
    for (const nlohmann::json& bundle : page) {
      CHECK(bundle["Id"].get<std::int64_t>() == bundle_id(expected_index));
      CHECK(bundle["Start"].get<std::int64_t>() == kDefaultFirstStart + expected_index * kPeriod);
      CHECK(bundle["Stop"].get<std::int64_t>() == kDefaultFirstStart + (expected_index + 1) * kPeriod);
      CHECK(bundle["Stop"].get<std::int64_t>() > start);
      ++expected_index;
    }
    start = page.back()["Stop"].get<std::int64_t>();
  }
  CHECK(page_sizes == std::vector<std::size_t>{20, 20, 5});
  CHECK(expected_index == 45);
  CHECK(http_get(sim.port(), list_path(start)).body == R"({"exports":[]})");
}

TEST_CASE("list includes the bundle containing start and excludes the one that stops at start") {
  SimServer sim({"--bundle-period", std::to_string(kPeriod)});
  const std::int64_t first_stop = kDefaultFirstStart + kPeriod;
  CHECK(list(sim, first_stop - 1)[0]["Id"].get<std::int64_t>() == bundle_id(0));
  CHECK(list(sim, first_stop)[0]["Id"].get<std::int64_t>() == bundle_id(1));
  CHECK(list(sim, first_stop).size() == 2);
}

TEST_CASE("list accepts POST {\"start\":N} and rejects a missing or invalid start with 400") {
  SimServer sim({});
  const HttpReply posted = http_request(sim.port(), "POST", "/api/v1/export/list", basic_auth(),
                                        R"({"start":)" + std::to_string(kDefaultFirstStart + 86400) + "}");
  REQUIRE(posted.status == 200);
  CHECK(parse_json(posted.body)["exports"].size() == 2);

  for (const std::string& path : {std::string("/api/v1/export/list"), std::string("/api/v1/export/list?start=abc"),
                                  std::string("/api/v1/export/list?start=12x")}) {
    CAPTURE(path);
    const HttpReply reply = http_get(sim.port(), path);
    CHECK(reply.status == 400);
    CHECK(parse_json(reply.body)["code"] == "invalid_argument");
  }
  const HttpReply bad_body = http_request(sim.port(), "POST", "/api/v1/export/list", basic_auth(), R"({"start":"x"})");
  CHECK(bad_body.status == 400);
}

TEST_CASE("bundle ids above 2^53 arrive as exact integers") {
  static_assert(static_cast<std::int64_t>(static_cast<double>(kFirstBundleId)) != kFirstBundleId,
                "the first id must be one a double cannot hold");
  SimServer sim({});
  const HttpReply reply = http_get(sim.port(), list_path(0));
  CHECK(reply.body.find(R"("Id":9007199254740993,)") != std::string::npos);
  CHECK(reply.body.find(R"("Id":9007199254742993,)") != std::string::npos);
  const nlohmann::json exports = parse_json(reply.body)["exports"];
  CHECK(exports[0]["Id"].is_number_integer());
  CHECK(exports[2]["Id"].get<std::int64_t>() == kFirstBundleId + 2 * kBundleIdStride);
}

TEST_CASE("auth: the key verbatim after Basic or Bearer, anything else is 401") {
  SimServer sim({});
  for (const std::string& path : {list_path(0), get_path(bundle_id(0))}) {
    CAPTURE(path);
    for (const Headers& rejected : std::vector<Headers>{
             {},
             {{"Authorization", "Basic wrong-key"}},
             {{"Authorization", "Basic c2ltLXRlc3Qta2V5"}},  // base64 of the key: FullStory wants it verbatim
             {{"Authorization", std::string("Token ") + kApiKey}},
             {{"Authorization", kApiKey}}}) {
      const HttpReply reply = http_get(sim.port(), path, rejected);
      CHECK(reply.status == 401);
      CHECK(reply.body == R"({"code":"unauthorized","message":"access is unauthorized"})");
    }
  }
  CHECK(http_get(sim.port(), list_path(0), {{"Authorization", std::string("Basic ") + kApiKey}}).status == 200);
  CHECK(http_get(sim.port(), list_path(0), {{"Authorization", std::string("Bearer ") + kApiKey}}).status == 200);
  CHECK(http_get(sim.port(), list_path(0), {{"Authorization", std::string("bearer ") + kApiKey}}).status == 200);
}

TEST_CASE("without --api-key the key comes from FULLSTORY_SIM_API_KEY, and one of them is required") {
  SimServer sim({}, {.api_key_flag = false, .env = {std::string("FULLSTORY_SIM_API_KEY=") + kApiKey}});
  CHECK(http_get(sim.port(), list_path(0)).status == 200);
  CHECK(http_get(sim.port(), list_path(0), {{"Authorization", "Basic other"}}).status == 401);

  const ProcessResult missing = run_sim({"--port", "0"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--api-key") != std::string::npos);
}

TEST_CASE("--list-page-size and --list-lie bend export/list as documented") {
  const std::int64_t day = 86'400;
  const auto ids = [](const nlohmann::json& page) {
    std::vector<std::int64_t> out;
    for (const auto& bundle : page) out.push_back(bundle["Id"].get<std::int64_t>());
    return out;
  };
  const std::vector<std::string> five = {"--bundles", "5", "--events-per-bundle", "1"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), five.begin(), five.end());
    return extra;
  };
  {
    SimServer sim(with({"--list-page-size", "2"}));
    CHECK(ids(list(sim, 0)) == std::vector<std::int64_t>{bundle_id(0), bundle_id(1)});
  }
  {
    SimServer sim(with({"--list-lie", "newest-first"}));
    CHECK(ids(list(sim, 0)) ==
          std::vector<std::int64_t>{bundle_id(4), bundle_id(3), bundle_id(2), bundle_id(1), bundle_id(0)});
  }
  {
    SimServer sim(with({"--list-lie", "gap"}));
    CHECK(ids(list(sim, 0)) == std::vector<std::int64_t>{bundle_id(0), bundle_id(2), bundle_id(3), bundle_id(4)});
  }
  {
    SimServer sim(with({"--list-lie", "stale"}));
    CHECK(ids(list(sim, kDefaultFirstStart + day))[0] == bundle_id(0));
  }
  {
    SimServer sim(with({"--list-lie", "duplicate-id"}));
    CHECK(list(sim, 0)[1]["Id"] == list(sim, 0)[0]["Id"]);
  }
  {
    SimServer sim(with({"--list-lie", "duplicate-stop"}));
    CHECK(list(sim, 0)[1]["Stop"] == list(sim, 0)[0]["Stop"]);
    CHECK(list(sim, 0)[1]["Start"] == list(sim, 0)[0]["Start"]);
  }
  {
    SimServer sim(with({"--list-lie", "overlap"}));
    CHECK(list(sim, 0)[1]["Start"] == list(sim, 0)[0]["Start"]);
  }
  {
    SimServer sim(with({"--list-lie", "future-stop"}));
    CHECK(list(sim, 0).back()["Stop"] == 4'102'444'800);
  }
  {
    SimServer sim(with({"--list-lie", "max-stop"}));
    CHECK(list(sim, 0).back()["Stop"] == std::numeric_limits<std::int64_t>::max());
  }
}
