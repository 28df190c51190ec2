// Tap mode through the real binary, as orchestrators call it: `tap-fullstory` (the installed
// symbolic link) and `etlhost tap SOURCE` with the exact argument shapes of Meltano,
// pipelinewise and singer-python, against the real fullstory-sim on 127.0.0.1 and the demo
// source. The state file is input only: byte-identical after every run, no lock beside it.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "fullstory_sim.h"
#include "text.h"

namespace {

namespace fs = std::filesystem;
using etltest::contains;
using etltest::file_exists;
using etltest::read_file;
using etltest::Simulator;
using etltest::TempDir;
using etltest::write_file;
using nlohmann::json;

// Three bundles; a resumed run after bundle 0 must deliver exactly bundles 1 and 2.
const std::vector<std::string> kSimArgs = {"--bundles", "3", "--events-per-bundle", "40,50,60", "--seed", "9"};
constexpr size_t kFirstBundleEvents = 40;

// The installed entry point: the tap-fullstory link next to the etlhost under test.
std::string tap_fullstory() { return (fs::path(e2e::etlhost_bin()).parent_path() / "tap-fullstory").string(); }

etltest::ProcessResult run_program(const std::string& program, const std::vector<std::string>& args) {
  etltest::ProcessOptions options;
  options.env["FULLSTORY_API_KEY"] = etltest::kApiKey;  // as run does: the key from the environment
  options.timeout = std::chrono::seconds(90);
  return etltest::run_process(program, args, e2e::etlhost_options(options));
}

// stdout parsed, checking every line is a Singer message and nothing else.
std::vector<json> singer_messages(const std::string& out) {
  std::vector<json> messages;
  for (const std::string& line : etltest::lines_of(out)) {
    const json message = json::parse(line, nullptr, false);
    INFO("stdout line: " << line);
    REQUIRE(message.is_object());
    REQUIRE(message.contains("type"));
    CHECK(std::set<std::string>{"SCHEMA", "RECORD", "STATE"}.contains(message["type"].get<std::string>()));
    messages.push_back(message);
  }
  return messages;
}

std::vector<json> of_type(const std::vector<json>& messages, const std::string& type) {
  std::vector<json> found;
  for (const json& message : messages) {
    if (message["type"] == type) found.push_back(message);
  }
  return found;
}

// The RECORDs' objects, compared with the simulator's events from `first` on.
void check_events_from(const std::vector<json>& messages, size_t first) {
  const auto records = of_type(messages, "RECORD");
  const auto expected = Simulator::dump_events(kSimArgs);
  REQUIRE(records.size() == expected.size() - first);
  for (size_t i = 0; i < records.size(); ++i) {
    json record = records[i]["record"];
    CHECK(record.erase("event_id") == 1);  // the source's key, not one of the simulator's fields
    if (record != json::parse(expected[first + i])) FAIL("record " << i << " differs");
  }
}

// A workspace: the fullstory config (no key: it comes from the environment), the discovered
// catalog, and the state file that must never change.
class TapWorkspace {
 public:
  explicit TapWorkspace(const Simulator& sim) {
    json config = json::parse(etltest::plugin_config(sim));
    config.erase("api_key");
    write_file(config_path(), config.dump());
    const auto discovered = run_program(tap_fullstory(), {"--config", config_path(), "--discover"});
    REQUIRE_MESSAGE(discovered.exit_code == 0, discovered.describe());
    write_file(catalog_path(), discovered.out);
  }
  std::string config_path() const { return dir_.file("tap.json"); }
  std::string catalog_path() const { return dir_.file("catalog.json"); }
  std::string state_path() const { return dir_.file("state.json"); }
  const TempDir& dir() const { return dir_; }

  // Runs with the state file holding `state`, checks it is byte-identical afterwards with
  // nothing created beside it, and returns stdout's Singer messages.
  std::vector<json> run_with_state(const std::string& program, const std::vector<std::string>& args,
                                   const std::string& state) {
    write_file(state_path(), state);
    const auto before = etltest::list_dir(dir_.path().string());
    const auto result = run_program(program, args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
    CHECK(read_file(state_path()) == state);
    CHECK(etltest::list_dir(dir_.path().string()) == before);  // no .lock, no .tmp
    CHECK_FALSE(contains(result.err, etltest::kApiKey));
    // The orchestrator keeps the state: no notice about a --state this run "never advances".
    CHECK_FALSE(contains(result.err, "never advances"));
    return singer_messages(result.out);
  }

 private:
  TempDir dir_;
};

// The STATE value after the first bundle, from a first run.
json state_after_first_bundle(TapWorkspace& work) {
  const auto messages = work.run_with_state(tap_fullstory(),
                                            {"--config", work.config_path(), "--state", work.state_path()}, "");
  check_events_from(messages, 0);
  const auto states = of_type(messages, "STATE");
  REQUIRE(states.size() == 3);
  return states[0]["value"];
}

std::string demo_state_error(const std::string& state, const std::string& expected_message) {
  TempDir dir;
  const std::string path = dir.file("state.json");
  write_file(path, state);
  const auto result = e2e::run_etlhost({"tap", "demo", "--state", path});
  CHECK_MESSAGE(result.exit_code == 7, result.describe());
  CHECK(contains(result.err, expected_message));
  CHECK(result.out.empty());
  CHECK(read_file(path) == state);
  CHECK(etltest::list_dir(dir.path().string()) == std::vector<std::string>{"state.json"});
  return result.err;
}

}  // namespace

TEST_CASE(
    "tap: tap-fullstory --config C --state S --catalog CAT resumes, stdout is only Singer messages, S unchanged") {
  Simulator sim(kSimArgs);
  TapWorkspace work(sim);
  const json resume = state_after_first_bundle(work);  // also: an empty state file is a first run
  // Meltano's and pipelinewise's shape, with the orchestrator's last STATE value as the state.
  const auto messages = work.run_with_state(
      tap_fullstory(), {"--config", work.config_path(), "--state", work.state_path(), "--catalog", work.catalog_path()},
      resume.dump());
  check_events_from(messages, kFirstBundleEvents);
  REQUIRE_FALSE(of_type(messages, "SCHEMA").empty());
  CHECK(messages.front()["type"] == "SCHEMA");
}

TEST_CASE("tap: the singer-python shape -c C -s S -p CAT through etlhost tap fullstory") {
  Simulator sim(kSimArgs);
  TapWorkspace work(sim);
  const json resume = state_after_first_bundle(work);
  const auto messages = work.run_with_state(
      e2e::etlhost_bin(),
      {"tap", "fullstory", "-c", work.config_path(), "-s", work.state_path(), "-p", work.catalog_path()},
      resume.dump());
  check_events_from(messages, kFirstBundleEvents);
}

TEST_CASE("tap: every accepted state shape resumes after the first bundle") {
  Simulator sim(kSimArgs);
  TapWorkspace work(sim);
  const json resume = state_after_first_bundle(work);
  const std::string stop = resume["bookmarks"]["events"]["last_bundle_stop"];
  const std::vector<std::pair<std::string, std::string>> shapes = {
      {"the bare Singer state", resume.dump()},
      {"a whole STATE message line", json{{"type", "STATE"}, {"value", resume}}.dump() + "\n"},
      {"an etlhost state file", json{{"etlhost_state", 1},
                                     {"source", "fullstory"},
                                     {"state", resume},
                                     {"sink", "csv"},
                                     {"sink_checkpoint", {{"events.csv", 1234}}},
                                     {"committed_at", "2026-12-01T00:00:00.000Z"}}
                                    .dump()},
      {"tap-fullstory's {\"events\": TIME}", json{{"events", stop}}.dump()},
  };
  for (const auto& [shape, text] : shapes) {
    CAPTURE(shape);
    const auto messages = work.run_with_state(tap_fullstory(),
                                              {"--config", work.config_path(), "--state", work.state_path()}, text);
    check_events_from(messages, kFirstBundleEvents);
  }
}

TEST_CASE("tap: --discover and -d print the catalog etlhost discover prints") {
  const auto reference = e2e::run_etlhost({"discover", "fullstory"});
  REQUIRE_MESSAGE(reference.exit_code == 0, reference.describe());
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--discover"}, std::vector<std::string>{"-d"}}) {
    const auto result = run_program(tap_fullstory(), args);  // a catalog needs no config
    CHECK_MESSAGE(result.exit_code == 0, result.describe());
    CHECK(result.out == reference.out);
  }
  CHECK(json::parse(reference.out)["streams"][0]["stream"] == "events");
}

TEST_CASE("tap: --about --format json describes capabilities and settings, secrets and env vars included") {
  const auto result = run_program(tap_fullstory(), {"--about", "--format", "json"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const json about = json::parse(result.out);
  CHECK(about["name"] == "tap-fullstory");
  CHECK(about["capabilities"] == json{"catalog", "discover", "state", "about"});
  const json& api_key = about["settings"]["properties"]["api_key"];
  CHECK(api_key["type"] == "string");
  CHECK(api_key["secret"] == true);
  CHECK(api_key["writeOnly"] == true);
  CHECK(api_key["env"] == "FULLSTORY_API_KEY");
  CHECK(about["settings"]["properties"].contains("start_date"));
  CHECK_FALSE(contains(result.out, etltest::kApiKey));

  const auto markdown = run_program(tap_fullstory(), {"--about"});
  REQUIRE_MESSAGE(markdown.exit_code == 0, markdown.describe());
  CHECK(contains(markdown.out, "# `tap-fullstory`"));
  CHECK(contains(markdown.out, "- `discover`"));
  CHECK(contains(markdown.out, "| api_key | "));
  CHECK(contains(markdown.out, "FULLSTORY_API_KEY"));

  const auto version = run_program(tap_fullstory(), {"--version"});
  CHECK_MESSAGE(version.exit_code == 0, version.describe());
  CHECK(version.out.starts_with("tap-fullstory "));
  CHECK(contains(version.out, "etlhost "));
}

TEST_CASE("tap: two --config files merge in order, the later file's key wins") {
  TempDir dir;
  write_file(dir.file("a.json"), R"({"records": 5, "state_every": 2})");
  write_file(dir.file("b.json"), R"({"records": 3})");
  const auto result = e2e::run_etlhost({"tap", "demo", "--config", dir.file("a.json"), "--config", dir.file("b.json")});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const auto messages = singer_messages(result.out);
  CHECK(of_type(messages, "RECORD").size() == 6);  // records = 3 (b.json) for each of the two streams
  CHECK(of_type(messages, "STATE").size() == 3);   // state_every = 2 (a.json only): after 2, 4 and 6 rows
}

TEST_CASE("tap: a refused or missing state exits 7 and leaves the file as it was, no lock beside it") {
  demo_state_error(R"({"customers":-1,"orders":0})", "source 'demo' refused the state in state file");
  demo_state_error("{\"customers\":", "is not valid JSON");
  demo_state_error(R"({"etlhost_state":1,"source":"fullstory","state":{},"sink":"csv","sink_checkpoint":null})",
                   "holds the state of source 'fullstory'");
  TempDir dir;
  const auto missing = e2e::run_etlhost({"tap", "demo", "--state", dir.file("none.json")});
  CHECK_MESSAGE(missing.exit_code == 7, missing.describe());
  CHECK(contains(missing.err, "does not exist"));
  CHECK(etltest::list_dir(dir.path().string()).empty());
}

TEST_CASE("tap: tap-NAME is etlhost tap NAME, through the built link and a link of one's own") {
  const fs::path link = tap_fullstory();
  REQUIRE(fs::is_symlink(link));
  CHECK(fs::read_symlink(link) == "etlhost");
  TempDir dir;
  const std::string tap_demo = dir.file("tap-demo");
  fs::create_symlink(fs::absolute(e2e::etlhost_bin()), tap_demo);
  const auto result = run_program(tap_demo, {});
  CHECK_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(of_type(singer_messages(result.out), "RECORD").size() == 2000);  // the demo's 1000 per stream
}

TEST_CASE(
    "tap: etlhost run --state takes a target's STATE line, piped it stays as it was, committed it takes our format") {
  for (const bool commit_when_written : {false, true}) {
    CAPTURE(commit_when_written);
    TempDir dir;
    const std::string path = dir.file("state.json");
    const std::string state_line = "{\"type\":\"STATE\",\"value\":{\"customers\":2,\"orders\":3}}\n";
    write_file(path, state_line);
    std::vector<std::string> args = {"run", "demo", "to", "singer", "--set", "demo.records=5", "--state", path};
    if (commit_when_written) args.insert(args.end(), {"--set", "singer.commit_when_written=true"});
    const auto result = e2e::run_etlhost(args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
    CHECK(contains(result.err, "resuming from the Singer STATE message in " + path));
    size_t customers = 0;
    for (const json& record : of_type(singer_messages(result.out), "RECORD"))
      customers += record["stream"] == "customers";
    CHECK(customers == 3);
    CHECK(of_type(singer_messages(result.out), "RECORD").size() == 5);  // 3 customers and 2 orders
    if (!commit_when_written) {
      // Piped, etlhost cannot see what the target loaded: the file is read, never rewritten.
      CHECK(read_file(path) == state_line);
      continue;
    }
    const json committed = json::parse(read_file(path));
    CHECK(committed["etlhost_state"] == 1);
    CHECK(committed["state"] == json{{"customers", 5}, {"orders", 5}});
  }
}

TEST_CASE("tap: etlhost run --properties is --catalog under its older name") {
  TempDir dir;
  write_file(dir.file("catalog.json"), "{}");
  const auto result = e2e::run_etlhost({"run", "demo", "to", "null", "--properties", dir.file("catalog.json")});
  CHECK_MESSAGE(result.exit_code == 3, result.describe());
  CHECK(contains(result.err, "must hold {\"streams\": [...]}"));
}
