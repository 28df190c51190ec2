// The Segment Export API: create, poll, results, the signed-URL download (Range, If-Range),
// its faults, limits and errors, against the --dump-segment-export ground truth.
#include <doctest/doctest.h>

#include <map>
#include <thread>

#include "http_support.h"
#include "sim_process.h"

using namespace simtest;

namespace {

// 2023-11-15T00:00:00Z, the default first bundle start, as a window start.
constexpr const char* kDayStart = "2023-11-15T00:00:00Z";
constexpr std::int64_t kDayStartUnix = kDefaultFirstStart;

nlohmann::json export_body(const std::string& start, const std::string& end, const std::string& format = "FORMAT_JSON",
                           const std::string& type = "TYPE_EVENT") {
  return {{"segmentId", "everyone"},
          {"type", type},
          {"format", format},
          {"timeRange", {{"start", start}, {"end", end}}},
          {"segmentTimeRange", {{"start", ""}, {"end", ""}}}};
}

HttpReply post_export(const SimServer& sim, const nlohmann::json& body, const Headers& headers = basic_auth()) {
  return http_request(sim.port(), "POST", "/segments/v1/exports", headers, body.dump());
}

std::string create_export(const SimServer& sim, const nlohmann::json& body) {
  const HttpReply reply = post_export(sim, body);
  REQUIRE_MESSAGE(reply.status == 200, reply.body);
  return parse_json(reply.body).at("operationId").get<std::string>();
}

nlohmann::json poll(const SimServer& sim, const std::string& operation) {
  const HttpReply reply = http_get(sim.port(), "/operations/v1/" + operation);
  REQUIRE_MESSAGE(reply.status == 200, reply.body);
  return parse_json(reply.body);
}

// Polls until the operation leaves PENDING (bounded, not timed).
nlohmann::json wait_finished(const SimServer& sim, const std::string& operation) {
  for (int attempt = 0; attempt < 3000; ++attempt) {
    nlohmann::json status = poll(sim, operation);
    if (status.at("state") != "PENDING") return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("operation " << operation << " never finished");
  return {};
}

std::string results_path(const std::string& search_export_id) {
  return "/search/v1/exports/" + search_export_id + "/results";
}

// The location's path and query: the test talks to 127.0.0.1:port itself.
std::string location_path(const SimServer& sim, const std::string& location) {
  const std::string origin = "http://127.0.0.1:" + std::to_string(sim.port());
  REQUIRE(location.rfind(origin + "/storage/", 0) == 0);
  return location.substr(origin.size());
}

// Create, wait, fetch results: the download path of a completed export.
std::string completed_download(const SimServer& sim, const nlohmann::json& body) {
  const nlohmann::json status = wait_finished(sim, create_export(sim, body));
  REQUIRE(status.at("state") == "COMPLETED");
  const HttpReply results = http_get(sim.port(), results_path(status["results"]["searchExportId"]));
  REQUIRE(results.status == 200);
  return location_path(sim, parse_json(results.body).at("location"));
}

HttpReply download(const SimServer& sim, const std::string& path, const Headers& headers = {}) {
  return http_request(sim.port(), "GET", path, headers);
}

std::string json_array_of(const std::vector<std::string>& records) {
  std::string array = "[";
  for (std::size_t i = 0; i < records.size(); ++i) array += (i > 0 ? "," : "") + records[i];
  return array + "]";
}

// RFC 4180 rows (quoted cells may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& cell = rows.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      cell += c;
    }
  }
  if (rows.back().size() == 1 && rows.back().front().empty()) rows.pop_back();
  return rows;
}

const std::vector<std::string> kConfig{"--bundles", "2", "--events-per-bundle", "2000"};

}  // namespace

TEST_CASE("a window's export is exactly the dumped records, start inclusive and end exclusive") {
  const std::vector<std::string> all = sim_dumped_segment_export(kConfig, "", "");
  REQUIRE(all.size() == 4000);
  // Event 1990 to event 2010: across the bundle boundary, bounded by two events' own times.
  const std::string start = parse_json(all[1990]).at("EventStart");
  const std::string end = parse_json(all[2010]).at("EventStart");
  const std::vector<std::string> expected = sim_dumped_segment_export(kConfig, start, end);
  REQUIRE(expected.size() == 20);
  CHECK(expected.front() == all[1990]);
  CHECK(expected.back() == all[2009]);
  CHECK(all[1990].find("\"PageUserAgent\":") != std::string::npos);
  CHECK(all[1990].find("\"PageAgent\":") == std::string::npos);

  SimServer sim(kConfig);
  const std::string path = completed_download(sim, export_body(start, end));
  const HttpReply file = download(sim, path);
  REQUIRE(file.status == 200);
  CHECK(file.header("Content-Type") == "application/gzip");
  CHECK_FALSE(file.has_header("Content-Encoding"));
  CHECK(file.header("Accept-Ranges") == "bytes");
  CHECK(file.header("Content-Length") == std::to_string(file.body.size()));
  CHECK(file.header("ETag").size() > 2);
  CHECK(file.header("Content-Disposition") == R"(attachment; filename="everyone-20231115.json.gz")");
  CHECK(gunzip(file.body) == json_array_of(expected));
  CHECK(download(sim, path).body == file.body);  // the same bytes every time

  const nlohmann::json stats = parse_json(http_get(sim.port(), "/__sim/stats", {}).body);
  CHECK(stats["exports_created"] == 1);
  REQUIRE(stats["exports"].size() == 1);
  CHECK(stats["exports"][0]["start"] == start);
  CHECK(stats["exports"][0]["end"] == end);
  CHECK(stats["exports"][0]["type"] == "TYPE_EVENT");
  CHECK(stats["exports"][0]["format"] == "FORMAT_JSON");
  CHECK(stats["storage_requests"] == 2);
  CHECK(stats["results_requests"] == 1);
  CHECK(stats["operation_polls"].get<int>() >= 1);
}

TEST_CASE("fields keep only the named fields, user_* all user variables") {
  const std::vector<std::string> config{"--bundles", "1", "--events-per-bundle", "300"};
  const std::vector<std::string> expected = sim_dumped_segment_export(config, kDayStart, "", "TYPE_EVENT",
                                                                      "EventStart,EventType,user_*");
  REQUIRE(expected.size() == 300);
  bool saw_user_var = false;
  for (const std::string& text : expected) {
    const nlohmann::json record = parse_json(text);
    for (const auto& [key, value] : record.items()) {
      CHECK((key == "EventStart" || key == "EventType" || key.rfind("user_", 0) == 0));
      saw_user_var = saw_user_var || key == "user_plan_str";
    }
  }
  CHECK(saw_user_var);

  SimServer sim(config);
  nlohmann::json body = export_body(kDayStart, "");
  body["fields"] = {"EventStart", "EventType", "user_*"};
  CHECK(gunzip(download(sim, completed_download(sim, body)).body) == json_array_of(expected));
  const nlohmann::json stats = parse_json(http_get(sim.port(), "/__sim/stats", {}).body);
  CHECK(stats["exports"][0]["fields"] == body["fields"]);
}

TEST_CASE("FORMAT_NDJSON is one record a line, FORMAT_CSV a header row and one row a record") {
  const std::vector<std::string> config{"--bundles", "1", "--events-per-bundle", "100"};
  const std::vector<std::string> expected = sim_dumped_segment_export(config, "", "");
  REQUIRE(expected.size() == 100);
  SimServer sim(config);

  const HttpReply ndjson = download(sim, completed_download(sim, export_body("", "", "FORMAT_NDJSON")));
  CHECK(ndjson.header("Content-Disposition").find(".ndjson.gz\"") != std::string::npos);
  CHECK(etltest::lines_of(gunzip(ndjson.body)) == expected);

  nlohmann::json body = export_body("", "", "FORMAT_CSV");
  body["fields"] = {"EventStart", "EventTargetText", "IndvId"};
  const HttpReply csv = download(sim, completed_download(sim, body));
  CHECK(csv.header("Content-Disposition").find(".csv.gz\"") != std::string::npos);
  const auto rows = parse_csv(gunzip(csv.body));
  REQUIRE(rows.size() == 101);
  CHECK(rows[0] == std::vector<std::string>{"EventStart", "EventTargetText", "IndvId"});
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    const nlohmann::json record = parse_json(expected[i]);
    REQUIRE(rows[i + 1].size() == 3);
    CHECK(rows[i + 1][0] == record["EventStart"].get<std::string>());
    CHECK(rows[i + 1][1] == record.value("EventTargetText", ""));  // navigate events have none
    CHECK(rows[i + 1][2] == record["IndvId"].dump());
  }
}

TEST_CASE("--prepare-ms: PENDING with a growing percentage, then COMPLETED with results, 404 before") {
  SimServer sim({"--bundles", "1", "--events-per-bundle", "10", "--prepare-ms", "1500"});
  const std::string operation = create_export(sim, export_body("", ""));
  const nlohmann::json pending = poll(sim, operation);
  CHECK(pending["id"] == operation);
  CHECK(pending["type"] == "SEARCH_EXPORT");
  CHECK(pending["state"] == "PENDING");
  CHECK(pending["estimatePctComplete"].get<int>() >= 0);
  CHECK(pending["estimatePctComplete"].get<int>() <= 99);
  CHECK(pending["createdAt"].get<std::string>().ends_with("Z"));
  CHECK_FALSE(pending.contains("results"));
  CHECK_FALSE(pending.contains("finishedAt"));

  const nlohmann::json done = wait_finished(sim, operation);
  CHECK(done["state"] == "COMPLETED");
  CHECK(done["estimatePctComplete"] == 100);
  CHECK(done["finishedAt"] > done["createdAt"]);
  CHECK(done["results"]["searchExportId"].is_string());
  CHECK(done["results"]["expires"].is_string());
  CHECK(http_get(sim.port(), results_path("se-unknown")).status == 404);
}

TEST_CASE("operation:failed@START fails that window's export only") {
  SimServer sim({"--bundles", "1", "--events-per-bundle", "10", "--fault",
                 "operation:failed@" + std::to_string(kDayStartUnix + 3600)});
  const nlohmann::json failed = wait_finished(sim, create_export(sim, export_body("2023-11-15T01:00:00Z", "")));
  CHECK(failed["state"] == "FAILED");
  CHECK(failed["errorDetails"] == "export failed: internal error preparing the export");
  CHECK_FALSE(failed.contains("results"));
  CHECK(wait_finished(sim, create_export(sim, export_body(kDayStart, "")))["state"] == "COMPLETED");
}

TEST_CASE("results:expired hands out an expired location: 400 ExpiredToken, and the next one works") {
  SimServer sim({"--bundles", "1", "--events-per-bundle", "10", "--fault", "results:expired"});
  const nlohmann::json status = wait_finished(sim, create_export(sim, export_body("", "")));
  const std::string results = results_path(status["results"]["searchExportId"]);
  const HttpReply expired = download(sim,
                                     location_path(sim, parse_json(http_get(sim.port(), results).body)["location"]));
  CHECK(expired.status == 400);
  CHECK(expired.body.find("<Code>ExpiredToken</Code>") != std::string::npos);
  const HttpReply fresh = download(sim, location_path(sim, parse_json(http_get(sim.port(), results).body)["location"]));
  CHECK(fresh.status == 200);
}

TEST_CASE("storage refuses an Authorization header (counted, logged) and a wrong signature") {
  SimServer sim({"--bundles", "1", "--events-per-bundle", "10", "--verbose"});
  const std::string path = completed_download(sim, export_body("", ""));
  const HttpReply with_auth = download(sim, path, basic_auth());
  CHECK(with_auth.status == 400);
  CHECK(with_auth.body.find("<Code>InvalidAuthentication</Code>") != std::string::npos);
  CHECK(with_auth.body.find("Authorization header not allowed with a signed URL") != std::string::npos);
  const HttpReply forged = download(sim, path.substr(0, path.size() - 4) + "0000");
  CHECK(forged.status == 403);
  CHECK(forged.body.find("<Code>SignatureDoesNotMatch</Code>") != std::string::npos);
  CHECK(parse_json(http_get(sim.port(), "/__sim/stats", {}).body)["storage_authorization_rejected"] == 1);
  const std::string log = sim.log();
  CHECK(log.find("Authorization header") != std::string::npos);
  CHECK(log.find(kApiKey) == std::string::npos);
  CHECK(log.find(path.substr(path.find("sig=") + 4)) == std::string::npos);  // the signature is redacted
}

TEST_CASE("Range: 206 with the tail, If-Range honoured, 416 past the end") {
  SimServer sim({"--bundles", "1", "--events-per-bundle", "500"});
  const std::string path = completed_download(sim, export_body("", ""));
  const HttpReply full = download(sim, path);
  REQUIRE(full.status == 200);
  const std::size_t total = full.body.size();
  const std::size_t from = total / 3;

  const HttpReply tail = download(sim, path, {{"Range", "bytes=" + std::to_string(from) + "-"}});
  CHECK(tail.status == 206);
  CHECK(tail.header("Content-Range") ==
        "bytes " + std::to_string(from) + "-" + std::to_string(total - 1) + "/" + std::to_string(total));
  CHECK(tail.body == full.body.substr(from));

  const HttpReply middle = download(sim, path, {{"Range", "bytes=10-19"}, {"If-Range", full.header("ETag")}});
  CHECK(middle.status == 206);
  CHECK(middle.body == full.body.substr(10, 10));

  const HttpReply changed = download(sim, path, {{"Range", "bytes=10-"}, {"If-Range", "\"another-etag\""}});
  CHECK(changed.status == 200);
  CHECK(changed.body == full.body);

  const HttpReply past = download(sim, path, {{"Range", "bytes=" + std::to_string(total) + "-"}});
  CHECK(past.status == 416);
  CHECK(past.header("Content-Range") == "bytes */" + std::to_string(total));
  CHECK(parse_json(http_get(sim.port(), "/__sim/stats", {}).body)["storage_range_requests"] == 4);
  CHECK(sim.log().find("storage: Range bytes=" + std::to_string(from) + "- for export ") != std::string::npos);
}

TEST_CASE("storage:truncate cuts the body short of its Content-Length, and a Range request resumes it") {
  SimServer sim({"--bundles", "1", "--events-per-bundle", "500", "--fault",
                 "storage:truncate:1@" + std::to_string(kDayStartUnix)});
  const std::string path = completed_download(sim, export_body(kDayStart, ""));
  const RawReply cut = raw_exchange(sim.port(),
                                    "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  REQUIRE(cut.head().find("200") != std::string::npos);
  const std::string head = cut.head();
  const auto length_at = head.find("Content-Length: ");
  REQUIRE(length_at != std::string::npos);
  const std::size_t total = std::stoul(head.substr(length_at + 16));
  const std::string part = cut.body();
  REQUIRE(part.size() < total);
  CHECK(part.size() > 0);

  const HttpReply rest = download(sim, path, {{"Range", "bytes=" + std::to_string(part.size()) + "-"}});
  REQUIRE(rest.status == 206);
  const std::string whole = part + rest.body;
  CHECK(whole.size() == total);
  CHECK(whole == download(sim, path).body);
  CHECK_NOTHROW(gunzip(whole));
}

TEST_CASE("--api-rate-limit and --max-pending-exports answer 429 with Retry-After and a JSON body") {
  SUBCASE("rate limit") {
    SimServer sim({"--bundles", "1", "--events-per-bundle", "5", "--api-rate-limit", "2", "--api-rate-window", "60"});
    const std::string operation = create_export(sim, export_body("", ""));
    CHECK(http_get(sim.port(), "/operations/v1/" + operation).status == 200);
    const HttpReply limited = http_get(sim.port(), "/operations/v1/" + operation);
    CHECK(limited.status == 429);
    CHECK(std::stoi(limited.header("Retry-After")) >= 1);
    CHECK(parse_json(limited.body) ==
          nlohmann::json{{"code", "too_many_requests"},
                         {"message", "Too many requests. Client has exceeded the rate limit for this endpoint."}});
  }
  SUBCASE("pending exports") {
    SimServer sim(
        {"--bundles", "1", "--events-per-bundle", "5", "--max-pending-exports", "1", "--prepare-ms", "600000"});
    create_export(sim, export_body("", ""));
    const HttpReply limited = post_export(sim, export_body(kDayStart, ""));
    CHECK(limited.status == 429);
    CHECK(limited.header("Retry-After") == "1");
    CHECK(parse_json(limited.body)["code"] == "too_many_requests");
    const nlohmann::json stats = parse_json(http_get(sim.port(), "/__sim/stats", {}).body);
    CHECK(stats["exports_created"] == 1);
    CHECK(stats["exports_pending_max"] == 1);
  }
}

TEST_CASE("a bad create body is a 400 naming the member, an unknown segment or operation a 404") {
  SimServer sim({"--bundles", "1", "--events-per-bundle", "5", "--segment", "checkout-abandoners"});
  struct Case {
    std::string body;
    std::string message_part;
  };
  nlohmann::json unknown_field = export_body("", "");
  unknown_field["fields"] = {"EventStart", "NoSuchField"};
  nlohmann::json bad_type = export_body("", "");
  bad_type["type"] = "TYPE_SESSION";
  nlohmann::json no_segment = export_body("", "");
  no_segment.erase("segmentId");
  const Case cases[] = {{"{not json", "invalid JSON"},
                        {no_segment.dump(), "segmentId"},
                        {bad_type.dump(), "TYPE_SESSION"},
                        {export_body("yesterday", "").dump(), "timeRange.start"},
                        {export_body("", "", "FORMAT_XML").dump(), "format"},
                        {unknown_field.dump(), "NoSuchField"}};
  for (const Case& c : cases) {
    CAPTURE(c.body);
    const HttpReply reply = http_request(sim.port(), "POST", "/segments/v1/exports", basic_auth(), c.body);
    CHECK(reply.status == 400);
    const nlohmann::json error = parse_json(reply.body);
    CHECK(error["code"] == "invalid_argument");
    CHECK(error["message"].get<std::string>().find(c.message_part) != std::string::npos);
  }
  nlohmann::json other_segment = export_body("", "");
  other_segment["segmentId"] = "nobody";
  const HttpReply missing = post_export(sim, other_segment);
  CHECK(missing.status == 404);
  CHECK(parse_json(missing.body) ==
        nlohmann::json{{"code", "resource_not_found"}, {"message", "segment 'nobody' not found"}});
  other_segment["segmentId"] = "checkout-abandoners";
  CHECK(post_export(sim, other_segment).status == 200);
  CHECK(post_export(sim, export_body("", ""), {{"Authorization", "Basic wrong"}}).status == 401);

  const HttpReply unknown = http_get(sim.port(), "/operations/v1/op-nope");
  CHECK(unknown.status == 404);
  CHECK(parse_json(unknown.body)["code"] == "resource_not_found");
}

TEST_CASE("TYPE_INDIVIDUAL: one record per visitor of the window, by IndvId, agreeing with its events") {
  const std::vector<std::string> config{"--bundles", "1", "--events-per-bundle", "3000"};
  const std::string end = "2023-11-15T12:00:00Z";
  const std::vector<std::string> events = sim_dumped_segment_export(config, kDayStart, end);
  const std::vector<std::string> individuals = sim_dumped_segment_export(config, kDayStart, end, "TYPE_INDIVIDUAL");
  REQUIRE(events.size() > 1000);
  REQUIRE(individuals.size() > 100);

  std::map<std::int64_t, std::vector<nlohmann::json>> by_visitor;
  for (const std::string& text : events) {
    nlohmann::json event = parse_json(text);
    by_visitor[event["IndvId"].get<std::int64_t>()].push_back(std::move(event));
  }
  REQUIRE(individuals.size() == by_visitor.size());
  auto visitor = by_visitor.begin();
  for (const std::string& text : individuals) {
    const nlohmann::json individual = parse_json(text);
    const std::vector<nlohmann::json>& own = visitor->second;
    CHECK(individual["IndvId"].get<std::int64_t>() == visitor->first);
    CHECK(individual["NumEvents"] == own.size());
    CHECK(individual["LastEventStart"] == own.back()["EventStart"]);
    CHECK(individual["DisplayName"] == own.front()["UserDisplayName"]);
    CHECK(individual.value("Email", "") == own.front().value("UserEmail", ""));
    ++visitor;
  }

  SimServer sim(config);
  const std::string path = completed_download(sim, export_body(kDayStart, end, "FORMAT_JSON", "TYPE_INDIVIDUAL"));
  CHECK(gunzip(download(sim, path).body) == json_array_of(individuals));
}

TEST_CASE("create and operation faults: 5xx with the server_error body, then the retry succeeds") {
  SimServer sim({"--bundles", "1", "--events-per-bundle", "5", "--fault",
                 "create:503:1@" + std::to_string(kDayStartUnix), "--fault", "operation:500"});
  const HttpReply failed = post_export(sim, export_body(kDayStart, ""));
  CHECK(failed.status == 503);
  CHECK(parse_json(failed.body) ==
        nlohmann::json{{"code", "server_error"}, {"message", "Server error was encountered"}});
  const std::string operation = create_export(sim, export_body(kDayStart, ""));
  const HttpReply poll_failed = http_get(sim.port(), "/operations/v1/" + operation);
  CHECK(poll_failed.status == 500);
  CHECK(parse_json(poll_failed.body)["code"] == "server_error");
  CHECK(wait_finished(sim, operation)["state"] == "COMPLETED");
  const nlohmann::json stats = parse_json(http_get(sim.port(), "/__sim/stats", {}).body);
  CHECK(stats["faults_injected"] == 2);
  CHECK(stats["exports_created"] == 1);
}

TEST_CASE("--fault refuses failed and expired outside operation and results") {
  const ProcessResult failed = run_sim({"--api-key", "k", "--fault", "storage:failed"});
  CHECK(failed.exit_code == 2);
  CHECK(failed.err.find("'failed' only applies to 'operation'") != std::string::npos);
  const ProcessResult expired = run_sim({"--api-key", "k", "--fault", "create:expired"});
  CHECK(expired.exit_code == 2);
  CHECK(expired.err.find("'expired' only applies to 'results'") != std::string::npos);
  const ProcessResult endpoint = run_sim({"--api-key", "k", "--fault", "download:500"});
  CHECK(endpoint.exit_code == 2);
  CHECK(endpoint.err.find("create|operation|results|storage") != std::string::npos);
}

TEST_CASE("a results location expires after --export-ttl-seconds: results and storage answer 404") {
  SimServer sim({"--bundles", "1", "--events-per-bundle", "5", "--export-ttl-seconds", "2"});
  const nlohmann::json status = wait_finished(sim, create_export(sim, export_body("", "")));
  const std::string id = status["results"]["searchExportId"];
  const HttpReply results = http_get(sim.port(), results_path(id));
  REQUIRE(results.status == 200);
  const std::string path = location_path(sim, parse_json(results.body)["location"]);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  CHECK(http_get(sim.port(), results_path(id)).status == 404);
  CHECK(download(sim, path).status == 404);
}
