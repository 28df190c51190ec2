// discover, plugins, describe, and demo -> singer end to end, through the real binary.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "host_support.h"

using hosttest::contains;
using hosttest::current_abi_text;
using hosttest::lines_of;
using hosttest::run_etlhost;

TEST_CASE("discover: demo prints a Singer catalog with the entry keys in order") {
  const auto result = run_etlhost({"discover", "demo"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const auto catalog = nlohmann::ordered_json::parse(result.out);
  REQUIRE(catalog["streams"].size() == 2);
  const auto& customers = catalog["streams"][0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : customers.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"tap_stream_id", "stream", "schema", "key_properties", "bookmark_properties",
                                         "metadata"});
  CHECK(customers["tap_stream_id"] == "customers");
  CHECK(customers["stream"] == "customers");
  CHECK(customers["schema"]["properties"]["id"]["type"] == "integer");
  CHECK(customers["metadata"][0]["metadata"]["inclusion"] == "available");
  CHECK(catalog["streams"][1]["tap_stream_id"] == "orders");
  CHECK(contains(result.out, "\n  \"streams\": [\n"));  // pretty, 2-space indent
}

TEST_CASE("discover: a source without discover has no catalog (exit 5), config rules apply") {
  const auto result = run_etlhost({"discover", "t-script"});
  CHECK_MESSAGE(result.exit_code == 5, result.describe());
  CHECK(contains(result.err, "source 't-script' has no catalog"));
  CHECK(result.out.empty());

  const auto bad_set = run_etlhost({"discover", "demo", "--set", "demo.recordz=1"});
  CHECK(bad_set.exit_code == 3);
  CHECK(contains(bad_set.err, "did you mean 'records'?"));
  const auto sink = run_etlhost({"discover", "t-recsink"});
  CHECK(sink.exit_code == 4);
}

TEST_CASE("plugins: lists demo with kind, version, ABI and path") {
  // The fixture dir is on ETLHOST_PLUGIN_PATH: its broken plugins make the exit code 4.
  const auto result = run_etlhost({"plugins"});
  REQUIRE_MESSAGE(result.exit_code == 4, result.describe());
  bool found = false;
  for (const std::string& line : lines_of(result.out)) {
    if (line.starts_with("demo ")) {
      found = true;
      CHECK(contains(line, "source"));
      CHECK(contains(line, "1.0"));
      CHECK(contains(line, hosttest::plugin_dir() + "/etl-demo.so"));
    }
  }
  CHECK_MESSAGE(found, result.out);
  CHECK(lines_of(result.out).front().starts_with("NAME"));
  // The fixture dir is on ETLHOST_PLUGIN_PATH: its broken plugins are listed with the reason.
  CHECK(contains(result.out, "etl-t-abi2.so  (it was built for plugin ABI 2.0"));
  CHECK(contains(result.out, "t-script"));
}

TEST_CASE("plugins --json: search path, shadowed duplicates and broken files") {
  hosttest::TempDir dir;
  std::filesystem::copy_file(hosttest::plugin_dir() + "/etl-demo.so", dir.file("etl-demo.so"));
  const auto result = run_etlhost({"plugins", "--json", "--plugin-path", dir.path().string()});
  REQUIRE_MESSAGE(result.exit_code == 4, result.describe());  // the fixture dir's broken files
  const auto listing = nlohmann::json::parse(result.out);
  CHECK(listing["search_path"][0]["dir"] == dir.path().string());
  CHECK(listing["search_path"][0]["origin"] == "--plugin-path");
  std::vector<nlohmann::json> demos;
  for (const auto& plugin : listing["plugins"]) {
    if (plugin["name"] == "demo") demos.push_back(plugin);
    if (plugin["name"] == "t-noentry") {
      CHECK(plugin["kind"].is_null());
      CHECK(contains(plugin["error"].get<std::string>(), "does not export etl_plugin_entry"));
    }
  }
  REQUIRE(demos.size() == 2);
  CHECK(demos[0]["path"] == dir.file("etl-demo.so"));
  CHECK(demos[0]["shadowed_by"].is_null());
  CHECK(demos[0]["kind"] == "source");
  CHECK(demos[0]["abi"] == current_abi_text());
  CHECK(demos[1]["shadowed_by"] == dir.file("etl-demo.so"));
}

TEST_CASE("describe: a plugin and its config spec") {
  const auto result = run_etlhost({"describe", "t-script"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(contains(result.out, "t-script 0.0.1 (source, plugin ABI " + current_abi_text() + ")"));
  CHECK(contains(result.out, "path: " + hosttest::fixture_dir() + "/etl-t-script.so"));
  CHECK(contains(result.out, "KEY"));
  CHECK(contains(result.out, "ENV"));
  bool token_row = false;
  for (const std::string& line : lines_of(result.out)) {
    if (!line.starts_with("token ")) continue;
    token_row = true;
    CHECK(contains(line, "string"));
    CHECK(contains(line, "ETLHOST_T_SCRIPT_TOKEN T_SCRIPT_TOKEN"));  // the rule's name first, then its own
    CHECK(contains(line, "yes"));                                    // secret
  }
  CHECK(token_row);

  const auto json = run_etlhost({"describe", "demo", "--json"});
  REQUIRE(json.exit_code == 0);
  const auto described = nlohmann::json::parse(json.out);
  CHECK(described["kind"] == "source");
  CHECK(described["config"][0]["key"] == "records");
  CHECK(described["config"][0]["type"] == "integer");
  CHECK(described["config"][0]["default"] == "1000");
  CHECK(described["config"][0]["required"] == false);
  CHECK(described["config"][0]["env_names"] == nlohmann::json::array({"ETLHOST_DEMO_RECORDS"}));

  CHECK(run_etlhost({"describe", "nosuch"}).exit_code == 4);
}

TEST_CASE("run --log-format json: every stderr line is a JSON object, stdout is untouched") {
  const auto result = run_etlhost(
      {"run", "demo", "->", "singer", "--set", "demo.records=3", "--log-format", "json", "-v"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const auto lines = lines_of(result.err);
  REQUIRE(lines.size() > 2);
  std::set<std::string> plugins;
  for (const std::string& line : lines) {
    const auto object = nlohmann::json::parse(line);  // throws, failing the test, on a text line
    CHECK(object.size() == 4);
    plugins.insert(object["plugin"].get<std::string>());
  }
  CHECK(plugins.count("etlhost") == 1);
  CHECK(contains(result.out, R"("type":"RECORD")"));
  CHECK(contains(run_etlhost({"run", "demo", "->", "null", "--log-format", "xml"}).err, "xml"));
}

TEST_CASE("end to end: demo -> singer writes Singer messages on stdout and logs on stderr") {
  hosttest::TempDir dir;
  // commit_when_written: stdout is a file here, so the state may advance once it is written.
  const auto result = run_etlhost({"run", "demo", "->", "singer", "--set", "demo.records=5", "--set",
                                   "demo.state_every=4", "--set", "singer.commit_when_written=true", "--state",
                                   dir.file("state.json")});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  size_t schemas = 0, records = 0, states = 0;
  for (const std::string& line : lines_of(result.out)) {
    const auto message = nlohmann::json::parse(line);  // every stdout line is one JSON message
    const std::string type = message["type"];
    if (type == "SCHEMA") ++schemas;
    if (type == "RECORD") ++records;
    if (type == "STATE") ++states;
  }
  CHECK(schemas == 2);
  CHECK(records == 10);
  CHECK(states >= 3);
  CHECK_FALSE(contains(result.out, "etlhost]"));  // no log line on stdout
  CHECK(contains(result.err, "finished: 10 records"));
  const auto state = nlohmann::json::parse(hosttest::read_file(dir.file("state.json")));
  CHECK(state["sink"] == "singer");
  CHECK(state["state"] == nlohmann::json{{"customers", 5}, {"orders", 5}});
}

TEST_CASE("run: --state, --catalog and --config nested 100k levels deep exit with a message, never SIGSEGV") {
  hosttest::TempDir dir;
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  hosttest::write_file(dir.file("state.json"), deep);
  hosttest::write_file(dir.file("catalog.json"), R"({"streams":)" + deep + "}");
  hosttest::write_file(dir.file("config.json"), R"({"records":)" + deep + "}");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
  };
  const Case cases[] = {{{"--state", dir.file("state.json")}, 7},
                        {{"--catalog", dir.file("catalog.json")}, 3},
                        {{"--config", dir.file("config.json")}, 3}};
  for (const Case& c : cases) {
    std::vector<std::string> args = {"run", "demo", "to", "null"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    CAPTURE(c.args[0]);
    const auto result = run_etlhost(args);
    CHECK_MESSAGE(result.exit_code == c.exit_code, result.describe());
    CHECK(contains(result.err, "deeper than 128 levels"));
  }
}
