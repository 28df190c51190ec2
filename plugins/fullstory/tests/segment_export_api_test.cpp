// Unit tests of the Segment Export API's documents (the create body, operation and results
// answers, hostile ones included), FullStory's {code, message} error bodies, Content-Range
// and the signed download location with its redacted rendering.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "api_session.h"
#include "content_range.h"
#include "etlhost/plugin.hpp"
#include "segment_export_json.h"
#include "signed_location.h"
#include "text.h"

using namespace fullstory;
using etltest::contains;

namespace {

// The INVALID_DATA message `parse` throws for `body`, or "" when it accepts it.
template <typename Parse>
std::string refusal(Parse parse, const std::string& body) {
  try {
    parse(body);
  } catch (const etl::Error& e) {
    CHECK(e.code() == ETL_E_INVALID_DATA);
    CHECK(std::string(e.what()).size() < 600);  // hostile values are quoted in part only
    return e.what();
  }
  return "";
}

std::string operation_refusal(const std::string& body) { return refusal(parse_operation_status, body); }

}  // namespace

TEST_CASE("segment export: the create body names the window in RFC 3339, FORMAT_JSON, fields only when given") {
  ExportRequest request;
  request.window = {1'700'092'800, 1'700'096'400};
  const auto body = nlohmann::json::parse(create_export_body(request));
  CHECK(body == nlohmann::json::parse(R"({"segmentId":"everyone","type":"TYPE_EVENT","format":"FORMAT_JSON",
      "timeRange":{"start":"2023-11-16T00:00:00Z","end":"2023-11-16T01:00:00Z"},
      "segmentTimeRange":{"start":"","end":""}})"));
  request.segment_id = "a\"b";  // escaped, not spliced
  request.type = "TYPE_INDIVIDUAL";
  request.fields = {"EventStart", "PageUserAgent"};
  const auto with_fields = nlohmann::json::parse(create_export_body(request));
  CHECK(with_fields["segmentId"] == "a\"b");
  CHECK(with_fields["type"] == "TYPE_INDIVIDUAL");
  CHECK(with_fields["fields"] == nlohmann::json::array({"EventStart", "PageUserAgent"}));
}

TEST_CASE("segment export: the create answer's operationId") {
  CHECK(parse_create_export_answer(R"({"operationId":"op-1"})") == "op-1");
  CHECK(contains(refusal(parse_create_export_answer, R"({"operationId":""})"), "found no operationId"));
  CHECK(contains(refusal(parse_create_export_answer, R"({"operationId":7})"), "found 7"));
  CHECK(contains(refusal(parse_create_export_answer, R"([1,2])"), "an array of 2 elements"));
}

TEST_CASE("segment export: operation states PENDING, COMPLETED and FAILED") {
  const auto pending = parse_operation_status(R"({"id":"op","type":"SEARCH_EXPORT","state":"PENDING",
      "estimatePctComplete":40,"createdAt":"2023-11-16T00:00:00Z"})");
  CHECK(pending.state == OperationStatus::State::kPending);
  CHECK(pending.percent == 40);
  CHECK(pending.search_export_id.empty());

  const auto completed = parse_operation_status(R"({"id":"op","type":"SEARCH_EXPORT","state":"COMPLETED",
      "estimatePctComplete":100,"results":{"searchExportId":"se-9","expires":"2023-11-17T00:00:00Z"},
      "details":{"ignored":[1,{"x":2}]}})");
  CHECK(completed.state == OperationStatus::State::kCompleted);
  CHECK(completed.percent == 100);
  CHECK(completed.search_export_id == "se-9");
  CHECK(completed.expires == 1'700'179'200);

  const auto failed = parse_operation_status(
      R"({"id":"op","type":"SEARCH_EXPORT","state":"FAILED","errorDetails":"too many events"})");
  CHECK(failed.state == OperationStatus::State::kFailed);
  CHECK(failed.error_details == "too many events");
  CHECK(parse_operation_status(R"({"type":"SEARCH_EXPORT","state":"PENDING"})").percent == 0);  // absent: 0
}

TEST_CASE("segment export: an unknown state, another type or a COMPLETED without its id is refused, naming it") {
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT","state":"RUNNING"})"),
                 "expected state PENDING, COMPLETED or FAILED, found \"RUNNING\", which this source does not know"));
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT"})"), "found no state"));
  CHECK(contains(operation_refusal(R"({"type":"IMPORT","state":"PENDING"})"),
                 "expected type SEARCH_EXPORT, found \"IMPORT\""));
  CHECK(contains(operation_refusal(R"({"state":"PENDING"})"), "found no type"));
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT","state":"COMPLETED"})"),
                 "state COMPLETED without a \"results\" object (found none)"));
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT","state":"COMPLETED","results":{}})"),
                 "without results.searchExportId"));
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT","state":"COMPLETED","results":[]})"),
                 "found an array of 0 elements"));
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT","state":"PENDING","estimatePctComplete":101})"),
                 "an integer from 0 to 100, found 101"));
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT","state":"PENDING","estimatePctComplete":0.5})"),
                 "found 0.5"));
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT","state":"PENDING","estimatePctComplete":1e300})"),
                 "an integer from 0 to 100"));
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT","state":"COMPLETED",
                                      "results":{"searchExportId":"x","expires":"tomorrow"}})"),
                 "\"expires\" to be an RFC 3339 date-time, found \"tomorrow\""));
}

TEST_CASE("segment export: hostile operation bodies (deep, huge, not JSON) are refused, never a crash") {
  const std::string deep = R"({"type":"SEARCH_EXPORT","state":"PENDING","details":)" + std::string(200'000, '[') +
                           std::string(200'000, ']') + "}";
  CHECK(contains(operation_refusal(deep), "nest deeper than"));
  CHECK(contains(operation_refusal(std::string(100'000, '{')), "not JSON"));
  CHECK(contains(operation_refusal(""), "found 0 bytes that are not JSON"));
  CHECK(contains(operation_refusal("<html>502</html>"), "not JSON"));
  const std::string huge_state(1 << 20, 'S');
  const std::string message = operation_refusal(R"({"type":"SEARCH_EXPORT","state":")" + huge_state + "\"}");
  CHECK(contains(message, "found \"SSSS"));
  CHECK(contains(message, "..."));
  CHECK(contains(operation_refusal(R"({"type":"SEARCH_EXPORT","state":["PENDING"]})"),
                 "expected \"state\" to be a string, found an array of 1 elements"));
  // A number beyond every integer type: refused as a number or as JSON, either way by name.
  CHECK(!operation_refusal(R"({"type":"SEARCH_EXPORT","state":"PENDING","estimatePctComplete":)" +
                           std::string(400, '9') + "}")
             .empty());
}

TEST_CASE("segment export: the results answer's location is required and never quoted") {
  const auto results = parse_export_results(
      R"({"location":"https://s.example/x?sig=1","expires":"2023-11-17T00:00:00Z"})");
  CHECK(results.location == "https://s.example/x?sig=1");
  CHECK(results.expires == 1'700'179'200);
  CHECK(contains(refusal(parse_export_results, R"({"expires":"2023-11-17T00:00:00Z"})"), "found no location"));
  CHECK(contains(refusal(parse_export_results, R"({"location":["a"]})"), "to be a string"));
}

TEST_CASE("FullStory error bodies: {code, message} is recognised, anything else is not") {
  const auto error = parse_api_error_body(R"({"code":"too_many_requests","message":"slow down"})");
  REQUIRE(error.has_value());
  CHECK(error->code == "too_many_requests");
  CHECK(error->message == "slow down");
  for (const std::string& other : {std::string(R"({"code":1,"message":"x"})"), std::string(R"({"code":"x"})"),
                                   std::string("<Error><Code>ExpiredToken</Code></Error>"), std::string(""),
                                   std::string(R"({"code":"x","message":"y","more":)") + std::string(50'000, '[')}) {
    CHECK_MESSAGE(!parse_api_error_body(other).has_value(), other.substr(0, 60));
  }
}

TEST_CASE("Content-Range: bytes FIRST-LAST/TOTAL, checked") {
  const auto range = parse_content_range("bytes 100-999/1000");
  REQUIRE(range.has_value());
  CHECK(range->first == 100);
  CHECK(range->last == 999);
  CHECK(range->total == 1000u);
  const auto unknown_total = parse_content_range("bytes 0-0/*");
  REQUIRE(unknown_total.has_value());
  CHECK(!unknown_total->total.has_value());
  CHECK(parse_content_range("bytes 18446744073709551614-18446744073709551614/18446744073709551615").has_value());
  for (const char* bad :
       {"", "bytes", "bytes */1000", "items 0-1/2", "bytes 5-4/10", "bytes 0-10/10", "bytes -1-5/10", "bytes 1-/10",
        "bytes 0-5/", "bytes 0-5/x", "bytes 0-99999999999999999999/*", "bytes 0 - 5/10", "bytes 0-5/10 junk"}) {
    CHECK_MESSAGE(!parse_content_range(bad).has_value(), bad);
  }
}

TEST_CASE("signed location: origin and target split, the query kept for the request and never shown") {
  std::string problem;
  const auto location = parse_signed_location(
      "https://storage.example.com/bucket/export-1.json.gz?X-Goog-Signature=abc123&e=1", problem);
  REQUIRE(location.has_value());
  CHECK(location->origin.tls);
  CHECK(location->origin.host == "storage.example.com");
  CHECK(location->origin.port == 443);
  CHECK(location->origin.path_prefix.empty());
  CHECK(location->target == "/bucket/export-1.json.gz?X-Goog-Signature=abc123&e=1");
  CHECK(location->text() == "https://storage.example.com/bucket/export-1.json.gz (signed URL)");
  CHECK(!contains(location->text(), "abc123"));
  CHECK(location->query_values(6) == std::vector<std::string>{"abc123"});
  CHECK(location->query_values(1) == std::vector<std::string>{"abc123", "1"});

  const auto local = parse_signed_location("http://127.0.0.1:8123/storage/se-1?sig=s", problem);
  REQUIRE(local.has_value());
  CHECK(!local->origin.tls);
  CHECK(local->origin.port == 8123);
  CHECK(local->target == "/storage/se-1?sig=s");
  CHECK(local->text() == "http://127.0.0.1:8123/storage/se-1 (signed URL)");

  const auto bare = parse_signed_location("https://[::1]:9000?sig=s", problem);
  REQUIRE(bare.has_value());
  CHECK(bare->target == "/?sig=s");
  CHECK(bare->text() == "https://[::1]:9000/ (signed URL)");
}

TEST_CASE("signed location: a bad URL is refused with a phrase that does not quote it") {
  const auto problem_of = [](const std::string& url) {
    std::string problem;
    CHECK_MESSAGE(!parse_signed_location(url, problem).has_value(), url);
    CHECK(!contains(problem, "secret"));
    return problem;
  };
  CHECK(contains(problem_of("ftp://host/x?secret"), "does not start with https:// or http://"));
  CHECK(contains(problem_of("https://user:pw@host/x?secret"), "user info"));
  CHECK(contains(problem_of("https:///x?secret"), "has no host"));
  CHECK(contains(problem_of("https://host/x?secret value"), "in its query"));
  CHECK(contains(problem_of("https://host/x?secret\r\nHost: evil"), "in its query"));
  CHECK(contains(problem_of("https://host/x?secret#frag"), "in its query"));
  CHECK(contains(problem_of("https://host/a b?secret"), "invalid character in the path"));
}
