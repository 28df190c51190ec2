// The real etlhost running t-script (mode grow: a source whose records gain a field every
// ten records, each announced by a wider SCHEMA) into the real csv sink: one readable table,
// every row once, also when etlhost is killed with SIGKILL at random points and resumed.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <random>
#include <thread>

#include "csv_table.h"
#include "etlhost_bin.h"
#include "files.h"
#include "process.h"
#include "text.h"

namespace {

using namespace std::chrono;

constexpr int kRecords = 240;  // f1 .. f25

std::vector<std::string> grow_args(const etltest::TempDir& dir, int delay_ms) {
  return {"run",
          "t-script",
          "to",
          "csv",
          "--set",
          "t-script.mode=grow",
          "--set",
          "t-script.stream=events",
          "--set",
          "t-script.records=" + std::to_string(kRecords),
          "--set",
          "t-script.delay_ms=" + std::to_string(delay_ms),
          "--set",
          "csv.output_dir=" + dir.file("out"),
          "--set",
          "csv.fsync=false",
          "--state",
          dir.file("state.json"),
          "--checkpoint-interval",
          "0"};
}

etltest::ProcessOptions with_fixtures() {
  etltest::ProcessOptions options;
  options.env["ETLHOST_PLUGIN_PATH"] = ETL_T_SCRIPT_DIR;
  return options;
}

// The table t-script's grow mode must leave: header id, f1..f25, _extra; row i has "v<i>"
// in column f<1 + i/10> and nothing else but its id.
void check_grown_table(const std::string& text) {
  const auto rows = etltest::parse_csv(text);
  const size_t fields = 1 + kRecords / 10;
  REQUIRE(rows.size() == kRecords + 1);
  REQUIRE(rows[0].size() == fields + 2);
  CHECK(rows[0].front().text == "id");
  CHECK(rows[0].back().text == "_extra");
  for (size_t k = 1; k <= fields; ++k) CHECK(rows[0][k].text == "f" + std::to_string(k));
  for (int i = 1; i <= kRecords; ++i) {
    const auto& row = rows[static_cast<size_t>(i)];
    REQUIRE(row.size() == fields + 2);
    CHECK(row[0].text == std::to_string(i));
    for (size_t k = 1; k <= fields; ++k) {
      const std::string expected = k == static_cast<size_t>(1 + i / 10) ? "v" + std::to_string(i) : "";
      CHECK_MESSAGE(row[k].text == expected, "row " << i << " column f" << k);
    }
    CHECK(row.back().text.empty());
  }
}

}  // namespace

TEST_CASE("etlhost: a schema that gains 24 columns over a run ends as one csv table with every row once") {
  etltest::TempDir dir;
  const auto run = etltest::run_process(etltest::etlhost_bin(), grow_args(dir, 0), with_fixtures());
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(etltest::list_dir(dir.file("out")) == std::vector<std::string>{"events.csv"});
  check_grown_table(etltest::read_file(dir.file("out/events.csv")));
  CHECK(etltest::contains(run.err, "with the column(s) 'f25' the schema gained"));
  CHECK_FALSE(etltest::contains(run.err, "new file"));

  // A later run of the same source (nothing new) changes nothing.
  const std::string before = etltest::read_file(dir.file("out/events.csv"));
  const auto again = etltest::run_process(etltest::etlhost_bin(), grow_args(dir, 0), with_fixtures());
  REQUIRE_MESSAGE(again.exit_code == 0, again.describe());
  CHECK(etltest::read_file(dir.file("out/events.csv")) == before);
}

TEST_CASE("etlhost: killed by SIGKILL at random points while the schema grows, resumed runs end byte-identical") {
  etltest::TempDir reference;
  const auto started = steady_clock::now();
  const auto clean = etltest::run_process(etltest::etlhost_bin(), grow_args(reference, 1), with_fixtures());
  const auto reference_us = duration_cast<microseconds>(steady_clock::now() - started).count();
  REQUIRE_MESSAGE(clean.exit_code == 0, clean.describe());
  const std::string expected = etltest::read_file(reference.file("out/events.csv"));
  check_grown_table(expected);

  const uint64_t seed = 20261202;
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> fraction(0.0, 0.6);
  int kills_landed = 0;
  for (int trial = 0; trial < 4; ++trial) {
    CAPTURE(trial);
    etltest::TempDir work;
    for (int attempt = 0; attempt < 6; ++attempt) {
      auto process = etltest::Process::start(etltest::etlhost_bin(), grow_args(work, 1), with_fixtures());
      std::this_thread::sleep_for(microseconds(static_cast<int64_t>(fraction(random) * reference_us)));
      process.send_signal(SIGKILL);
      const auto result = process.wait();
      if (result.signal == SIGKILL) {
        ++kills_landed;
      } else {
        REQUIRE_MESSAGE(result.exit_code == 0, result.describe());
      }
    }
    const auto last = etltest::run_process(etltest::etlhost_bin(), grow_args(work, 1), with_fixtures());
    REQUIRE_MESSAGE(last.exit_code == 0, last.describe());
    CHECK(etltest::list_dir(work.file("out")) == std::vector<std::string>{"events.csv"});
    CHECK(etltest::read_file(work.file("out/events.csv")) == expected);
  }
  MESSAGE(kills_landed << " kills landed mid-run (seed " << seed << ", reference run " << reference_us / 1000
                       << " ms)");
  CHECK(kills_landed >= 8);
}
