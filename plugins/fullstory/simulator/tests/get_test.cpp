// export/get: bodies, encodings, the cache, keep-alive and concurrency.
#include <doctest/doctest.h>

#include <filesystem>
#include <future>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include "http_support.h"
#include "sim_process.h"

using namespace simtest;

namespace {

std::string json_array_of(const std::vector<std::string>& lines, std::size_t first, std::size_t count) {
  std::string array = "[";
  for (std::size_t i = first; i < first + count; ++i) array += (i > first ? "," : "") + lines[i];
  return array + "]";
}

HttpReply get_with_gzip(const SimServer& sim, std::int64_t id) {
  Headers headers = basic_auth();
  headers.emplace_back("Accept-Encoding", "gzip");
  return http_get(sim.port(), get_path(id), headers);
}

}  // namespace

TEST_CASE("each bundle inflates to exactly its events from --dump-events, an empty one to an empty array") {
  const std::vector<std::string> config{"--events-per-bundle", "50,0,120", "--rate-limit", "0"};
  const std::vector<std::string> lines = sim_dumped_events(config);
  REQUIRE(lines.size() == 170);
  SimServer sim(config);

  const std::size_t counts[] = {50, 0, 120};
  std::size_t first = 0;
  for (int b = 0; b < 3; ++b) {
    CAPTURE(b);
    const HttpReply reply = get_with_gzip(sim, bundle_id(b));
    REQUIRE(reply.status == 200);
    const std::string json = gunzip(reply.body);
    const std::string expected = json_array_of(lines, first, counts[b]);
    CHECK(json == expected);  // byte for byte...
    const nlohmann::json events = parse_json(json);
    REQUIRE(events.is_array());
    REQUIRE(events.size() == counts[b]);
    for (std::size_t i = 0; i < counts[b]; ++i) CHECK(events[i] == parse_json(lines[first + i]));  // ...and as JSON
    first += counts[b];
  }
  CHECK(gunzip(get_with_gzip(sim, bundle_id(1)).body) == "[]");
}

TEST_CASE("negotiate: Content-Encoding for gzip-accepting clients, a gzip payload for the rest") {
  SimServer sim({"--rate-limit", "0", "--events-per-bundle", "20"});

  const HttpReply encoded = get_with_gzip(sim, bundle_id(0));
  REQUIRE(encoded.status == 200);
  CHECK(encoded.header("Content-Type") == "application/json");
  CHECK(encoded.header("Content-Encoding") == "gzip");
  CHECK(encoded.header("Content-Disposition") == R"(attachment; filename="DataExport.json.gz")");
  CHECK(encoded.header("Transfer-Encoding") == "chunked");

  const HttpReply payload = http_get(sim.port(), get_path(bundle_id(0)));
  REQUIRE(payload.status == 200);
  CHECK(payload.header("Content-Type") == "application/gzip");
  CHECK_FALSE(payload.has_header("Content-Encoding"));
  CHECK(payload.header("Content-Disposition") == R"(attachment; filename="DataExport.json.gz")");
  CHECK(payload.body == encoded.body);
}

TEST_CASE("--gzip payload, encoding and none ignore Accept-Encoding") {
  const std::vector<std::string> config{"--rate-limit", "0", "--events-per-bundle", "15"};
  const std::vector<std::string> lines = sim_dumped_events(config);
  const std::string expected = json_array_of(lines, 0, 15);
  struct Case {
    const char* mode;
    const char* content_type;
    const char* content_encoding;  // "" = header absent
  };
  for (const Case& c : {Case{"payload", "application/gzip", ""}, Case{"encoding", "application/json", "gzip"},
                        Case{"none", "application/json", ""}}) {
    CAPTURE(c.mode);
    std::vector<std::string> args = config;
    args.insert(args.end(), {"--gzip", c.mode});
    SimServer sim(args);
    for (const bool accept_gzip : {true, false}) {
      CAPTURE(accept_gzip);
      const HttpReply reply = accept_gzip ? get_with_gzip(sim, bundle_id(0))
                                          : http_get(sim.port(), get_path(bundle_id(0)));
      REQUIRE(reply.status == 200);
      CHECK(reply.header("Content-Type") == c.content_type);
      CHECK(reply.header("Content-Encoding") == c.content_encoding);
      CHECK((std::string(c.mode) == "none" ? reply.body : gunzip(reply.body)) == expected);
    }
  }
}

TEST_CASE("served gzip bytes equal --write-bundle output, and the same seed gives the same bytes") {
  const std::vector<std::string> config{"--events-per-bundle", "300", "--seed", "7"};
  const std::string written = sim_written_bundle(config, bundle_id(1));
  CHECK(written == sim_written_bundle(config, bundle_id(1)));
  CHECK(written != sim_written_bundle({"--events-per-bundle", "300", "--seed", "8"}, bundle_id(1)));

  SimServer sim(config);
  CHECK(http_get(sim.port(), get_path(bundle_id(1))).body == written);
}

TEST_CASE("--cache-dir: bundles generated at startup, served with Content-Length, regenerated when stale") {
  const TempDir cache;
  const std::vector<std::string> config{"--events-per-bundle", "40,0", "--bundles", "2", "--cache-dir",
                                        cache.path().string()};
  const std::string path = cache.file(std::to_string(bundle_id(0)) + ".json.gz");
  {
    SimServer sim(config);
    CHECK(std::filesystem::exists(path));
    CHECK(std::filesystem::exists(cache.file(std::to_string(bundle_id(1)) + ".json.gz")));
    const HttpReply reply = http_get(sim.port(), get_path(bundle_id(0)));
    REQUIRE(reply.status == 200);
    CHECK(reply.header("Content-Length") == std::to_string(std::filesystem::file_size(path)));
    CHECK_FALSE(reply.has_header("Transfer-Encoding"));
    CHECK(reply.body == sim_written_bundle(config, bundle_id(0)));
  }
  // Same directory, other seed: the manifest no longer matches, so nothing stale is served.
  std::vector<std::string> reseeded = config;
  reseeded.insert(reseeded.end(), {"--seed", "99"});
  SimServer sim(reseeded);
  CHECK(http_get(sim.port(), get_path(bundle_id(0))).body == sim_written_bundle(reseeded, bundle_id(0)));
}

TEST_CASE("get rejects a malformed id with 400 and an unknown one with 404") {
  SimServer sim({});
  CHECK(http_get(sim.port(), "/api/v1/export/get").status == 400);
  CHECK(http_get(sim.port(), "/api/v1/export/get?id=abc").status == 400);
  for (const std::int64_t id : {bundle_id(3), kFirstBundleId + 1, std::int64_t{42}}) {
    CAPTURE(id);
    const HttpReply reply = http_get(sim.port(), get_path(id));
    CHECK(reply.status == 404);
    CHECK(parse_json(reply.body)["code"] == "not_found");
  }
}

TEST_CASE("one keep-alive connection serves several requests") {
  SimServer sim({});
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", sim.port()));
  socket.setReceiveTimeout(Poco::Timespan(5, 0));
  const std::string request = "GET /__sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    std::string response;
    char buffer[1024];
    while (response.find("\r\n\r\nok") == std::string::npos) {
      const int n = socket.receiveBytes(buffer, sizeof buffer);
      REQUIRE(n > 0);  // the server must not close between requests
      response.append(buffer, static_cast<std::size_t>(n));
    }
    CHECK(response.starts_with("HTTP/1.1 200"));
  }
}

TEST_CASE("concurrent downloads are served in parallel and intact") {
  const std::vector<std::string> config{"--rate-limit", "0", "--events-per-bundle", "2000", "--bundles", "1"};
  const std::string expected = sim_written_bundle(config, bundle_id(0));
  SimServer sim(config);
  std::vector<std::future<std::string>> downloads;
  for (int i = 0; i < 4; ++i) {
    downloads.push_back(
        std::async(std::launch::async, [&] { return http_get(sim.port(), get_path(bundle_id(0))).body; }));
  }
  for (auto& download : downloads) CHECK(download.get() == expected);
}

TEST_CASE("admin endpoints: health, stats counters, 404 and 405") {
  SimServer sim({"--rate-limit", "1", "--events-per-bundle", "5"});
  CHECK(http_get(sim.port(), "/__sim/health", {}).body == "ok");
  http_get(sim.port(), list_path(0));
  http_get(sim.port(), list_path(0));
  const HttpReply download = http_get(sim.port(), get_path(bundle_id(0)));
  CHECK(http_get(sim.port(), get_path(bundle_id(0))).status == 429);
  CHECK(http_get(sim.port(), "/nope").status == 404);
  CHECK(http_request(sim.port(), "DELETE", get_path(bundle_id(0)), basic_auth()).status == 405);

  const nlohmann::json stats = parse_json(http_get(sim.port(), "/__sim/stats", {}).body);
  CHECK(stats["list_requests"] == 2);
  CHECK(stats["get_requests"] == 3);
  CHECK(stats["get_successes"] == 1);
  CHECK(stats["rate_limited"] == 1);
  CHECK(stats["faults_injected"] == 0);
  CHECK(stats["bytes_sent"].get<std::uint64_t>() > download.body.size());
}
