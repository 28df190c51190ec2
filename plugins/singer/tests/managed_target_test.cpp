// The managed target, end to end: the real etlhost runs demo -> singer with
// `--target 'etl-test-target ...'` (a real child process on real pipes) and commits a state
// only once the target emitted it back. For each way a target behaves or fails: the exit
// code and message, the state moved only as far as acknowledged, and a later good run
// delivers everything (nothing lost).
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "target_support.h"
#include "text.h"

namespace {

using etltest::contains;
using singertest::TargetRun;
using singertest::Workspace;

// A later run with a well-behaved target, to its end.
void finish_with_good_target(const Workspace& work, int64_t records, int n) {
  const auto done = work.run(TargetRun{records, 100, "--batch 50", {}}, n);
  REQUIRE_MESSAGE(done.exit_code == 0, done.describe());
  CHECK(singertest::committed(work.state_path()) ==
        std::map<std::string, int64_t>{{"customers", records}, {"orders", records}});
}

// After run 1 ended badly: what its state says is delivered was loaded, and run 2 (a good
// target) delivers the rest, so every record reached a target (nothing lost).
void check_acknowledged_then_resumed(const Workspace& work, int64_t records) {
  const auto first = singertest::loaded_ids(work.loaded_path(1));
  singertest::check_state_is_loaded(singertest::committed(work.state_path()), {first});
  finish_with_good_target(work, records, 2);
  singertest::check_everything_loaded(records, {first, singertest::loaded_ids(work.loaded_path(2))});
}

}  // namespace

TEST_CASE("managed target: a batching target's re-serialized STATEs acknowledge, and the run commits the last") {
  Workspace work;
  const auto run = work.run(
      TargetRun{2500, 700, "--batch 1000", {"--set", "singer.target_state_file=" + work.file("target.states")}}, 1);
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  // The target writes 2500.0 where etlhost sent 2500: only a JSON comparison matches them.
  CHECK(singertest::committed(work.state_path()) ==
        std::map<std::string, int64_t>{{"customers", 2500}, {"orders", 2500}});
  const auto loaded = singertest::loaded_ids(work.loaded_path(1));
  CHECK(loaded.at("customers").size() == 2500);  // exactly once: no run was interrupted
  CHECK(loaded.at("orders").size() == 2500);
  singertest::check_everything_loaded(2500, {loaded});
  // The target's own view: its STATE lines as it wrote them.
  const auto states = etltest::lines_of(etltest::read_file(work.file("target.states")));
  REQUIRE(!states.empty());
  CHECK(contains(states.back(), R"("value": {"customers":2500.0,"orders":2500.0})"));
  // Its stderr reaches the log, named.
  CHECK(contains(run.err, "etl-test-target: loaded 1000 records"));
  CHECK(!contains(run.out, "RECORD"));  // the stream went to the target, not to stdout
}

TEST_CASE("managed target: 100k records buffered before the first STATE, no deadlock") {
  Workspace work;
  const auto run = work.run(TargetRun{60000, 5000, "--batch 100000", {}}, 1);
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(singertest::committed(work.state_path()) ==
        std::map<std::string, int64_t>{{"customers", 60000}, {"orders", 60000}});
  singertest::check_everything_loaded(60000, {singertest::loaded_ids(work.loaded_path(1))});
}

TEST_CASE("managed target: a target that writes a stderr line per record while etlhost writes, no deadlock") {
  Workspace work;
  // ~1.3 MB of stderr, 20 times a pipe's buffer: the sink reads it while its write waits.
  const auto run = work.run(TargetRun{20000, 1000, "--batch 5000 --chatty", {"--log-level", "warn"}}, 1);
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(singertest::committed(work.state_path()) ==
        std::map<std::string, int64_t>{{"customers", 20000}, {"orders", 20000}});
}

TEST_CASE("managed target: a target that emits STATE only at the end is committed at the end") {
  Workspace work;
  const auto run = work.run(TargetRun{3000, 100, "--batch 10 --state-at-end-only", {}}, 1);
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(singertest::committed(work.state_path()) ==
        std::map<std::string, int64_t>{{"customers", 3000}, {"orders", 3000}});
}

TEST_CASE("managed target: a target that fails after reading everything exits 9 with its status and stderr") {
  Workspace work;
  finish_with_good_target(work, 1000, 1);
  const std::string before = etltest::read_file(work.state_path());

  const auto failed = work.run(TargetRun{3000, 100, "--batch 100000 --fail-at-end", {}}, 2);
  CHECK_MESSAGE(failed.exit_code == 9, failed.describe());
  CHECK(contains(failed.err, "exited with status 3"));
  CHECK(contains(failed.err, "etl-test-target"));
  CHECK(contains(failed.err, "ERROR line 25: value too long for column"));  // the last line, in the message
  CHECK(contains(failed.err, "State stays at the last STATE it acknowledged (0 of "));
  CHECK(etltest::read_file(work.state_path()) == before);  // byte-identical: nothing was acknowledged

  finish_with_good_target(work, 3000, 3);
  const auto resumed = singertest::loaded_ids(work.loaded_path(3));
  CHECK(resumed.at("customers").front() == 1001);  // resumed after the last acknowledged STATE
  singertest::check_everything_loaded(3000, {singertest::loaded_ids(work.loaded_path(1)), resumed});
}

TEST_CASE("managed target: a target killed by SIGKILL mid-stream exits 9, state stays at its last acknowledgement") {
  Workspace work;
  const auto killed = work.run(TargetRun{2000, 100, "--batch 200 --kill-after 1500", {}}, 1);
  CHECK_MESSAGE(killed.exit_code == 9, killed.describe());
  CHECK(contains(killed.err, "was killed by signal 9 (SIGKILL)"));
  const auto state = singertest::committed(work.state_path());
  REQUIRE(!state.empty());                                    // it acknowledged batches before it died
  CHECK(state.at("customers") + state.at("orders") <= 1400);  // never beyond what it loaded
  check_acknowledged_then_resumed(work, 2000);
}

TEST_CASE("managed target: a target that closes its stdin early exits 9, and a later run delivers the rest") {
  Workspace work;
  const auto closed = work.run(TargetRun{2000, 100, "--batch 100 --close-stdin-after 300", {}}, 1);
  CHECK_MESSAGE(closed.exit_code == 9, closed.describe());
  CHECK(contains(closed.err, "stopped reading its input before the end of the stream"));
  CHECK(contains(closed.err, "closing stdin after 300 records"));
  check_acknowledged_then_resumed(work, 2000);
}

TEST_CASE("managed target: a target that never emits STATE leaves the state file unwritten") {
  Workspace work;
  const auto run = work.run(TargetRun{500, 100, "--no-state", {}}, 1);
  CHECK_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(!etltest::file_exists(work.state_path()));  // no baseline, no commit
  singertest::check_everything_loaded(500, {singertest::loaded_ids(work.loaded_path(1))});
}

TEST_CASE("managed target: a command that does not exist exits 9 saying so") {
  Workspace work;
  const auto run = singertest::run_etlhost(
      {"run", "demo", "to", "singer", "--state", work.state_path(), "--target", "etl-no-such-target --config x.json"});
  CHECK_MESSAGE(run.exit_code == 9, run.describe());
  CHECK(contains(run.err, "`etl-no-such-target --config x.json` "));
  CHECK(contains(run.err, "(command not found)"));
  CHECK(!etltest::file_exists(work.state_path()));
}

TEST_CASE("managed target: SIGKILL of etlhost mid-run leaves an acknowledged state, the next run delivers the rest") {
  Workspace work;
  const TargetRun slow{3000, 100, "--batch 100 --load-delay-ms 20", {}};
  auto etlhost = work.start(slow, 1);
  // Killed once a few acknowledged STATEs were committed, while the target is still loading.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (singertest::committed(work.state_path()).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE_MESSAGE(etlhost.running(), "etlhost ended before it could be killed mid-run");
  etlhost.send_signal(SIGKILL);
  CHECK(etlhost.wait().signal == SIGKILL);
  // The orphaned target sees the end of its input and finishes on its own.
  singertest::wait_for_target_exit(work.pid_path(1));
  CHECK(singertest::committed(work.state_path()).at("customers") < 3000);
  check_acknowledged_then_resumed(work, 3000);
}

TEST_CASE("managed target: SIGTERM of etlhost closes the target's input, commits what it acknowledged, exits 143") {
  Workspace work;
  const TargetRun slow{3000, 100, "--batch 100 --load-delay-ms 20", {}};
  auto etlhost = work.start(slow, 1);
  REQUIRE(etlhost.wait_for_stderr("etl-test-target: loaded 100 records", std::chrono::seconds(60)));
  etlhost.send_signal(SIGTERM);
  const auto stopped = etlhost.wait();
  CHECK_MESSAGE(stopped.exit_code == 143, stopped.describe());
  CHECK(!contains(stopped.err, "SIGKILL"));  // it ended on its own once its input ended
  const auto state = singertest::committed(work.state_path());
  const auto first = singertest::loaded_ids(work.loaded_path(1));
  REQUIRE(!state.empty());
  // The target loaded everything it was sent and acknowledged the last STATE it got: the
  // commit covers all but the records after that STATE.
  CHECK(first.at("customers").size() + first.at("orders").size() - state.at("customers") - state.at("orders") < 100);
  check_acknowledged_then_resumed(work, 3000);
}
