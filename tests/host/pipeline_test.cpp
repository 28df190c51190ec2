// The run pipeline, end to end through the real binary: t-script (a scripted source) into
// t-recsink (a sink that journals every call and copies the state file into its journal
// at each flush, so the journal shows what was committed when).
#include <doctest/doctest.h>

#include <csignal>

#include <nlohmann/json.hpp>

#include "host_support.h"

using hosttest::contains;
using hosttest::lines_of;
using hosttest::read_file;

namespace {

// One scenario's files and the command line around them.
struct Scenario : hosttest::RunFiles {
  std::vector<std::string> args(const std::vector<std::string>& extra, bool with_state = true) const {
    std::vector<std::string> out{"run",   "t-script",
                                 "->",    "t-recsink",
                                 "--set", "t-recsink.path=" + journal,
                                 "--set", "t-recsink.state_file=" + state};
    if (with_state) {
      out.push_back("--state");
      out.push_back(state);
    }
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
  }
  etltest::ProcessResult run(const std::vector<std::string>& extra, bool with_state = true) const {
    return hosttest::run_etlhost(args(extra, with_state));
  }
  nlohmann::json state_json() const { return nlohmann::json::parse(read_file(state)); }
};

size_t count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
  return static_cast<size_t>(
      std::count_if(lines.begin(), lines.end(), [&](const std::string& line) { return line.starts_with(prefix); }));
}

}  // namespace

TEST_CASE("pipeline: a batch is split at each STATE, and each STATE is committed only after flush") {
  Scenario s;
  const auto result = s.run({"--checkpoint-interval", "0"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const auto lines = s.journal_lines();
  REQUIRE_MESSAGE(lines.size() == 18, read_file(s.journal));
  const auto committed = [&](size_t i, const std::string& state, const std::string& checkpoint) {
    CAPTURE(lines[i]);
    CHECK(lines[i].starts_with("flush {"));
    CHECK(contains(lines[i], "\"state\":" + state + ",\"sink\":\"t-recsink\",\"sink_checkpoint\":" + checkpoint));
  };
  CHECK(lines[0] == "restore (empty)");
  // The baseline: checkpoint and flush before anything moves; nothing committed yet.
  CHECK(lines[1] == R"(checkpoint {"records":0})");
  CHECK(lines[2] == "flush (none)");
  // One emit() carried SCHEMA R1 S1 R2 S2 R3 S3: the host split it after each STATE and
  // took the checkpoint there. Each flush still sees the previous commit in the file, so
  // every commit came after its flush.
  CHECK(lines[3] == "SCHEMA items");
  CHECK(lines[4] == R"(RECORD items {"id":1})");
  CHECK(lines[5] == R"(STATE {"n":1})");
  CHECK(lines[6] == R"(checkpoint {"records":1})");
  committed(7, "null", R"({"records":0})");
  CHECK(lines[8] == R"(RECORD items {"id":2})");
  CHECK(lines[9] == R"(STATE {"n":2})");
  CHECK(lines[10] == R"(checkpoint {"records":2})");
  committed(11, R"({"n":1})", R"({"records":1})");
  CHECK(lines[12] == R"(RECORD items {"id":3})");
  CHECK(lines[13] == R"(STATE {"n":3})");
  CHECK(lines[14] == R"(checkpoint {"records":3})");
  committed(15, R"({"n":2})", R"({"records":2})");
  committed(16, R"({"n":3})", R"({"records":3})");  // the final flush at the end of sync
  CHECK(lines[17] == "destroy");
  CHECK(s.state_json()["state"] == nlohmann::json{{"n", 3}});
  CHECK(s.state_json()["sink_checkpoint"] == nlohmann::json{{"records", 3}});
  CHECK(contains(result.err, "finished: 3 records (items 3)"));
  CHECK(result.out.empty());
}

TEST_CASE("pipeline: with a long checkpoint interval the last STATE is committed at the end") {
  Scenario s;
  const auto result = s.run({"--checkpoint-interval", "3600", "--set", "t-script.records=5"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const auto lines = s.journal_lines();
  CHECK(count_prefix(lines, "checkpoint ") == 6);  // the baseline + one per STATE
  CHECK(count_prefix(lines, "flush ") == 2);       // the baseline + the end
  CHECK(s.state_json()["state"] == nlohmann::json{{"n", 5}});
  CHECK(s.state_json()["sink_checkpoint"] == nlohmann::json{{"records", 5}});
}

TEST_CASE("pipeline: a second run resumes from the committed state and restores the sink's checkpoint") {
  Scenario s;
  REQUIRE(s.run({"--set", "t-script.records=2"}).exit_code == 0);
  std::filesystem::remove(s.journal);
  const auto second = s.run({"--set", "t-script.records=4"});
  REQUIRE_MESSAGE(second.exit_code == 0, second.describe());
  const auto lines = s.journal_lines();
  CHECK(lines.front() == R"(restore {"records":2})");
  CHECK(count_prefix(lines, "RECORD ") == 2);
  CHECK(contains(read_file(s.journal), R"(RECORD items {"id":3})"));
  CHECK_FALSE(contains(read_file(s.journal), R"(RECORD items {"id":2})"));
  CHECK(s.state_json()["state"] == nlohmann::json{{"n", 4}});
}

TEST_CASE("pipeline: a plain Singer state file is resumed from, then replaced by an envelope") {
  Scenario s;
  hosttest::write_file(s.state, R"({"n":2})");
  const auto result = s.run({"--set", "t-script.records=3"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(s.journal_lines().front() == "restore (empty)");
  CHECK(count_prefix(s.journal_lines(), "RECORD ") == 1);
  CHECK(s.state_json()["etlhost_state"] == 1);
  CHECK(s.state_json()["state"] == nlohmann::json{{"n", 3}});
}

TEST_CASE("pipeline: a sink whose flush fails leaves the state file unchanged (exit 6)") {
  Scenario s;
  REQUIRE(s.run({"--set", "t-script.records=1"}).exit_code == 0);
  const std::string committed = read_file(s.state);
  std::filesystem::remove(s.journal);

  SUBCASE("the baseline flush fails: the file is byte for byte the same") {
    const auto result = s.run({"--set", "t-script.records=3", "--set", "t-recsink.fail_flush_at=1"});
    CHECK_MESSAGE(result.exit_code == 6, result.describe());
    CHECK(contains(result.err, "sink 't-recsink' failed to flush: t-recsink: flush failed as configured"));
    CHECK(read_file(s.state) == committed);
    CHECK(count_prefix(s.journal_lines(), "RECORD ") == 0);  // the source never ran
  }
  SUBCASE("a later flush fails: no STATE after the failure is committed, the sink is restored") {
    const auto result = s.run(
        {"--set", "t-script.records=3", "--set", "t-recsink.fail_flush_at=2", "--checkpoint-interval", "0"});
    CHECK_MESSAGE(result.exit_code == 6, result.describe());
    CHECK(s.state_json()["state"] == nlohmann::json{{"n", 1}});
    CHECK(s.state_json()["sink_checkpoint"] == nlohmann::json{{"records", 1}});
    const auto lines = s.journal_lines();
    CHECK(lines[lines.size() - 2] == R"(restore {"records":1})");
    CHECK(lines.back() == "destroy");
  }
}

TEST_CASE("pipeline: a sink write failure stops the run (exit 6) and restores the committed checkpoint") {
  Scenario s;
  const auto result = s.run({"--set", "t-recsink.fail_write_at=1"});
  CHECK_MESSAGE(result.exit_code == 6, result.describe());
  CHECK(contains(result.err,
                 "sink 't-recsink' failed to write: t-recsink: disk full (as configured) (ETL_E_IO, detail 28)"));
  CHECK_FALSE(contains(result.err, "source 't-script' failed"));
  CHECK(s.state_json()["state"].is_null());  // only the baseline was committed
  const auto lines = s.journal_lines();
  CHECK(lines[lines.size() - 2] == R"(restore {"records":0})");
}

TEST_CASE("pipeline: a failing checkpoint() is a sink failure") {
  Scenario s;
  const auto result = s.run({"--set", "t-recsink.fail_checkpoint_at=2"});
  CHECK_MESSAGE(result.exit_code == 6, result.describe());
  CHECK(contains(result.err, "failed to checkpoint"));
}

TEST_CASE("pipeline: a downstream close exits 141 quietly and commits nothing further") {
  Scenario s;
  const auto result = s.run({"--set", "t-recsink.closed_at_write=1", "--checkpoint-interval", "0"});
  CHECK_MESSAGE(result.exit_code == 141, result.describe());
  CHECK_FALSE(contains(result.err, "ERROR"));
  CHECK(s.state_json()["state"].is_null());
  CHECK(count_prefix(s.journal_lines(), "restore") == 1);  // only the initial one
}

TEST_CASE("pipeline: protocol violations are the source's fault (exit 5) and reach no sink") {
  struct Violation {
    const char* mode;
    const char* message;
  };
  for (const Violation& v :
       {Violation{"record_before_schema", "source 't-script' emitted a RECORD for stream 'orders' before its SCHEMA"},
        Violation{"raw_newline", "whose JSON contains a raw CR or LF byte"},
        Violation{"unknown_kind", "of unknown kind 9"},
        Violation{"bad_state", "emitted a STATE whose JSON does not parse"},
        Violation{"state_with_stream", "emitted a STATE with stream 'items'"},
        Violation{"swallow", "emitted a RECORD for stream 'orders' before its SCHEMA"},
        Violation{"wrong_thread", "called emit() from a thread other than the one inside sync()"}}) {
    CAPTURE(v.mode);
    Scenario s;
    const auto result = s.run({"--set", std::string("t-script.mode=") + v.mode});
    CHECK_MESSAGE(result.exit_code == 5, result.describe());
    CHECK(contains(result.err, v.message));
    const auto lines = s.journal_lines();
    CHECK(count_prefix(lines, "RECORD ") == 0);  // a bad batch is refused whole
    CHECK(count_prefix(lines, "SCHEMA ") == 0);
  }
}

TEST_CASE("pipeline: a source failure commits the pending STATE and restores the sink to it (exit 5)") {
  Scenario s;
  const auto result = s.run({"--set", "t-script.mode=fail", "--checkpoint-interval", "3600"});
  CHECK_MESSAGE(result.exit_code == 5, result.describe());
  CHECK(contains(result.err, "source 't-script' failed: upstream broke while using token  (ETL_E_IO)"));
  CHECK(contains(result.err, R"(state committed up to {"n":1})"));
  CHECK(s.state_json()["state"] == nlohmann::json{{"n", 1}});
  CHECK(s.state_json()["sink_checkpoint"] == nlohmann::json{{"records", 1}});
  const auto lines = s.journal_lines();
  REQUIRE(lines.size() >= 3);
  CHECK(lines[lines.size() - 3].starts_with("flush "));          // flushed before committing
  CHECK(lines[lines.size() - 2] == R"(restore {"records":1})");  // RECORD 2 is discarded
}

TEST_CASE("pipeline: without --state nothing is committed and the sink is not restored at the end") {
  Scenario s;
  const auto result = s.run({"--set", "t-script.mode=fail"}, /*with_state=*/false);
  CHECK_MESSAGE(result.exit_code == 5, result.describe());
  CHECK_FALSE(hosttest::file_exists(s.state));
  CHECK(count_prefix(s.journal_lines(), "restore") == 1);
  CHECK(count_prefix(s.journal_lines(), "checkpoint") == 0);
}

TEST_CASE("pipeline: a state file of another source is refused before anything runs (exit 7)") {
  Scenario s;
  hosttest::write_file(s.state,
                       R"({"etlhost_state":1,"source":"demo","state":{},"sink":"t-recsink","sink_checkpoint":null})");
  const auto result = s.run({});
  CHECK_MESSAGE(result.exit_code == 7, result.describe());
  CHECK(contains(result.err, "source 'demo'"));
  CHECK(contains(result.err, "'t-script'"));
  CHECK(count_prefix(s.journal_lines(), "restore") == 0);

  hosttest::write_file(s.state, "{not json");
  const auto invalid = s.run({});
  CHECK(invalid.exit_code == 7);
  CHECK(contains(invalid.err, "state file " + s.state + " is not valid JSON"));
}

TEST_CASE("pipeline: SIGTERM mid-run commits the last pending STATE and exits 143") {
  Scenario s;
  auto process = etltest::Process::start(
      hosttest::etlhost_bin(),
      s.args({"--set", "t-script.records=100000", "--set", "t-script.delay_ms=20", "--checkpoint-interval", "3600"}),
      hosttest::etlhost_options());
  REQUIRE_MESSAGE(process.wait_for_stderr("sent state 3", std::chrono::seconds(30)), process.err());
  process.send_signal(SIGTERM);
  const auto result = process.wait();
  CHECK_MESSAGE(result.exit_code == 143, result.describe());
  CHECK(contains(result.err, "stopped by SIGTERM; state committed up to {\"n\":"));
  // Only the baseline was committed during the run (interval 3600 s), so the state in the
  // file was committed on the way out, behind a flush.
  const int committed = s.state_json()["state"]["n"].get<int>();
  CHECK(committed >= 3);
  CHECK(s.state_json()["sink_checkpoint"]["records"].get<int>() == committed);
  const auto lines = s.journal_lines();
  CHECK(lines[lines.size() - 3].starts_with("flush "));
  CHECK(lines[lines.size() - 2] == "restore {\"records\":" + std::to_string(committed) + "}");
}

TEST_CASE("pipeline: SIGINT stops the run with exit 130") {
  Scenario s;
  auto process = etltest::Process::start(hosttest::etlhost_bin(),
                                         s.args({"--set", "t-script.records=100000", "--set", "t-script.delay_ms=20"}),
                                         hosttest::etlhost_options());
  REQUIRE_MESSAGE(process.wait_for_stderr("sent state 2", std::chrono::seconds(30)), process.err());
  process.send_signal(SIGINT);
  const auto result = process.wait();
  CHECK_MESSAGE(result.exit_code == 130, result.describe());
  CHECK(contains(result.err, "stopped by SIGINT"));
  CHECK(s.state_json()["state"]["n"].get<int>() >= 2);
}

TEST_CASE("pipeline: progress lines report records and states") {
  Scenario s;
  const auto result = s.run({"--set", "t-script.records=4", "--set", "t-script.delay_ms=5", "--progress-interval",
                             "0.001", "--checkpoint-interval", "0"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(contains(result.err, "progress: "));
  CHECK(contains(result.err, "records (items "));
  const auto quiet = s.run({"--set", "t-script.records=4", "--progress-interval", "0"});
  CHECK_FALSE(contains(quiet.err, "progress: "));
}

TEST_CASE("pipeline: demo into the null sink, resumed, counts every record once") {
  hosttest::TempDir dir;
  const std::string state = dir.file("demo.state");
  const auto first = hosttest::run_etlhost(
      {"run", "demo", "to", "null", "--state", state, "--set", "demo.records=1500", "--set", "demo.state_every=500"});
  REQUIRE_MESSAGE(first.exit_code == 0, first.describe());
  CHECK(contains(first.err, "finished: 3000 records (customers 1500, orders 1500)"));
  const auto second = hosttest::run_etlhost(
      {"run", "demo:null", "--state", state, "--set", "source.records=2000", "--set", "demo.state_every=500"});
  REQUIRE_MESSAGE(second.exit_code == 0, second.describe());
  CHECK(contains(second.err, "finished: 1000 records (customers 500, orders 500)"));
  CHECK(nlohmann::json::parse(read_file(state))["state"] == nlohmann::json{{"customers", 2000}, {"orders", 2000}});
}

TEST_CASE("pipeline: a sink that cannot restore its committed checkpoint stops the run before it starts (exit 6)") {
  Scenario s;
  const auto result = s.run({"--set", "t-recsink.fail_restore_at=1"});
  CHECK_MESSAGE(result.exit_code == 6, result.describe());
  CHECK(contains(result.err, "sink 't-recsink' failed to restore (no checkpoint committed)"));
  CHECK(count_prefix(s.journal_lines(), "RECORD ") == 0);
  CHECK_FALSE(hosttest::file_exists(s.state));
}

TEST_CASE("pipeline: --catalog passes the catalog to the source, and a malformed one is a config error") {
  Scenario s;
  hosttest::write_file(s.dir.file("catalog.json"), R"({"streams":[{"tap_stream_id":"items","schema":{}}]})");
  const auto result = s.run({"--catalog", s.dir.file("catalog.json")});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(contains(result.err, R"([t-script] catalog: {"streams":[{"tap_stream_id":"items","schema":{}}]})"));

  hosttest::write_file(s.dir.file("bad.json"), R"({"stream":[]})");
  const auto bad = s.run({"--catalog", s.dir.file("bad.json")});
  CHECK_MESSAGE(bad.exit_code == 3, bad.describe());
  CHECK(contains(bad.err, "catalog file " + s.dir.file("bad.json") + " (--catalog) must hold {\"streams\": [...]}"));
  const auto missing = s.run({"--catalog", s.dir.file("missing.json")});
  CHECK(missing.exit_code == 3);
  const auto none = s.run({});
  CHECK_FALSE(contains(none.err, "catalog:"));  // no --catalog: an empty catalog, all streams
}

TEST_CASE("pipeline: a state commit that fails stops the run with exit 7 and keeps the old state") {
  Scenario s;
  REQUIRE(s.run({"--set", "t-script.records=1"}).exit_code == 0);
  const std::string committed = read_file(s.state);
  std::filesystem::create_directory(s.state + ".tmp");  // the next commit cannot write its temp file
  const auto result = s.run({"--set", "t-script.records=3"});
  CHECK_MESSAGE(result.exit_code == 7, result.describe());
  CHECK(contains(result.err, "cannot commit state file " + s.state));
  CHECK(read_file(s.state) == committed);
  const auto lines = s.journal_lines();
  CHECK(lines[lines.size() - 2] == R"(restore {"records":1})");
}
