// The exactly-once promise, tested the hard way: the real etlhost running demo -> csv is
// killed with SIGKILL at random points, re-run with the same state file, killed again, and
// so on; when a run is finally allowed to finish, the csv files must be byte-identical to
// those of a run that was never interrupted.
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "e2e_support.h"

namespace {

using namespace std::chrono;

std::vector<std::string> run_args(const etltest::TempDir& dir, const std::string& checkpoint_interval) {
  return {"run",
          "demo",
          "to",
          "csv",
          "--set",
          "demo.records=12000",
          "--set",
          "demo.state_every=400",
          "--set",
          "csv.output_dir=" + dir.file("out"),
          "--state",
          dir.file("state.json"),
          "--checkpoint-interval",
          checkpoint_interval,
          "--log-level",
          "warn"};
}

// How many rows the state file says were committed; -1 before the first commit.
int64_t committed_rows(const etltest::TempDir& dir) {
  if (!etltest::file_exists(dir.file("state.json"))) return -1;
  const auto envelope = nlohmann::json::parse(etltest::read_file(dir.file("state.json")));
  if (envelope["state"].is_null()) return 0;
  return envelope["state"].value("customers", int64_t{0}) + envelope["state"].value("orders", int64_t{0});
}

}  // namespace

TEST_CASE("demo -> csv killed by SIGKILL again and again ends byte-identical to an uninterrupted run") {
  etltest::TempDir reference;
  const auto started = steady_clock::now();
  const auto clean = e2e::run_etlhost(run_args(reference, "0"));
  const auto reference_ms = duration_cast<milliseconds>(steady_clock::now() - started).count();
  REQUIRE_MESSAGE(clean.exit_code == 0, clean.describe());
  const auto names = etltest::list_dir(reference.file("out"));
  REQUIRE(names == std::vector<std::string>{"customers.csv", "orders.csv"});

  const uint64_t seed = 20261126;
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> fraction(0.0, 1.1);
  const int64_t total_rows = 24000;
  int kills_landed = 0, finished_first = 0;
  std::set<int64_t> positions;  // committed row counts seen right after a kill

  for (int trial = 0; trial < 8; ++trial) {
    // Every other trial coalesces commits, so kills also land between a STATE and its commit.
    const std::string interval = trial % 2 == 0 ? "0" : "0.05";
    etltest::TempDir work;
    // Kill until the committed state covers everything (bounded, in case every run wins).
    for (int attempt = 0; attempt < 12 && committed_rows(work) < total_rows; ++attempt) {
      // Kill anywhere from "before the process did anything" to "after it would have
      // finished", scaled to what is left: a resumed run has less to do.
      const double left = 1.0 - static_cast<double>(std::max<int64_t>(committed_rows(work), 0)) / total_rows;
      const auto delay = microseconds(static_cast<int64_t>(fraction(random) * left * 1000.0 * reference_ms));
      auto process = etltest::Process::start(e2e::etlhost_bin(), run_args(work, interval), e2e::etlhost_options());
      std::this_thread::sleep_for(delay);
      process.send_signal(SIGKILL);
      const auto result = process.wait();
      if (result.signal == SIGKILL) {
        ++kills_landed;
        positions.insert(committed_rows(work));
      } else {
        REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
        ++finished_first;
      }
    }
    const auto final_run = e2e::run_etlhost(run_args(work, interval));
    REQUIRE_MESSAGE(final_run.exit_code == 0, final_run.describe());
    INFO("trial " << trial << " (seed " << seed << ")");
    REQUIRE(etltest::list_dir(work.file("out")) == names);
    for (const auto& name : names) {
      CHECK_MESSAGE(etltest::read_file(work.file("out/" + name)) == etltest::read_file(reference.file("out/" + name)),
                    name << " differs from the uninterrupted run");
    }
  }
  std::string seen;
  for (const int64_t position : positions) seen += " " + std::to_string(position);
  MESSAGE("reference run " << reference_ms << " ms; " << kills_landed << " kills landed mid-run, " << finished_first
                           << " runs finished before their kill; committed rows at kill time:" << seen);
  // Sanity floors, far below what a run gives (typically 20+ kills at 10+ points): the
  // kills must really have interrupted runs, at different points.
  CHECK(kills_landed >= 8);
  CHECK(positions.size() >= 4);
}
