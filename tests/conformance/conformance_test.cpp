// `etlhost test-plugin`, the conformance kit, run through the real binary: our plugins pass
// it, and each broken fixture (plugins/) fails the one check made to catch it.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "etlhost_bin.h"
#include "files.h"
#include "process.h"
#include "text.h"

namespace {

using namespace std::chrono_literals;

using etltest::contains;
using etltest::etlhost_bin;

std::string fixture(const std::string& name) { return std::string(ETLHOST_KIT_FIXTURE_DIR) + "/etl-" + name + ".so"; }
/// One of the host tests' fixture plugins (tests/plugins).
std::string test_fixture(const std::string& name) {
  return std::string(ETLHOST_TEST_FIXTURE_DIR) + "/etl-" + name + ".so";
}

struct KitRun {
  etltest::ProcessResult process;
  std::map<std::string, std::string> verdict;  // check id -> PASS/FAIL/SKIP
  std::map<std::string, std::string> reason;   // check id -> its one-line reason

  bool has(const std::string& id, const std::string& expected) const {
    const auto it = verdict.find(id);
    return it != verdict.end() && it->second == expected;
  }
  std::string why(const std::string& id) const {
    const auto it = reason.find(id);
    return it == reason.end() ? std::string() : it->second;
  }
};

// Runs `etlhost test-plugin ARGS` with a fixed seed unless ARGS gives one.
KitRun kit(std::vector<std::string> args, std::chrono::seconds timeout = 110s,
           std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "test-plugin");
  etltest::ProcessOptions options;
  options.timeout = timeout;
  options.env = std::move(env);
  options.unset_env = {"ETLHOST_PLUGIN_PATH", "T_KIT_TOKEN"};
  KitRun run;
  run.process = etltest::run_process(etlhost_bin(), args, options);
  static const std::regex kLine(R"(^(PASS|FAIL|SKIP)  (\S+) +(.*)$)");
  for (const std::string& line : etltest::lines_of(run.process.out)) {
    std::smatch match;
    if (std::regex_match(line, match, kLine)) {
      run.verdict[match[2]] = match[1];
      run.reason[match[2]] = match[3];
    }
  }
  return run;
}

void check_all_pass(const KitRun& run, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) CHECK_MESSAGE(run.has(id, "PASS"), id << "\n" << run.process.describe());
}

const std::vector<std::string> kCommonChecks{"entry.no_side_effects", "descriptor.valid", "config.rejects_bad_values",
                                             "create_destroy"};
const std::vector<std::string> kSourceChecks{"discover.catalog", "sync.protocol", "sync.resume", "sync.cancellation"};

}  // namespace

// ---- our plugins pass ----------------------------------------------------------------------

TEST_CASE("demo passes every check") {
  const KitRun run = kit({"demo"});
  REQUIRE_MESSAGE(run.process.exit_code == 0, run.process.describe());
  check_all_pass(run, kCommonChecks);
  check_all_pass(run, kSourceChecks);
  CHECK(contains(run.process.out, "\n8 passed, 0 failed, 0 skipped\n"));
}

TEST_CASE("null passes, and the checks that need --output are skipped") {
  const KitRun run = kit({"null"});
  REQUIRE_MESSAGE(run.process.exit_code == 0, run.process.describe());
  check_all_pass(run, kCommonChecks);
  CHECK(run.has("sink.write_flush", "PASS"));
  CHECK(run.has("sink.crash_injection", "SKIP"));
  CHECK(contains(run.why("sink.crash_injection"), "needs --output"));
  CHECK(run.has("sink.acknowledged", "SKIP"));  // a 1.0-rule sink: its flush is its acknowledgement
  CHECK(contains(run.process.out, "\n5 passed, 0 failed, 4 skipped\n"));
}

TEST_CASE("singer --output -: Singer lines in order, no record lost across SIGKILLs (at-least-once)") {
  // commit_when_written: piped to stdout, singer acknowledges nothing by default (it cannot
  // see the reader's answer), so only this mode commits and can be crash-tested here.
  const KitRun run = kit({"singer", "--set", "commit_when_written=true", "--output", "-", "--seed", "7"});
  REQUIRE_MESSAGE(run.process.exit_code == 0, run.process.describe());
  check_all_pass(run, kCommonChecks);
  check_all_pass(run, {"sink.write_flush", "sink.state_ordering", "sink.error_paths", "sink.crash_injection"});
  CHECK(contains(run.why("sink.crash_injection"), "seed 7"));
  CHECK(contains(run.why("sink.crash_injection"), "no record lost (at-least-once"));
}

TEST_CASE("csv --output DIR: exactly once across SIGKILLs, failed writes roll back") {
  etltest::TempDir dir;
  const std::string out = dir / "out";
  const KitRun run = kit({"csv", "--set", "output_dir=" + out, "--output", out, "--seed", "11"});
  REQUIRE_MESSAGE(run.process.exit_code == 0, run.process.describe());
  check_all_pass(run, kCommonChecks);
  check_all_pass(run, {"sink.write_flush", "sink.error_paths", "sink.crash_injection"});
  CHECK(run.has("sink.state_ordering", "SKIP"));
  CHECK(contains(run.why("sink.crash_injection"), "byte-identical to an uninterrupted run (exactly once)"));
  CHECK(contains(run.why("sink.error_paths"), "restore() refuses 4 foreign checkpoints"));
  CHECK(contains(run.why("sink.error_paths"), "brought the output back to the commit"));
  CHECK(etltest::list_dir(out).empty());  // the kit empties --output again
}

TEST_CASE("fullstory against the simulator passes every check") {
  const std::string sim = ETLHOST_TEST_SIM_BIN;
  if (sim.empty()) {
    MESSAGE("fullstory-sim is not built; skipped");
    return;
  }
  etltest::TempDir dir;
  const std::string port_file = dir / "port";
  const std::string key = "kit-test-api-key-0123456789";
  etltest::Process simulator = etltest::Process::start(
      sim, {"--port", "0", "--port-file", port_file, "--api-key", key, "--rate-limit", "0", "--bundles", "4",
            "--events-per-bundle", "40"});
  std::string port;
  for (int i = 0; i < 200 && port.empty(); ++i) {
    if (etltest::file_exists(port_file)) port = etltest::read_file(port_file);
    while (!port.empty() && (port.back() == '\n' || port.back() == '\r')) port.pop_back();
    if (port.empty()) std::this_thread::sleep_for(25ms);
  }
  REQUIRE_MESSAGE(!port.empty(), "the simulator did not write its port");
  const std::string config = dir / "fullstory.json";
  etltest::write_file(config, R"({"api_key":")" + key + R"(","base_url":"http://127.0.0.1:)" + port +
                                  R"(","downloads_per_minute":0,"start_date":"2023-01-01"})");
  const KitRun run = kit({"fullstory", "--config", config});
  REQUIRE_MESSAGE(run.process.exit_code == 0, run.process.describe());
  check_all_pass(run, kCommonChecks);
  check_all_pass(run, kSourceChecks);
  CHECK_FALSE(contains(run.process.out + run.process.err, key));
}

// ---- the command itself --------------------------------------------------------------------

TEST_CASE("--json prints the report as JSON, --quick skips sync.resume") {
  const KitRun run = kit({"demo", "--quick", "--json"});
  REQUIRE_MESSAGE(run.process.exit_code == 0, run.process.describe());
  const auto report = nlohmann::json::parse(run.process.out);
  CHECK(report["plugin"]["name"] == "demo");
  CHECK(report["plugin"]["kind"] == "source");
  REQUIRE(report["checks"].size() == 8);
  CHECK(report["checks"][0]["id"] == "entry.no_side_effects");
  CHECK(report["checks"][0]["result"] == "pass");
  CHECK(report["checks"][6]["id"] == "sync.resume");
  CHECK(report["checks"][6]["result"] == "skip");
  CHECK(report["checks"][6]["reason"] == "--quick");
  CHECK(report["summary"]["passed"] == 7);
  CHECK(report["summary"]["failed"] == 0);
  CHECK(report["summary"]["skipped"] == 1);
}

TEST_CASE("help: test-plugin --help documents the checks, options and exit codes, and --help lists it") {
  const auto help = etltest::run_process(etlhost_bin(), {"test-plugin", "--help"});
  REQUIRE(help.exit_code == 0);
  for (const char* id : {"entry.no_side_effects", "descriptor.valid", "config.rejects_bad_values", "create_destroy",
                         "discover.catalog", "sync.protocol", "sync.resume", "sync.cancellation", "sink.write_flush",
                         "sink.acknowledged", "sink.state_ordering", "sink.error_paths", "sink.crash_injection",
                         "--output", "--quick", "--keep-going", "--json", "--seed", "8 conformance checks failed"}) {
    CHECK_MESSAGE(contains(help.out, id), id);
  }
  const auto main_help = etltest::run_process(etlhost_bin(), {"--help"});
  CHECK(contains(main_help.out, "etlhost test-plugin PLUGIN"));
  CHECK(contains(main_help.out, "8    test-plugin: conformance checks failed"));
}

TEST_CASE("usage: unknown plugin exits 4, a non-empty --output 2, an invalid config 3") {
  const KitRun missing = kit({"no-such-plugin"});
  CHECK_MESSAGE(missing.process.exit_code == 4, missing.process.describe());
  CHECK(contains(missing.process.err, "plugin 'no-such-plugin' not found"));

  etltest::TempDir dir;
  etltest::write_file(dir / "keep.txt", "precious");
  const KitRun occupied = kit({"csv", "--output", dir.path().string()});
  CHECK_MESSAGE(occupied.process.exit_code == 2, occupied.process.describe());
  CHECK(contains(occupied.process.err, "must be a new path or an empty directory"));
  CHECK(etltest::file_exists(dir / "keep.txt"));

  const KitRun bad = kit({"demo", "--set", "recordz=5"});
  CHECK_MESSAGE(bad.process.exit_code == 3, bad.process.describe());
  CHECK(contains(bad.process.err, "unknown key 'recordz'"));
}

// ---- broken fixtures fail the check made for them -------------------------------------------

TEST_CASE("an entry point that starts a thread fails entry.no_side_effects") {
  const KitRun run = kit({fixture("t-kit-entrythread")});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("entry.no_side_effects", "FAIL"));
  CHECK(std::regex_search(run.why("entry.no_side_effects"),
                          std::regex("etl_plugin_entry started [0-9]+ threads? that still run")));
  // Without --keep-going the kit stops at the first failure.
  CHECK(run.has("descriptor.valid", "SKIP"));
  CHECK(contains(run.why("descriptor.valid"), "not run: an earlier check failed"));
}

TEST_CASE("create() that crashes on a bad value fails config.rejects_bad_values, naming the signal and the call") {
  const KitRun run = kit({fixture("t-kit-source"), "--set", "mode=create_crash", "--keep-going"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("config.rejects_bad_values", "FAIL"));
  CHECK(contains(run.why("config.rejects_bad_values"), "batch=-1: crashed with SIGSEGV"));
  CHECK(contains(run.why("config.rejects_bad_values"), "in source.create()"));
  CHECK(contains(run.process.out, "batch=0: crashed with SIGSEGV"));
  CHECK(run.has("sync.protocol", "PASS"));  // --keep-going: the other checks still ran
}

TEST_CASE("create() that calls exit(3) fails config.rejects_bad_values") {
  const KitRun run = kit({fixture("t-kit-source"), "--set", "mode=create_exit"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("config.rejects_bad_values", "FAIL"));
  CHECK(contains(run.why("config.rejects_bad_values"), "source.create() called exit(3)"));
}

TEST_CASE("a plugin that logs its secret fails config.rejects_bad_values") {
  const KitRun run = kit({fixture("t-kit-source"), "--set", "mode=leak_secret"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("config.rejects_bad_values", "FAIL"));
  CHECK(contains(run.why("config.rejects_bad_values"), "the canary secret appears in a log line"));
}

TEST_CASE("a correct fixture source passes every check") {
  const KitRun run = kit({fixture("t-kit-source")});
  CHECK_MESSAGE(run.process.exit_code == 0, run.process.describe());
  check_all_pass(run, kCommonChecks);
  check_all_pass(run, {"sync.protocol", "sync.resume", "sync.cancellation"});
  CHECK(run.has("discover.catalog", "SKIP"));
}

TEST_CASE("a source that emits STATE before its records fails sync.resume") {
  const KitRun run = kit({fixture("t-kit-source"), "--set", "mode=state_first"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("sync.protocol", "PASS"));
  CHECK(run.has("sync.resume", "FAIL"));
  CHECK(contains(run.why("sync.resume"), "50 lost, 0 duplicated"));
}

TEST_CASE("a source that keeps emitting after cancellation fails sync.cancellation") {
  const KitRun run = kit({fixture("t-kit-source"), "--set", "mode=ignore_cancel"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("sync.cancellation", "FAIL"));
  CHECK(contains(run.why("sync.cancellation"), "kept calling emit() after it returned ETL_E_CANCELLED"));
}

TEST_CASE("a source that hangs after cancellation fails sync.cancellation within the 10 s bound") {
  const KitRun run = kit({fixture("t-kit-source"), "--set", "mode=hang_on_cancel", "--quick"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("sync.cancellation", "FAIL"));
  CHECK(contains(run.why("sync.cancellation"), "source.sync() did not return within 10 s of cancellation"));
}

TEST_CASE("a correct fixture file sink passes sink.crash_injection (exactly once)") {
  etltest::TempDir dir;
  const std::string out = dir / "out";
  const KitRun run = kit({fixture("t-kit-filesink"), "--set", "dir=" + out, "--output", out, "--quick", "--seed", "3"});
  CHECK_MESSAGE(run.process.exit_code == 0, run.process.describe());
  check_all_pass(run, {"sink.write_flush", "sink.error_paths", "sink.crash_injection"});
  CHECK(contains(run.why("sink.crash_injection"), "exactly once"));
}

TEST_CASE("a sink that keeps what it wrote after the checkpoint duplicates records: sink.crash_injection fails") {
  etltest::TempDir dir;
  const std::string out = dir / "out";
  const KitRun run = kit({fixture("t-kit-filesink"), "--set", "dir=" + out, "--set", "mode=ignore_restore", "--output",
                          out, "--quick", "--seed", "3", "--keep-going"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("sink.error_paths", "FAIL"));  // it also accepts a foreign checkpoint
  CHECK(run.has("sink.crash_injection", "FAIL"));
  CHECK(contains(run.why("sink.crash_injection"), "0 records lost"));
  CHECK(contains(run.why("sink.crash_injection"), "duplicated"));
  CHECK(contains(run.process.out, "replay: etlhost test-plugin"));
}

TEST_CASE("a sink whose flush() lies loses records after a crash: sink.crash_injection fails") {
  etltest::TempDir dir;
  const std::string out = dir / "out";
  const KitRun run = kit({fixture("t-kit-filesink"), "--set", "dir=" + out, "--set", "mode=lazy_flush", "--output", out,
                          "--quick", "--seed", "3", "--keep-going"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("sink.crash_injection", "FAIL"));
  CHECK(std::regex_search(run.why("sink.crash_injection"), std::regex("[1-9][0-9]* records lost")));
  CHECK(run.has("sink.error_paths", "FAIL"));
  CHECK(contains(run.why("sink.error_paths"), "flush() reported success for writes that failed"));
}

TEST_CASE("an acknowledged sink passes sink.acknowledged") {
  etltest::TempDir dir;
  const KitRun run = kit(
      {test_fixture("t-acksink"), "--set", "path=" + (dir / "journal"), "--set", "ack_every=2", "--keep-going"});
  CHECK_MESSAGE(run.has("sink.acknowledged", "PASS"), run.process.describe());
  CHECK(contains(run.why("sink.acknowledged"), "3 of 3 STATEs acknowledged"));
  CHECK(run.has("sink.write_flush", "PASS"));
}

TEST_CASE("a sink that acknowledges more STATEs than it was given fails sink.acknowledged") {
  etltest::TempDir dir;
  const KitRun run = kit(
      {test_fixture("t-acksink"), "--set", "path=" + (dir / "journal"), "--set", "overshoot=1", "--keep-going"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("sink.acknowledged", "FAIL"));
  CHECK(contains(run.why("sink.acknowledged"), "acknowledged() reported 1 when 0 STATEs were written"));
}

TEST_CASE("a Singer sink that writes STATE ahead of its buffered records fails sink.state_ordering") {
  const KitRun run = kit({fixture("t-kit-filesink"), "--set", "mode=singer_state_early"});
  CHECK_MESSAGE(run.process.exit_code == 8, run.process.describe());
  CHECK(run.has("sink.state_ordering", "FAIL"));
  CHECK(contains(run.why("sink.state_ordering"), "comes before"));
}
