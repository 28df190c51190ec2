// The singer sink without a target (`etlhost run SRC to singer | target-x`): etlhost
// cannot see what the target loaded, so by default the state file is read, never
// rewritten, and a notice says once where the state to keep is; commit_when_written
// brings back the 1.0 rule (flush is the acknowledgement). Real etlhost, demo source.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "target_support.h"
#include "text.h"

namespace {

using etltest::contains;
using singertest::run_etlhost;

}  // namespace

TEST_CASE("stdout mode: the state file stays byte-identical and the notice is printed once") {
  etltest::TempDir dir;
  const std::string state = dir.file("state.json");
  const std::string singer_state = R"({"customers":100,"orders":100})";  // a target's last STATE value
  etltest::write_file(state, singer_state);
  const auto run = run_etlhost({"run", "demo", "to", "singer", "--set", "demo.records=1000", "--set",
                                "demo.state_every=50", "--state", state, "--checkpoint-interval", "0"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(etltest::read_file(state) == singer_state);
  CHECK(etltest::occurrences(run.err, "this run never advances --state") == 1);  // 38 STATEs, one notice
  CHECK(contains(run.err, "the last STATE line your target printed"));
  // The state was read: the stream resumes after it.
  CHECK(contains(run.out, R"("record":{"id":101,)"));
  CHECK(!contains(run.out, R"("record":{"id":100,)"));
}

TEST_CASE("stdout mode: no state file is created when there was none") {
  etltest::TempDir dir;
  const auto run = run_etlhost(
      {"run", "demo", "to", "singer", "--set", "demo.records=10", "--state", dir.file("state.json")});
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(!etltest::file_exists(dir.file("state.json")));
}

TEST_CASE("stdout mode with commit_when_written: the flush is the acknowledgement, as in etlhost 1.0") {
  etltest::TempDir dir;
  const std::string state = dir.file("state.json");
  const auto run = run_etlhost({"run", "demo", "to", "singer", "--set", "demo.records=300", "--set",
                                "singer.commit_when_written=true", "--state", state});
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(!contains(run.err, "never advances --state"));
  const auto envelope = nlohmann::json::parse(etltest::read_file(state));
  CHECK(envelope["state"] == nlohmann::json({{"customers", 300}, {"orders", 300}}));
}

TEST_CASE("singer config: keys that contradict each other are refused with exit 3") {
  const auto both = run_etlhost(
      {"run", "demo", "to", "singer", "--target", "cat", "--set", "singer.commit_when_written=true"});
  CHECK_MESSAGE(both.exit_code == 3, both.describe());
  CHECK(contains(both.err, "'target' and 'commit_when_written' exclude each other"));
  const auto lone_file = run_etlhost({"run", "demo", "to", "singer", "--set", "singer.target_state_file=x.states"});
  CHECK_MESSAGE(lone_file.exit_code == 3, lone_file.describe());
  CHECK(contains(lone_file.err, "'target_state_file' needs 'target'"));
  const auto blank = run_etlhost({"run", "demo", "to", "singer", "--target", "  "});
  CHECK_MESSAGE(blank.exit_code == 3, blank.describe());
  CHECK(contains(blank.err, "found only spaces"));
}

TEST_CASE("--target is the singer sink's: with another sink it names the key it sets") {
  etltest::TempDir dir;
  const auto run = run_etlhost(
      {"run", "demo", "to", "csv", "--set", "csv.output_dir=" + dir.file("out"), "--target", "cat"});
  CHECK_MESSAGE(run.exit_code == 3, run.describe());
  CHECK(contains(run.err, "unknown key 'target' (in --set singer.target)"));
}
