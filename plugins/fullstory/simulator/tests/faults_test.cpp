// --fault: every kind, COUNT, @BUNDLE_ID, and arrival order.
#include <doctest/doctest.h>

#include <Poco/Exception.h>

#include "http_support.h"
#include "secret_leaks.h"
#include "sim_process.h"

using namespace simtest;

namespace {

std::string error_code_of(const HttpReply& reply) { return parse_json(reply.body)["code"].get<std::string>(); }

}  // namespace

TEST_CASE("status faults on get are served in the order given, then requests succeed again") {
  SimServer sim({"--rate-limit",
                 "0",
                 "--events-per-bundle",
                 "4",
                 "--fault",
                 "get:500",
                 "--fault",
                 "get:502",
                 "--fault",
                 "get:503",
                 "--fault",
                 "get:504",
                 "--fault",
                 "get:401",
                 "--fault",
                 "get:403",
                 "--fault",
                 "get:404",
                 "--fault",
                 "get:429"});
  const std::vector<std::pair<int, std::string>> expected{
      {500, "internal"},     {502, "bad_gateway"}, {503, "unavailable"}, {504, "gateway_timeout"},
      {401, "unauthorized"}, {403, "forbidden"},   {404, "not_found"}};
  for (const auto& [status, code] : expected) {
    CAPTURE(status);
    const HttpReply reply = http_get(sim.port(), get_path(bundle_id(0)));
    CHECK(reply.status == status);
    CHECK(error_code_of(reply) == code);
  }
  const HttpReply limited = http_get(sim.port(), get_path(bundle_id(0)));
  CHECK(limited.status == 429);
  CHECK(limited.header("Retry-After") == "1");
  CHECK(http_get(sim.port(), get_path(bundle_id(0))).status == 200);

  const nlohmann::json stats = parse_json(http_get(sim.port(), "/__sim/stats", {}).body);
  CHECK(stats["faults_injected"] == 8);
  CHECK(stats["get_successes"] == 1);
}

TEST_CASE("status faults on list carry FullStory's error bodies") {
  SimServer sim({"--fault", "list:401", "--fault", "list:403", "--fault", "list:404"});
  const HttpReply unauthorized = http_get(sim.port(), list_path(0));
  CHECK(unauthorized.status == 401);
  CHECK(parse_json(unauthorized.body)["code"] == "unauthorized");
  const HttpReply forbidden = http_get(sim.port(), list_path(0));
  CHECK(forbidden.status == 403);
  CHECK(parse_json(forbidden.body) == nlohmann::json{{"code", "forbidden"}, {"message", "insufficient permissions"}});
  const HttpReply not_enabled = http_get(sim.port(), list_path(0));
  CHECK(not_enabled.status == 404);
  CHECK(parse_json(not_enabled.body)["message"] == "Data Export is not enabled for this account");
  CHECK(http_get(sim.port(), list_path(0)).status == 200);
}

TEST_CASE("COUNT, 'always' and @BUNDLE_ID select which requests fail") {
  SimServer sim({"--rate-limit", "0", "--events-per-bundle", "2", "--fault",
                 "get:503:2@" + std::to_string(bundle_id(1)), "--fault", "list:500:always"});
  CHECK(http_get(sim.port(), get_path(bundle_id(0))).status == 200);  // other bundle: untouched
  CHECK(http_get(sim.port(), get_path(bundle_id(1))).status == 503);
  CHECK(http_get(sim.port(), get_path(bundle_id(0))).status == 200);
  CHECK(http_get(sim.port(), get_path(bundle_id(1))).status == 503);
  CHECK(http_get(sim.port(), get_path(bundle_id(1))).status == 200);  // both uses consumed
  for (int i = 0; i < 4; ++i) CHECK(http_get(sim.port(), list_path(0)).status == 500);
}

TEST_CASE("reset: the connection dies without a response") {
  SimServer sim({"--fault", "get:reset:2", "--fault", "list:reset"});
  for (const std::string& path : {get_path(bundle_id(0)), list_path(0)}) {
    CAPTURE(path);
    const RawReply reply = raw_exchange(sim.port(), raw_get_request(path));
    CHECK(reply.bytes.empty());
    CHECK(reply.reset);
  }
  CHECK_THROWS_AS(http_get(sim.port(), get_path(bundle_id(0))), Poco::Exception);
  CHECK(http_get(sim.port(), get_path(bundle_id(0))).status == 200);  // the server itself lives on
}

TEST_CASE("truncate: headers and about half the body, then close without the last chunk") {
  const std::vector<std::string> config{"--events-per-bundle", "400"};
  const std::string full = sim_written_bundle(config, bundle_id(0));
  std::vector<std::string> args = config;
  args.insert(args.end(), {"--fault", "get:truncate", "--fault", "list:truncate"});
  SimServer sim(args);

  const RawReply reply = raw_exchange(sim.port(), raw_get_request(get_path(bundle_id(0))));
  CHECK(reply.head().starts_with("HTTP/1.1 200"));
  CHECK(reply.head().find("Transfer-Encoding: chunked") != std::string::npos);
  const ChunkedBody body = decode_chunked(reply.body());
  CHECK_FALSE(body.complete);
  CHECK(body.data.size() == full.size() / 2);
  CHECK(full.starts_with(body.data));
  CHECK_THROWS(gunzip(body.data));

  const RawReply list = raw_exchange(sim.port(), raw_get_request(list_path(0)));
  CHECK(list.head().starts_with("HTTP/1.1 200"));
  CHECK_FALSE(decode_chunked(list.body()).complete);
}

TEST_CASE("malformed: a complete 200 and a valid gzip stream around broken JSON") {
  const std::vector<std::string> config{"--events-per-bundle", "100", "--rate-limit", "0"};
  std::vector<std::string> args = config;
  args.insert(args.end(), {"--fault", "get:malformed", "--fault", "list:malformed"});
  SimServer sim(args);
  const HttpReply reply = http_get(sim.port(), get_path(bundle_id(0)));
  CHECK(reply.status == 200);
  const std::string json = gunzip(reply.body);  // throws if the gzip stream were broken
  CHECK_FALSE(nlohmann::json::accept(json));
  const std::string intact = gunzip(http_get(sim.port(), get_path(bundle_id(0))).body);
  CHECK(nlohmann::json::accept(intact));
  CHECK(intact.starts_with(json.substr(0, intact.size() / 2)));

  const HttpReply list = http_get(sim.port(), list_path(0));
  CHECK(list.status == 200);
  CHECK_FALSE(nlohmann::json::accept(list.body));
}

TEST_CASE("stall: half the body, silence for --stall-seconds, then close") {
  SimServer sim({"--events-per-bundle", "200", "--fault", "get:stall", "--stall-seconds", "1"});
  const RawReply reply = raw_exchange(sim.port(), raw_get_request(get_path(bundle_id(0))));
  CHECK(reply.head().starts_with("HTTP/1.1 200"));
  CHECK_FALSE(reply.timed_out);
  CHECK(reply.elapsed >= std::chrono::milliseconds(900));  // it really went silent
  const ChunkedBody body = decode_chunked(reply.body());
  CHECK_FALSE(body.complete);
  CHECK_FALSE(body.data.empty());
}

TEST_CASE("--reflect-auth echoes the Authorization header in each form, on the endpoints asked for") {
  const std::string key = kApiKey;  // "sim-test-key": its '-' are what the encoders change
  const std::vector<std::pair<std::string, std::string>> bodies{
      {"verbatim", "Authorization: Basic " + key},
      {"json-escaped", R"("authorization":"Basic\u0020sim\u002Dtest\u002Dkey")"},
      {"url-encoded", "authorization=Basic%20sim%2Dtest%2Dkey"},
      {"base64", "Authorization: Basic " + etltest::base64(key)},
      {"base64-colon", "Authorization: Basic " + etltest::base64(key + ":")},
  };
  for (const auto& [mode, echo] : bodies) {
    CAPTURE(mode);
    SimServer sim({"--reflect-auth", mode});
    const HttpReply reply = http_get(sim.port(), list_path(0));
    CHECK(reply.status == 502);
    CHECK(reply.body.find(echo) != std::string::npos);
  }
  SimServer straddle({"--reflect-auth", "straddle"});
  // All of the key but its last byte within the plugin's 300-byte excerpt.
  CHECK(http_get(straddle.port(), list_path(0)).body.find(key) == 300 - (key.size() - 1));

  SimServer retry_after({"--reflect-auth", "retry-after"});
  const HttpReply limited = http_get(retry_after.port(), get_path(bundle_id(0)));
  CHECK(limited.status == 429);
  CHECK(limited.header("Retry-After") == "Basic " + key);

  SimServer get_only({"--rate-limit", "0", "--reflect-auth", "get:reason"});
  CHECK(http_get(get_only.port(), list_path(0)).status == 200);
  CHECK(http_get(get_only.port(), get_path(bundle_id(0))).status == 502);
}
