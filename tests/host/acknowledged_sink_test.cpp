// Acknowledged sinks (ABI 1.1), end to end through the real binary: t-script or demo into
// t-acksink (tests/plugins/t_acksink.c), whose acknowledged() and finish() answers are
// scripted by config, standing in for a Singer target that loads rows in its own time.
#include <doctest/doctest.h>

#include <csignal>

#include <nlohmann/json.hpp>

#include "host_support.h"

using hosttest::contains;
using hosttest::lines_of;
using hosttest::read_file;

namespace {

struct AckScenario : hosttest::RunFiles {
  std::vector<std::string> args(const std::vector<std::string>& extra, const std::string& source = "t-script") const {
    std::vector<std::string> out{"run",     source, "->", "t-acksink", "--set", "t-acksink.path=" + journal,
                                 "--state", state};
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
  }
  etltest::ProcessResult run(const std::vector<std::string>& extra) const { return hosttest::run_etlhost(args(extra)); }
  etltest::Process start(const std::vector<std::string>& extra) const {
    return etltest::Process::start(hosttest::etlhost_bin(), args(extra), hosttest::etlhost_options());
  }
  nlohmann::json committed_state() const { return nlohmann::json::parse(read_file(state))["state"]; }
  size_t finish_calls() const {
    const auto lines = journal_lines();
    return static_cast<size_t>(
        std::count_if(lines.begin(), lines.end(), [](const std::string& line) { return line.starts_with("finish"); }));
  }
};

}  // namespace

TEST_CASE("acknowledged sink: state moves only as far as the sink acknowledged, with a WARN for the rest") {
  AckScenario s;
  const auto result = s.run({"--set", "t-script.records=5", "--set", "t-acksink.ack_every=2", "--set",
                             "t-acksink.ack_on_finish=0", "--checkpoint-interval", "0"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(s.committed_state() == nlohmann::json{{"n", 4}});
  CHECK(contains(result.err, "sink 't-acksink' acknowledged 4 of 5 STATEs written; state committed up to {\"n\":4}"));
  CHECK(contains(result.err, "delivered again by the next run"));
  CHECK(contains(result.err, "finished: 5 records (items 5)"));
  CHECK(contains(result.err, "4 states acknowledged, 2 committed to " + s.state));

  // The next run resumes after the acknowledged point: record 5 is delivered again.
  std::filesystem::remove(s.journal);
  const auto again = s.run({"--set", "t-script.records=5"});
  REQUIRE_MESSAGE(again.exit_code == 0, again.describe());
  CHECK(s.journal_lines()[1] == R"(STATE {"n":5})");
  CHECK(s.committed_state() == nlohmann::json{{"n", 5}});
  CHECK_FALSE(contains(again.err, "acknowledged 1 of"));
}

TEST_CASE("acknowledged sink: nothing acknowledged leaves the state file byte for byte as it was") {
  AckScenario s;
  SUBCASE("an absent state file stays absent (no baseline commit)") {
    const auto result = s.run({"--set", "t-script.records=3", "--set", "t-acksink.ack_on_finish=0"});
    REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
    CHECK_FALSE(hosttest::file_exists(s.state));
    CHECK(contains(result.err, "acknowledged 0 of 3 STATEs written"));
  }
  SUBCASE("an existing state file is not rewritten") {
    REQUIRE(s.run({"--set", "t-script.records=2"}).exit_code == 0);
    const std::string before = read_file(s.state);
    const auto result = s.run(
        {"--set", "t-script.records=6", "--set", "t-acksink.ack_on_finish=0", "--checkpoint-interval", "0"});
    REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
    CHECK(read_file(s.state) == before);
    CHECK(contains(result.err, "state committed up to {\"n\":2}"));
  }
}

TEST_CASE("acknowledged sink: acks that a thread of the sink learns after the last write are committed at the end") {
  AckScenario s;
  // All 5 STATEs arrive in one emit, long before the first ack (500 ms): the run streams on,
  // and finish() is where the sink waits for its downstream's last acknowledgement.
  const auto result = s.run({"--set", "t-script.records=5", "--set", "t-acksink.ack_delay_ms=500", "--set",
                             "t-acksink.ack_on_finish=0", "--checkpoint-interval", "0"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(s.committed_state() == nlohmann::json{{"n", 5}});
  CHECK(contains(result.err, "5 states acknowledged, 1 committed"));
  const auto lines = s.journal_lines();
  // No flush waited for an ack: all five STATEs were written before finish.
  const auto finish = std::find(lines.begin(), lines.end(), "finish");
  REQUIRE(finish != lines.end());
  CHECK(std::count_if(lines.begin(), finish, [](const std::string& l) { return l.starts_with("STATE "); }) == 5);
}

TEST_CASE("acknowledged sink: finish() is called exactly once, aborted unless the run succeeded") {
  AckScenario s;
  SUBCASE("success") {
    REQUIRE(s.run({"--set", "t-script.records=2"}).exit_code == 0);
    CHECK(s.finish_calls() == 1);
    CHECK(contains(read_file(s.journal), "finish\n"));
  }
  SUBCASE("the source fails") {
    const auto result = s.run({"--set", "t-script.mode=fail", "--set", "t-acksink.ack_on_finish=-1"});
    CHECK_MESSAGE(result.exit_code == 5, result.describe());
    CHECK(s.finish_calls() == 1);
    CHECK(contains(read_file(s.journal), "finish aborted\n"));
    // What the sink acknowledged during its finish() is still committed.
    CHECK(s.committed_state() == nlohmann::json{{"n", 1}});
  }
  SUBCASE("SIGTERM") {
    auto process = s.start(
        {"--set", "t-script.records=100000", "--set", "t-script.delay_ms=20", "--set", "t-acksink.ack_every=1000000"});
    REQUIRE_MESSAGE(process.wait_for_stderr("sent state 3", std::chrono::seconds(30)), process.err());
    process.send_signal(SIGTERM);
    const auto result = process.wait();
    CHECK_MESSAGE(result.exit_code == 143, result.describe());
    CHECK(s.finish_calls() == 1);
    CHECK(contains(read_file(s.journal), "finish aborted\n"));
    CHECK(s.committed_state()["n"].get<int>() >= 3);  // acknowledged by finish(), so committed
  }
  SUBCASE("a 1.0-rule sink (acknowledged() not implemented) that has finish() gets it too") {
    REQUIRE(s.run({"--set", "t-script.records=2", "--set", "t-acksink.not_implemented=1"}).exit_code == 0);
    CHECK(s.finish_calls() == 1);
  }
}

TEST_CASE("acknowledged sink: acknowledged() not implemented keeps the 1.0 rule, flush is the ack") {
  AckScenario s;
  const auto result = s.run({"--set", "t-script.records=3", "--set", "t-acksink.not_implemented=1", "--set",
                             "t-acksink.ack_on_finish=0", "--checkpoint-interval", "0"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(s.committed_state() == nlohmann::json{{"n", 3}});
  CHECK(contains(result.err, "4 states committed to " + s.state));  // the baseline + one per STATE
  CHECK_FALSE(contains(result.err, "acknowledged"));
}

TEST_CASE("acknowledged sink: ETL_E_DOWNSTREAM fails the run with exit 9 and the sink's message") {
  AckScenario s;
  SUBCASE("from finish(): state stays at the last acknowledged STATE") {
    const auto result = s.run({"--set", "t-script.records=5", "--set", "t-acksink.ack_every=2", "--set",
                               "t-acksink.ack_on_finish=0", "--set", "t-acksink.finish_fails=1"});
    CHECK_MESSAGE(result.exit_code == 9, result.describe());
    CHECK(contains(result.err, "sink 't-acksink': t-acksink: target 'test-target' exited with status 3"));
    CHECK(s.committed_state() == nlohmann::json{{"n", 4}});
    CHECK_FALSE(contains(result.err, "finished:"));
    CHECK(s.finish_calls() == 1);
  }
  SUBCASE("from write()") {
    const auto result = s.run({"--set", "t-script.records=5", "--set", "t-script.delay_ms=1", "--set",
                               "t-acksink.ack_every=1", "--set", "t-acksink.downstream_at_write=4",
                               "--checkpoint-interval", "0"});
    CHECK_MESSAGE(result.exit_code == 9, result.describe());
    CHECK(contains(result.err, "sink 't-acksink': t-acksink: target 'test-target' stopped reading (as configured)"));
    CHECK(s.committed_state() == nlohmann::json{{"n", 2}});  // writes: SCHEMA, R1+S1, R2+S2, then the failure
  }
}

TEST_CASE("acknowledged sink: a sink that acknowledges more STATEs than it was given fails the run (exit 6)") {
  AckScenario s;
  const auto result = s.run({"--set", "t-script.records=3", "--set", "t-acksink.overshoot=1"});
  CHECK_MESSAGE(result.exit_code == 6, result.describe());
  CHECK(contains(result.err, "sink 't-acksink' failed to report its acknowledged STATEs: acknowledged() reported 1 "
                             "but only 0 STATEs were written (ETL_E_INVALID_STATE)"));
  CHECK_FALSE(hosttest::file_exists(s.state));
}

TEST_CASE("acknowledged sink: the pending STATEs are bounded, the newest entry is replaced when full") {
  AckScenario s;
  // demo with state_every 1: 12000 STATEs, none acknowledged until finish() acknowledges the
  // first 10500. The host kept 1..9999 and the newest: the newest acknowledged it still has
  // is number 9999 (customers + orders rows so far).
  const auto result = hosttest::run_etlhost(s.args(
      {"--set", "demo.records=6000", "--set", "demo.state_every=1", "--set", "t-acksink.ack_on_finish=10500"}, "demo"));
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  const auto state = s.committed_state();
  CHECK(state["customers"].get<int>() + state["orders"].get<int>() == 9999);
  CHECK(contains(result.err, "acknowledged 10500 of 12000 STATEs written"));
}

TEST_CASE("acknowledged sink: SIGKILL mid-run leaves the state at an acknowledged STATE") {
  AckScenario s;
  auto process = s.start({"--set", "t-script.records=100000", "--set", "t-script.delay_ms=10", "--set",
                          "t-acksink.ack_every=3", "--checkpoint-interval", "0"});
  REQUIRE_MESSAGE(process.wait_for_stderr("sent state 10", std::chrono::seconds(30)), process.err());
  process.send_signal(SIGKILL);
  const auto result = process.wait();
  CHECK(result.signal == SIGKILL);
  const int committed = s.committed_state()["n"].get<int>();
  CHECK(committed >= 9);
  CHECK(committed % 3 == 0);  // only acknowledged STATEs were ever committed
  CHECK(s.finish_calls() == 0);
}

TEST_CASE("acknowledged sink: a sink built against the frozen 1.0 header runs by the 1.0 rule, commit after flush") {
  AckScenario s;
  const auto result = hosttest::run_etlhost(
      {"run", "t-script", "->", ETLHOST_TEST_ABI10_SINK, "--set", "abi10-sink.path=" + s.journal, "--set",
       "abi10-sink.state_file=" + s.state, "--state", s.state, "--checkpoint-interval", "0"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
  CHECK(s.committed_state() == nlohmann::json{{"n", 3}});
  CHECK(contains(result.err, "4 states committed to " + s.state));  // the baseline + one per STATE
  const auto lines = s.journal_lines();
  REQUIRE_MESSAGE(lines.size() == 8, read_file(s.journal));
  CHECK(lines[0] == "flush (none)");  // the baseline
  CHECK(lines[1] == R"(STATE {"n":1})");
  // Each flush still sees the previous commit: STATE 1 was committed only after this flush.
  CHECK(lines[2].starts_with("flush {"));
  CHECK_FALSE(contains(lines[2], R"("state":{"n":1})"));
  CHECK(contains(lines[4], R"("state":{"n":1})"));
  CHECK(contains(lines[6], R"("state":{"n":2})"));
  CHECK(contains(lines[7], R"("state":{"n":3})"));  // the final flush at the end of sync
}
