// demo -> singer through the real binary: the output is Singer spec messages, every record
// exactly once and correct, and every STATE says exactly what was emitted before it.
#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "demo_oracle.h"
#include "e2e_support.h"

namespace {

using nlohmann::json;

// The keys the Singer spec allows on each message type (required ones first).
const std::map<std::string, std::set<std::string>> kAllowedKeys = {
    {"SCHEMA", {"type", "stream", "schema", "key_properties", "bookmark_properties"}},
    {"RECORD", {"type", "stream", "record", "time_extracted", "version"}},
    {"STATE", {"type", "value"}},
};

void check_singer_shape(const json& message, size_t line) {
  INFO("line " << line << ": " << message.dump());
  REQUIRE(message.is_object());
  REQUIRE(message.contains("type"));
  const std::string type = message["type"];
  REQUIRE(kAllowedKeys.contains(type));
  for (const auto& [key, value] : message.items()) CHECK(kAllowedKeys.at(type).contains(key));
  if (type == "SCHEMA") {
    CHECK(message["stream"].is_string());
    CHECK(message["schema"].is_object());
    REQUIRE(message["key_properties"].is_array());
    for (const auto& key : message["key_properties"]) CHECK(key.is_string());
  } else if (type == "RECORD") {
    CHECK(message["stream"].is_string());
    CHECK(message["record"].is_object());
    static const std::regex kRfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
    if (message.contains("time_extracted")) {
      CHECK(std::regex_match(message["time_extracted"].get<std::string>(), kRfc3339));
    }
  } else {
    CHECK(message.contains("value"));
  }
}

}  // namespace

TEST_CASE("demo -> singer: Singer messages only, each record once and right, each STATE exact") {
  const int64_t rows = 2500;
  const auto run = e2e::run_etlhost({"run", "demo", "->", "singer", "--set", "demo.records=" + std::to_string(rows),
                                     "--set", "demo.state_every=700", "--checkpoint-interval", "0"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());

  std::map<std::string, int64_t> emitted;  // records per stream so far
  std::set<std::string> schemas;
  json last_state;
  size_t states = 0;
  const auto lines = etltest::lines_of(run.out);
  for (size_t i = 0; i < lines.size(); ++i) {
    const json message = json::parse(lines[i]);
    check_singer_shape(message, i + 1);
    const std::string type = message["type"];
    if (type == "SCHEMA") {
      schemas.insert(message["stream"].get<std::string>());
      CHECK(message["key_properties"] == json::array({"id"}));
    } else if (type == "RECORD") {
      const std::string stream = message["stream"];
      REQUIRE_MESSAGE(schemas.contains(stream), "RECORD before SCHEMA for " << stream);
      const int64_t id = ++emitted[stream];  // in order, no gap, no repeat
      const std::string expected = stream == "customers" ? e2e::demo_customer(id) : e2e::demo_order(id);
      CHECK_MESSAGE(message["record"] == json::parse(expected), "line " << i + 1);
    } else {
      ++states;
      last_state = message["value"];
      // A STATE covers exactly the records before it: the demo's state counts them.
      CHECK(last_state == json({{"customers", emitted["customers"]}, {"orders", emitted["orders"]}}));
    }
  }
  CHECK(emitted["customers"] == rows);
  CHECK(emitted["orders"] == rows);
  CHECK(states == (2 * rows + 699) / 700);
  CHECK(last_state == json({{"customers", rows}, {"orders", rows}}));
  CHECK(run.err.find("ERROR") == std::string::npos);  // logs go to stderr; nothing failed
}

TEST_CASE("demo -> singer: a run resumed from --state emits only what came after the committed state") {
  etltest::TempDir dir;
  const std::string state = dir.file("state.json");
  // commit_when_written: without it, stdout never advances the state (stdout_mode_test.cpp).
  const auto run = [&](const std::string& records) {
    return e2e::run_etlhost({"run", "demo", "to", "singer", "--set", "demo.records=" + records, "--set",
                             "singer.commit_when_written=true", "--state", state});
  };
  const auto first = run("300");
  REQUIRE_MESSAGE(first.exit_code == 0, first.describe());
  const auto second = run("450");
  REQUIRE_MESSAGE(second.exit_code == 0, second.describe());

  std::map<std::string, std::vector<int64_t>> ids;
  for (const auto& line : etltest::lines_of(second.out)) {
    const json message = json::parse(line);
    if (message["type"] == "RECORD") ids[message["stream"]].push_back(message["record"]["id"]);
  }
  for (const char* stream : {"customers", "orders"}) {
    INFO(stream);
    REQUIRE(ids[stream].size() == 150);
    CHECK(ids[stream].front() == 301);
    CHECK(ids[stream].back() == 450);
  }
  const json envelope = json::parse(etltest::read_file(state));
  CHECK(envelope["source"] == "demo");
  CHECK(envelope["state"] == json({{"customers", 450}, {"orders", 450}}));
}
