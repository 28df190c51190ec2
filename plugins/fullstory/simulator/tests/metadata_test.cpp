// The metadata APIs: users (page_token), segments and the settings histories (limit,
// paginationToken), the current objects, the admin-only privacy rule, double slashes, the
// token-bucket limiter, and the --dump-metadata ground truth they are all checked against.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "http_support.h"
#include "sim_process.h"

using namespace simtest;

namespace {

nlohmann::json stats_of(const SimServer& sim) { return parse_json(http_get(sim.port(), "/__sim/stats", {}).body); }

nlohmann::json get_json(const SimServer& sim, const std::string& path) {
  const HttpReply reply = http_get(sim.port(), path);
  REQUIRE_MESSAGE(reply.status == 200, path << ": " << reply.status << " " << reply.body);
  return parse_json(reply.body);
}

std::vector<nlohmann::json> dumped(const std::vector<std::string>& config, const std::string& stream) {
  std::vector<std::string> args = config;
  args.insert(args.end(), {"--dump-metadata", stream, "-"});
  const ProcessResult result = run_sim(args);
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  std::vector<nlohmann::json> out;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) out.push_back(parse_json(line));
  }
  return out;
}

// Follows `token_key` from `first` to the last page, collecting `items_key`.
std::vector<nlohmann::json> every_page(const SimServer& sim, const std::string& first, const std::string& items_key,
                                       const std::string& query, const std::string& token_key, int& pages) {
  std::vector<nlohmann::json> items;
  std::string path = first;
  for (pages = 1;; ++pages) {
    const nlohmann::json page = get_json(sim, path);
    for (const auto& item : page.at(items_key)) items.push_back(item);
    const std::string next = page.value(token_key, std::string());
    if (next.empty()) return items;
    path = first + (first.find('?') == std::string::npos ? "?" : "&") + query + "=" + next;
  }
}

}  // namespace

TEST_CASE("metadata sim: users page with page_token, every user once, as the dump says") {
  SimServer sim({});
  int pages = 0;
  const auto users = every_page(sim, "/v2/users?include_schema=true", "results", "page_token", "next_page_token",
                                pages);
  CHECK(pages == 3);
  CHECK(users == dumped({}, "users"));
  std::set<std::string> ids;
  for (const auto& user : users) ids.insert(user.at("id").get<std::string>());
  CHECK(ids.size() == 250);
  CHECK(get_json(sim, "/v2/users").at("total_records") == "250");
  // Nested custom properties, and a schema only when asked for.
  CHECK(users[0].at("properties").at("address").at("geo").is_object());
  CHECK(users[0].at("schema").is_object());
  CHECK(get_json(sim, "/v2/users").at("results")[0].at("schema").is_null());
}

TEST_CASE("metadata sim: /v2/users ignores paginationToken (tap-fullstory 2.0's) and refuses a bad page_token") {
  SimServer sim({});
  const nlohmann::json first = get_json(sim, "/v2/users");
  const std::string token = first.at("next_page_token");
  CHECK(get_json(sim, "/v2/users?paginationToken=" + token) == first);
  CHECK(http_get(sim.port(), "/v2/users?page_token=bogus").status == 400);
  const std::string id = first.at("results")[3].at("id");
  CHECK(get_json(sim, "/v2/users/" + id).at("id") == id);
  const HttpReply missing = http_get(sim.port(), "/v2/users/42");
  CHECK(missing.status == 404);
  CHECK(parse_json(missing.body).at("code") == "user_not_found");
}

TEST_CASE("metadata sim: segments page by limit and paginationToken, everyone without created") {
  SimServer sim({"--extra-segments", "30"});
  int pages = 0;
  const auto segments = every_page(sim, "/segments/v1?limit=7", "segments", "paginationToken", "nextPaginationToken",
                                   pages);
  CHECK(pages == 5);  // 31 segments at 7 a page
  CHECK(segments == dumped({"--extra-segments", "30"}, "segments"));
  CHECK(segments[0].at("id") == "everyone");
  CHECK_FALSE(segments[0].contains("created"));
  CHECK(segments[1].contains("created"));
  CHECK(get_json(sim, "/segments/v1").at("segments").size() == 20);  // the default limit
  CHECK(http_get(sim.port(), "/segments/v1?limit=101").status == 400);
  CHECK(http_get(sim.port(), "/segments/v1?limit=0").status == 400);
}

TEST_CASE("metadata sim: a history is newest first with microsecond times, its first version the current object") {
  SimServer sim({});
  int pages = 0;
  const auto versions = every_page(sim, "/settings/recording/v1/blocking/history?limit=100", "versions",
                                   "paginationToken", "nextPaginationToken", pages);
  CHECK(pages == 2);
  REQUIRE(versions.size() == 130);
  CHECK(versions == dumped({}, "block_rules_history"));
  for (size_t i = 1; i < versions.size(); ++i) {
    CHECK(versions[i - 1].at("metadata").at("lastUpdated") > versions[i].at("metadata").at("lastUpdated"));
  }
  const std::string newest = versions[0].at("metadata").at("lastUpdated");
  CHECK(newest.size() == std::string("2023-05-12T15:16:10.268269Z").size());
  CHECK(get_json(sim, "/settings/recording/v1/blocking") == versions[0]);
  CHECK(dumped({}, "block_rules") == std::vector<nlohmann::json>{versions[0]});
  CHECK(get_json(sim, "/settings/recording/v1/features/history?platform=mobile&updated_since=x").contains("versions"));
}

TEST_CASE("metadata sim: more versions add newer ones and keep the older ones byte for byte") {
  const auto before = dumped({}, "geo_settings_history");
  const auto after = dumped({"--history-versions", "135"}, "geo_settings_history");
  REQUIRE(after.size() == 135);
  CHECK(std::vector<nlohmann::json>(after.begin() + 5, after.end()) == before);
}

TEST_CASE("metadata sim: privacy settings need an Admin key, double slashes are served and counted") {
  SimServer sim({"--non-admin-key"});
  for (const char* path : {"/settings/recording/v1/privacy", "/settings/recording/v1/privacy/history"}) {
    const HttpReply reply = http_get(sim.port(), path);
    CHECK(reply.status == 403);
    CHECK(parse_json(reply.body).at("code") == "forbidden");
  }
  CHECK(http_get(sim.port(), "//settings/recording/v1/blocking").status == 200);
  CHECK(http_get(sim.port(), "/settings/recording/v1/blocking", {{"Authorization", std::string("Bearer ") + kApiKey}})
            .status == 200);
  const nlohmann::json stats = stats_of(sim);
  CHECK(stats.at("forbidden") == 2);
  CHECK(stats.at("double_slash_requests") == 1);
  CHECK(stats.at("bearer_requests") == 1);
  CHECK(stats.at("settings_requests") == 4);
}

TEST_CASE("metadata sim: snake-case tokens end with an empty string, faults reach the settings endpoints") {
  SimServer sim({"--pagination-token-key", "snake", "--fault", "settings:503:1"});
  CHECK(http_get(sim.port(), "/settings/recording/v1/domain").status == 503);
  const nlohmann::json first = get_json(sim, "/settings/recording/v1/domain/history?limit=100");
  const std::string token = first.at("next_pagination_token");
  const nlohmann::json last = get_json(sim, "/settings/recording/v1/domain/history?limit=100&paginationToken=" + token);
  CHECK(last.at("next_pagination_token") == "");
  CHECK(first.at("versions").size() + last.at("versions").size() == 130);
}

TEST_CASE("metadata sim: the token bucket allows a burst, then 429 with Retry-After, and counts early retries") {
  SimServer sim({"--api-rate-limit", "1", "--api-rate-window", "1", "--api-burst", "3"});
  for (int i = 0; i < 3; ++i) CHECK(http_get(sim.port(), "/segments/v1").status == 200);
  const HttpReply refused = http_get(sim.port(), "/segments/v1");
  CHECK(refused.status == 429);
  CHECK(refused.header("Retry-After") == "1");
  CHECK(parse_json(refused.body).at("code") == "too_many_requests");
  http_get(sim.port(), "/segments/v1");  // at once, not after the second it was told to wait
  CHECK(stats_of(sim).at("early_retries") >= 1);
}
