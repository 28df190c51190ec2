// A hostile server (fullstory-sim --reflect-auth) echoes the request's Authorization header in
// every form an echo takes: the real etlhost binary still fails or retries as before, names
// the status, and its output holds no 12-character run of the key in ANY form (checked by
// etltest::revealed_run, which shares no code with the plugin's etl::Redactor).
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "etlhost_bin.h"
#include "fullstory_support.h"
#include "process.h"
#include "secret_leaks.h"

using namespace fstest;

namespace {

// `etlhost run fullstory to null` against a simulator started with --reflect-auth `reflect`,
// two attempts per request, the key from FULLSTORY_API_KEY, debug logging (every line).
etltest::ProcessResult run_reflected(const std::string& reflect) {
  Simulator sim({"--bundles", "2", "--events-per-bundle", "5", "--reflect-auth", reflect});
  TempDir dir;
  nlohmann::json config = nlohmann::json::parse(plugin_config(sim, {{"max_attempts", 2}}));
  config.erase("api_key");
  const std::string config_path = dir.file("fullstory.json");
  std::ofstream(config_path) << config.dump();
  etltest::ProcessOptions options;
  options.env["FULLSTORY_API_KEY"] = kApiKey;
  options.timeout = std::chrono::seconds(60);
  return etltest::run_process(etltest::etlhost_bin(),
                              {"run", "fullstory", "to", "null", "--config", config_path, "--log-level", "debug"},
                              options);
}

// The run failed as a source failure after its retries, its messages hold every one of
// `expected` (the status, and the echo redacted or withheld), and no form of the key.
void check_failed_without_key(const etltest::ProcessResult& run, const std::vector<std::string>& expected) {
  CHECK_MESSAGE(run.exit_code == 5, run.describe());
  CHECK_MESSAGE(contains(run.err, "gave up after 2 attempts"), run.err);
  for (const std::string& text : expected) CHECK_MESSAGE(contains(run.err, text), text << " not in:\n" << run.err);
  const std::string revealed = etltest::revealed_run(run.out + run.err, kApiKey);
  CHECK_MESSAGE(revealed.empty(), "the output reveals '" << revealed << "' of the key:\n" << run.err);
}

const std::string kBodyWithheld = "HTTP 502 Bad Gateway; (the body (";
const std::string kWhy = "bytes) was withheld: it holds part of the API key";

}  // namespace

TEST_CASE("a 502 body echoing the key verbatim is redacted, the status still named") {
  check_failed_without_key(run_reflected("verbatim"), {"HTTP 502 Bad Gateway; the body says: upstream refused the "
                                                       "request; it carried Authorization: Basic ***"});
}

TEST_CASE("a 502 body echoing the key JSON-escaped is withheld") {
  check_failed_without_key(run_reflected("json-escaped"), {kBodyWithheld, kWhy});
}

TEST_CASE("a 502 body echoing the key URL-encoded is withheld") {
  check_failed_without_key(run_reflected("url-encoded"), {kBodyWithheld, kWhy});
}

TEST_CASE("a 502 body echoing the key in base64 is withheld") {
  check_failed_without_key(run_reflected("base64"), {kBodyWithheld, kWhy});
}

TEST_CASE("a 502 body echoing base64 of KEY colon is withheld") {
  check_failed_without_key(run_reflected("base64-colon"), {kBodyWithheld, kWhy});
}

TEST_CASE("a 502 body echoing the key across the 300-byte excerpt cut is redacted before the cut") {
  check_failed_without_key(run_reflected("straddle"),
                           {"HTTP 502 Bad Gateway; the body says: upstream refused", ".***"});
}

TEST_CASE("a 429 whose Retry-After echoes the key is retried and the value redacted") {
  const auto run = run_reflected("retry-after");
  check_failed_without_key(run, {"HTTP 429 Too Many Requests (unusable Retry-After 'Basic ***')", "attempt 1 of 2"});
}

TEST_CASE("a 502 whose reason phrase quotes the key cut short is withheld, the status code kept") {
  check_failed_without_key(run_reflected("reason"), {"HTTP 502 (the reason phrase (", kWhy});
}

TEST_CASE("export/get echoing the key across the excerpt cut is redacted before the cut too") {
  check_failed_without_key(run_reflected("get:straddle"),
                           {"export/get id=", "the body says: upstream refused", ".***"});
}
