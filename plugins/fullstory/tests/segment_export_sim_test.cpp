// SegmentExportApi against the real fullstory-sim over 127.0.0.1: create, poll, results and
// the signed download (no Authorization to storage), a cut download resumed with Range, an
// expired location refreshed, a 429 on create waited out, a FAILED operation reported.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <nlohmann/json.hpp>

#include "body_decoder.h"
#include "cancel_watch.h"
#include "etlhost/plugin.hpp"
#include "fullstory_sim.h"
#include "json_array_splitter.h"
#include "segment_export_api.h"
#include "signed_location.h"
#include "source_config.h"
#include "text.h"
#include "timestamps.h"

using namespace fullstory;
using etltest::contains;
using etltest::Simulator;

namespace {

constexpr int64_t kWindowStart = 1'700'000'000 - 1'700'000'000 % 3600;  // an hour boundary
constexpr int64_t kWindowEnd = kWindowStart + 3600;

const std::vector<std::string> kSimArgs = {"--first-start",       std::to_string(kWindowStart),
                                           "--bundle-period",     "3600",
                                           "--bundles",           "2",
                                           "--events-per-bundle", "400",
                                           "--prepare-ms",        "0"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The host services a plugin gets, recording the log and the counters for the checks.
class RecordingHost {
 public:
  RecordingHost() {
    api_.struct_size = sizeof api_;
    api_.abi_version = ETL_ABI_VERSION;
    api_.host_ctx = this;
    api_.log = [](void* self, int32_t, etl_str message) {
      auto& host = *static_cast<RecordingHost*>(self);
      const std::lock_guard lock(host.mutex_);
      host.log_ += std::string(message.data, message.size) + "\n";
    };
    api_.count = [](void* self, etl_str counter, int64_t delta) {
      auto& host = *static_cast<RecordingHost*>(self);
      const std::lock_guard lock(host.mutex_);
      host.counters_[std::string(counter.data, counter.size)] += delta;
    };
  }
  etl::Host host() const { return etl::Host(&api_); }
  std::string log() {
    const std::lock_guard lock(mutex_);
    return log_;
  }
  int64_t counter(const std::string& name) {
    const std::lock_guard lock(mutex_);
    return counters_[name];
  }

 private:
  etl_host_api api_{};
  std::mutex mutex_;
  std::string log_;
  std::map<std::string, int64_t> counters_;
};

// The source's config against `sim`, with test timings (10 ms backoff, short timeouts).
SourceConfig config_for(const Simulator& sim) {
  SourceConfig config{};
  config.api_key = etltest::kApiKey;
  std::string problem;
  config.base_url = *parse_base_url(sim.base_url(), problem);
  config.user_agent = "segment-export-test";
  config.connect_timeout = std::chrono::seconds(5);
  config.connect_retry = std::chrono::seconds(0);
  config.idle_timeout = std::chrono::seconds(5);
  config.request_timeout = std::chrono::seconds(60);
  config.max_attempts = 6;
  config.retry_base_delay = std::chrono::milliseconds(10);
  config.retry_max_delay = std::chrono::milliseconds(50);
  config.max_total_wait = std::chrono::seconds(120);
  config.max_event_bytes = int64_t{64} << 20;
  return config;
}

// A consumer that decodes the body the way BundleReader does (gunzip, split the array) and
// keeps the events: bytes repeated or missing across a resume break the gzip stream.
class EventCollector final : public BodyConsumer, private ElementSink {
 public:
  void begin_attempt() override {
    ++attempts;
    events.clear();
    decoder_.reset();
    splitter_.reset();
  }
  void consume(const char* data, size_t size) override { decoder_.write(data, size); }
  void end_of_body(bool) override {
    decoder_.finish();
    splitter_.finish();
  }

  int attempts = 0;
  std::vector<std::string> events;

 private:
  void element(std::string_view json) override { events.emplace_back(json); }
  void oversized_element(uint64_t) override { FAIL("an oversized element"); }

  JsonArraySplitter splitter_{*this};
  BodyDecoder decoder_{splitter_};
};

// One SegmentExportApi on `sim`, with what the tests look at.
struct Client {
  explicit Client(const Simulator& sim)
      : host(recording.host()), config(config_for(sim)), watch(host), api(config, nullptr, host, watch) {}

  ExportRequest window_request() const {
    ExportRequest request;
    request.window = {kWindowStart, kWindowEnd};
    return request;
  }
  // Polls until the operation is final (the simulator prepares in --prepare-ms).
  OperationStatus finished(const std::string& operation_id) {
    for (int poll = 0; poll < 600; ++poll) {
      const OperationStatus status = api.operation(operation_id);
      if (status.state != OperationStatus::State::kPending) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("operation " << operation_id << " still pending after 600 polls");
    throw;
  }
  std::string completed_export() {
    const OperationStatus status = finished(api.create_export(window_request()));
    REQUIRE(status.state == OperationStatus::State::kCompleted);
    return status.search_export_id;
  }

  RecordingHost recording;
  etl::Host host;  // the API and the watch keep a reference to it
  SourceConfig config;
  CancelWatch watch;
  SegmentExportApi api;
};

std::vector<std::string> truth(const std::vector<std::string>& args) {
  return Simulator::dump_segment_export(args, format_rfc3339_utc(kWindowStart), format_rfc3339_utc(kWindowEnd));
}

// GET `target` on `origin` with the API key, as a careless client would.
std::string get_with_key(const BaseUrl& origin, const std::string& target, int& status) {
  Poco::Net::HTTPClientSession session(origin.host, origin.port);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Authorization", std::string("Basic ") + etltest::kApiKey);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  status = static_cast<int>(response.getStatus());
  return body;
}

// True when every URL the log shows as "... (signed URL)" is shown without its query.
bool signed_urls_shown_without_query(const std::string& log) {
  size_t shown = 0;
  for (size_t at = log.find(" (signed URL)"); at != std::string::npos; at = log.find(" (signed URL)", at + 1)) {
    const size_t url_start = log.rfind(' ', at - 1) + 1;
    if (log.substr(url_start, at - url_start).find('?') != std::string::npos) return false;
    ++shown;
  }
  return shown > 0;
}

}  // namespace

TEST_CASE("segment export: create, poll and download deliver the simulator's events, storage sees no Authorization") {
  Simulator sim(kSimArgs);
  Client client(sim);
  const std::string export_id = client.completed_export();
  EventCollector events;
  client.api.download(export_id, events);
  CHECK(events.attempts == 1);
  CHECK(events.events == truth(kSimArgs));
  CHECK(!events.events.empty());
  CHECK(client.recording.counter("bytes_downloaded") > 0);
  CHECK(sim.stats()["storage_authorization_rejected"] == 0);

  // The simulator does reject a key sent to storage, and counts it: the zero above means something.
  int status = 0;
  std::string problem;
  const BaseUrl api = *parse_base_url(sim.base_url(), problem);
  const auto results = nlohmann::json::parse(get_with_key(api, "/search/v1/exports/" + export_id + "/results", status));
  REQUIRE(status == 200);
  const auto location = parse_signed_location(results.at("location").get<std::string>(), problem);
  REQUIRE(location.has_value());
  get_with_key(location->origin, location->target, status);
  CHECK(status == 400);
  CHECK(sim.stats()["storage_authorization_rejected"] == 1);
}

TEST_CASE("segment export: a download cut mid-body resumes with Range, each byte delivered once") {
  const auto args = with(kSimArgs, {"--fault", "storage:truncate:1"});
  Simulator sim(args);
  Client client(sim);
  const std::string export_id = client.completed_export();
  EventCollector events;
  client.api.download(export_id, events);
  CHECK(events.attempts == 1);  // continued, never restarted: the gzip stream checks every byte
  CHECK(events.events == truth(kSimArgs));
  CHECK(client.recording.counter("range_resumes") == 1);
  CHECK(client.api.last_download_attempts() == 2);
  CHECK(sim.stats()["storage_range_requests"] == 1);
  // The offset we resumed at is the one the simulator was asked for.
  const std::string log = client.recording.log();
  const size_t resumed = log.find("resumed at byte ");
  REQUIRE(resumed != std::string::npos);
  const std::string offset = log.substr(resumed + 16, log.find('\n', resumed) - resumed - 16);
  CHECK(std::stoull(offset) > 0);
  CHECK_MESSAGE(sim.wait_for_log("storage: Range bytes=" + offset + "- for export " + export_id), sim.log());
}

TEST_CASE("segment export: a body that stalls and is closed mid-way resumes with Range too") {
  const auto args = with(kSimArgs, {"--fault", "storage:stall:1", "--stall-seconds", "1"});
  Simulator sim(args);
  Client client(sim);
  EventCollector events;
  client.api.download(client.completed_export(), events);
  CHECK(events.attempts == 1);
  CHECK(events.events == truth(kSimArgs));
  CHECK(client.recording.counter("range_resumes") == 1);
}

TEST_CASE("segment export: an expired location is replaced by a fresh one from the results endpoint") {
  const auto args = with(kSimArgs, {"--fault", "results:expired:1"});
  Simulator sim(args);
  Client client(sim);
  EventCollector events;
  client.api.download(client.completed_export(), events);
  CHECK(events.events == truth(kSimArgs));
  const std::string log = client.recording.log();
  CHECK(contains(log, "fetching a fresh location (1 of 3)"));
  CHECK(signed_urls_shown_without_query(log));  // the signature never shows
}

TEST_CASE("segment export: a 429 on create is waited out as Retry-After says") {
  Simulator sim(with(kSimArgs, {"--api-rate-limit", "1"}));
  Client client(sim);
  const std::string first = client.api.create_export(client.window_request());
  const std::string second = client.api.create_export(client.window_request());
  CHECK(first != second);
  CHECK(client.recording.counter("rate_limit_waits") >= 1);
  CHECK(contains(client.recording.log(), "(Retry-After)"));
  CHECK(client.api.waited() >= std::chrono::seconds(1));  // what the session waited, not a clock reading
}

TEST_CASE("segment export: a FAILED operation is reported with its errorDetails") {
  Simulator sim(with(kSimArgs, {"--fault", "operation:failed"}));
  Client client(sim);
  const OperationStatus status = client.finished(client.api.create_export(client.window_request()));
  CHECK(status.state == OperationStatus::State::kFailed);
  CHECK(!status.error_details.empty());
}

TEST_CASE("segment export: a 503 on create is retried, an unknown segment fails fast naming segment_id") {
  Simulator sim(with(kSimArgs, {"--fault", "create:503:2"}));
  Client client(sim);
  CHECK(!client.api.create_export(client.window_request()).empty());
  CHECK(client.recording.counter("http_retries") == 2);
  ExportRequest unknown = client.window_request();
  unknown.segment_id = "no-such-segment";
  try {
    client.api.create_export(unknown);
    FAIL("accepted an unknown segment");
  } catch (const etl::Error& e) {
    CHECK(e.code() == ETL_E_NOT_FOUND);
    CHECK(contains(e.what(), "segment 'no-such-segment' does not exist: check segment_id"));
    CHECK(!contains(e.what(), etltest::kApiKey));
  }
}

TEST_CASE("segment export: a storage host refusing every fresh location fails after 3 refreshes, saying so") {
  Simulator sim(with(kSimArgs, {"--fault", "results:expired:always"}));  // every location handed out has expired
  Client client(sim);
  EventCollector events;
  try {
    client.api.download(client.completed_export(), events);
    FAIL("downloaded with expired locations only");
  } catch (const etl::Error& e) {
    CHECK(e.code() == ETL_E_PERMISSION_DENIED);
    CHECK(contains(e.what(), "after 3 fresh locations from the results endpoint"));
    CHECK(contains(e.what(), "(signed URL)"));
    CHECK(signed_urls_shown_without_query(e.what()));
  }
  CHECK(sim.stats()["results_requests"] == 4);
}

TEST_CASE("segment export: results gone after the export's lifetime are ExportGone, for the caller to create again") {
  Simulator sim(with(kSimArgs, {"--export-ttl-seconds", "1"}));
  Client client(sim);
  const std::string export_id = client.completed_export();
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past the 1 s lifetime
  EventCollector events;
  CHECK_THROWS_AS(client.api.download(export_id, events), ExportGone);
  CHECK(events.attempts == 0);
}
