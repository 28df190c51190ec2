// Progress (--progress plain, json, and the live line on a terminal) and the run history
// (STATE.history.jsonl, `etlhost history`, --report) through the real etlhost binary, the
// fullstory plugin and the real simulator. A 503 on the first download forces a retry wait
// of 1-2 s (retry_base_delay_ms), during which the progress must say what it waits for.
#include <doctest/doctest.h>

#include <signal.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "etlhost_bin.h"
#include "fullstory_support.h"
#include "process.h"

using namespace fstest;
using nlohmann::json;

namespace {

// The simulator's two bundles, the first download answered 503 once.
const std::vector<std::string> kOneRetry = {"--bundles", "2", "--events-per-bundle", "30,20", "--fault", "get:503:1"};

class Workspace {
 public:
  std::string config(const Simulator& sim, json extra = json::object()) {
    json config = json::parse(plugin_config(sim, {{"retry_base_delay_ms", 2000}, {"retry_max_delay_ms", 2000}}));
    config.merge_patch(extra);
    config.erase("api_key");  // from FULLSTORY_API_KEY, never on the command line
    const std::string path = dir_.file("fullstory-" + std::to_string(configs_++) + ".json");
    std::ofstream(path) << config.dump();
    return path;
  }
  std::vector<std::string> run_args(const Simulator& sim, json extra = json::object()) {
    return {"run", "fullstory", "->", "null", "--config", config(sim, std::move(extra)), "--state", state_path()};
  }
  etltest::ProcessResult run(std::vector<std::string> args, const std::vector<std::string>& more = {},
                             const std::string& program = etltest::etlhost_bin()) {
    args.insert(args.end(), more.begin(), more.end());
    etltest::ProcessOptions options;
    options.env["FULLSTORY_API_KEY"] = kApiKey;
    options.timeout = std::chrono::seconds(60);
    return etltest::run_process(program, args, options);
  }
  /// `command` (a shell command line) under `script`, whose pseudo-terminal is its stdout
  /// and stderr: both come back in the result's out.
  etltest::ProcessResult run_script(const std::string& command) {
    return run({"-qfec", command, "/dev/null"}, {}, "/usr/bin/script");
  }
  std::string state_path() const { return dir_.file("fullstory.state"); }
  std::string file(const std::string& name) const { return dir_.file(name); }

 private:
  TempDir dir_;
  int configs_ = 0;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> lines_containing(const std::string& text, const std::string& part) {
  std::vector<std::string> out;
  for (const std::string& line : lines_of(text)) {
    if (contains(line, part)) out.push_back(line);
  }
  return out;
}

// A shell word: 'text' with each ' written as '\''.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

TEST_CASE("progress: plain lines come during a retry wait and say what the run waits for") {
  Simulator sim(kOneRetry);
  Workspace work;
  const auto result = work.run(work.run_args(sim), {"--progress", "plain", "--progress-interval", "0.2"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(contains(result.err, "plan: 2 bundles"));
  const auto waiting = lines_containing(result.err, "progress: ");
  bool named_the_retry = false;
  for (const std::string& line : waiting) {
    named_the_retry = named_the_retry ||
                      (contains(line, "retrying export/get id=") && contains(line, "after HTTP 503"));
  }
  CHECK_MESSAGE(named_the_retry, result.err);
  // The bundle's own time leaves the wait out and says it separately.
  CHECK(contains(result.err, "waiting for the API)"));
  const auto summary = lines_containing(result.err, "finished: ");
  REQUIRE(summary.size() == 1);
  CHECK(contains(summary[0], "2/2 bundles"));
  CHECK(contains(summary[0], "for the API"));
  CHECK(sim.stats()["get_requests"] == 3);  // two bundles, one of them twice
  CHECK_FALSE(contains(result.err, kApiKey));
}

TEST_CASE("progress: --progress json writes parseable events with the plan total and the done count") {
  Simulator sim(kOneRetry);
  Workspace work;
  const std::string events_path = work.file("progress.jsonl");
  const auto result = work.run(work.run_args(sim),
                               {"--progress", "json", "--progress-interval", "0.2", "--progress-file", events_path});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  std::vector<json> events;
  for (const std::string& line : lines_of(read_file(events_path))) events.push_back(json::parse(line));
  REQUIRE(events.size() >= 3);
  CHECK(events.front()["event"] == "start");
  CHECK(events.back()["event"] == "end");
  CHECK(events.back()["done"] == 2);
  CHECK(events.back()["total"] == 2);
  CHECK(events.back()["records"] == 50);
  int plans = 0;
  bool saw_retrying = false;
  for (const json& event : events) {
    if (event["event"] == "plan") {
      ++plans;
      CHECK(event["total"] == 2);
      CHECK(event["counter"] == "bundles");
    }
    saw_retrying = saw_retrying || event.value("activity", "") == "retrying";
  }
  CHECK(plans == 1);
  CHECK(saw_retrying);
  CHECK_FALSE(contains(result.err, "\"event\""));  // the events went to the file, not stderr
}

TEST_CASE("progress: on a terminal (script's pseudo-terminal) the live line is redrawn in place") {
  Simulator sim(kOneRetry);
  Workspace work;
  std::string command = quoted(etltest::etlhost_bin());
  for (const std::string& arg : work.run_args(sim)) command += " " + quoted(arg);
  const auto result = work.run_script(command);
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  // Each redraw returns to the line's start and clears it; the wait shows on the line.
  CHECK(contains(result.out, "\r\x1b[K"));
  CHECK(contains(result.out, "/2 bundles, "));
  CHECK(contains(result.out, "after HTTP 503"));
  CHECK(contains(result.out, "finished: "));
}

TEST_CASE("history: every run appends one record, `etlhost history` lists them, a failed run with its exit code") {
  Workspace work;
  const std::string report = work.file("report.json");
  int port = 0;  // every run against the same account: the simulator restarts on its port
  {
    Simulator sim(kOneRetry);
    port = sim.port();
    const auto first = work.run(work.run_args(sim), {"--progress", "off", "--report", report});
    REQUIRE_MESSAGE(first.exit_code == 0, first.describe());
  }
  {
    Simulator sim({"--bundles", "3", "--events-per-bundle", "30,20,10"}, false, "127.0.0.1", port);  // one bundle more
    const auto second = work.run(work.run_args(sim), {"--progress", "off"});
    REQUIRE_MESSAGE(second.exit_code == 0, second.describe());
  }
  {
    Simulator sim({"--bundles", "4", "--fault", "get:503:always"}, false, "127.0.0.1", port);
    const auto failed = work.run(work.run_args(sim, {{"max_attempts", 1}}), {"--progress", "off"});
    REQUIRE_MESSAGE(failed.exit_code == 5, failed.describe());
  }
  const std::string journal = work.state_path() + ".history.jsonl";
  const auto lines = lines_of(read_file(journal));
  REQUIRE(lines.size() == 3);
  const json first = json::parse(lines[0]);
  CHECK(first["outcome"] == "ok");
  CHECK(first["exit_code"] == 0);
  CHECK(first["source"]["name"] == "fullstory");
  CHECK(first["sink"]["name"] == "null");
  CHECK(first["records"]["events"] == 50);
  REQUIRE(first["units"].size() == 2);
  CHECK(first["units"][0]["id"] == std::to_string(bundle_id(0)));
  CHECK(first["units"][0]["records"] == 30);
  CHECK(first["units"][0]["attempts"] == 2);
  CHECK(first["units"][0]["wait_ms"].get<int64_t>() > 0);
  CHECK(first["retried_ms"].get<int64_t>() > 0);
  CHECK(first["state_before"].is_null());
  CHECK(first["state_after"]["bookmarks"]["events"]["last_bundle_id"] == bundle_id(1));
  CHECK(json::parse(read_file(report)) == first);  // --report: the same record
  const json second = json::parse(lines[1]);
  CHECK(second["state_before"] == first["state_after"]);
  CHECK(second["units"].size() == 1);
  const json failed = json::parse(lines[2]);
  CHECK(failed["outcome"] == "source failed");
  CHECK(failed["exit_code"] == 5);
  CHECK(failed["state_after"] == second["state_after"]);
  CHECK_FALSE(contains(read_file(journal), kApiKey));

  const auto table = work.run({"history", "--state", work.state_path()});
  REQUIRE_MESSAGE(table.exit_code == 0, table.describe());
  const auto rows = lines_of(table.out);
  REQUIRE(rows.size() == 4);  // the header and three runs
  CHECK(contains(rows[0], "STARTED"));
  CHECK(contains(rows[1], "ok (0)"));
  CHECK(contains(rows[3], "source failed (5)"));
  const auto as_json = work.run({"history", "--state", work.state_path(), "--json", "--last", "2"});
  REQUIRE_MESSAGE(as_json.exit_code == 0, as_json.describe());
  const json records = json::parse(as_json.out);
  REQUIRE(records.size() == 2);
  CHECK(records[1]["exit_code"] == 5);

  // A run killed while appending leaves a cut line: skipped with a warning naming it.
  std::ofstream(journal, std::ios::app) << "{\"started_at\": \"2026-";
  const auto tolerant = work.run({"history", "--state", work.state_path()});
  REQUIRE_MESSAGE(tolerant.exit_code == 0, tolerant.describe());
  CHECK(lines_of(tolerant.out).size() == 4);
  CHECK(contains(tolerant.err, "line 4 is not a JSON object"));
}

TEST_CASE("history: a run stopped by SIGTERM during a retry wait is recorded with its outcome") {
  Simulator sim({"--bundles", "2", "--fault", "get:503:always"});
  Workspace work;
  etltest::ProcessOptions options;
  options.env["FULLSTORY_API_KEY"] = kApiKey;
  options.timeout = std::chrono::seconds(60);  // the backoff is 10 minutes: only a prompt stop passes
  auto process = etltest::Process::start(
      etltest::etlhost_bin(), work.run_args(sim, {{"retry_base_delay_ms", 600000}, {"retry_max_delay_ms", 600000}}),
      options);
  REQUIRE(process.wait_for_stderr("retrying in", std::chrono::seconds(30)));
  process.send_signal(SIGTERM);
  const auto result = process.wait();
  REQUIRE_MESSAGE(result.exit_code == 143, result.describe());
  const auto lines = lines_of(read_file(work.state_path() + ".history.jsonl"));
  REQUIRE(lines.size() == 1);
  const json record = json::parse(lines[0]);
  CHECK(record["outcome"] == "SIGTERM");
  CHECK(record["exit_code"] == 143);
  CHECK(record["units"].empty());
  CHECK(record["retried_ms"].get<int64_t>() >= 0);
}
