// State identity (run_identity.h): the envelope records it, a run of another account or
// output is refused naming both, an older state without one adopts the run's.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exit_codes.h"
#include "host_error.h"
#include "host_support.h"
#include "run_identity.h"
#include "state_store.h"

using etlhost::HostError;
using etlhost::RunIdentity;
using etlhost::StoredState;
using hosttest::contains;

namespace {

struct QuietLogger {
  std::vector<std::string> lines;
  etlhost::Logger logger{etlhost::LogLevel::kDebug, [this](std::string_view line) { lines.emplace_back(line); }};
};

const RunIdentity kSimulator{R"({"account":"00112233aabbccdd","base_url":"http://127.0.0.1:4000"})",
                             R"({"output_dir":"/data/out"})"};

StoredState stored_with(const std::string& envelope) {
  QuietLogger quiet;
  return etlhost::parse_state_text(envelope, "s.json", "fullstory", "csv", quiet.logger);
}

std::string envelope_of(const RunIdentity& identity) {
  return etlhost::make_state_envelope("fullstory", R"({"events":"b1"})", "csv", R"({"files":{}})",
                                      "2026-12-02T00:00:00Z", identity.envelope_member());
}

// The refusal's message (and that it is exit 7).
std::string refusal(const StoredState& stored, const RunIdentity& now) {
  QuietLogger quiet;
  try {
    etlhost::check_run_identity(stored, now, "s.json", "fullstory", "csv", quiet.logger);
  } catch (const HostError& error) {
    CHECK(error.exit_code() == etlhost::exit_code::kStateFile);
    return error.what();
  }
  FAIL("expected the identity to be refused");
  return "";
}

}  // namespace

TEST_CASE("the envelope records both identities and reads them back") {
  const std::string text = envelope_of(kSimulator);
  const auto json = nlohmann::json::parse(text);
  CHECK(json["identity"]["source"]["base_url"] == "http://127.0.0.1:4000");
  CHECK(json["identity"]["sink"]["output_dir"] == "/data/out");
  const StoredState stored = stored_with(text);
  REQUIRE(stored.identity);
  CHECK(nlohmann::json::parse(*stored.identity) == json["identity"]);
  CHECK(stored.source_state == R"({"events":"b1"})");
}

TEST_CASE("the same identities pass, and an envelope without one adopts the run's with an INFO line") {
  QuietLogger quiet;
  etlhost::check_run_identity(stored_with(envelope_of(kSimulator)), kSimulator, "s.json", "fullstory", "csv",
                              quiet.logger);
  CHECK(quiet.lines.empty());
  const std::string old = etlhost::make_state_envelope("fullstory", R"({"events":"b1"})", "csv", std::nullopt,
                                                       "2026-12-02T00:00:00Z");
  CHECK_FALSE(contains(old, "identity"));
  etlhost::check_run_identity(stored_with(old), kSimulator, "s.json", "fullstory", "csv", quiet.logger);
  REQUIRE(quiet.lines.size() == 1);
  CHECK(contains(quiet.lines[0], "records no identity"));
  CHECK(contains(quiet.lines[0], "00112233aabbccdd"));
}

TEST_CASE("another account is refused naming both identities and what to do") {
  RunIdentity real = kSimulator;
  real.source = R"({"account":"ffeeddccbbaa9988","base_url":"https://export.fullstory.com"})";
  const std::string message = refusal(stored_with(envelope_of(kSimulator)), real);
  CHECK(contains(message, "belongs to another account"));
  CHECK(contains(message, "http://127.0.0.1:4000"));
  CHECK(contains(message, "https://export.fullstory.com"));
  CHECK(contains(message, "another --state file"));
  CHECK(contains(message, "--full-refresh"));
  CHECK_FALSE(contains(message, "output_dir"));  // the sink is the same: not named as differing
}

TEST_CASE("another output directory is refused too, and a plugin without identity is not compared") {
  RunIdentity moved = kSimulator;
  moved.sink = R"({"output_dir":"/data/elsewhere"})";
  const std::string message = refusal(stored_with(envelope_of(kSimulator)), moved);
  CHECK(contains(message, "belongs to another output"));
  CHECK(contains(message, "/data/elsewhere"));
  CHECK(contains(message, "/data/out"));

  QuietLogger quiet;
  RunIdentity singer = kSimulator;
  singer.sink.clear();  // singer records none
  etlhost::check_run_identity(stored_with(envelope_of(kSimulator)), singer, "s.json", "fullstory", "csv", quiet.logger);
  CHECK(RunIdentity{kSimulator.source, ""}.envelope_member().find("\"sink\":null") != std::string::npos);
}
