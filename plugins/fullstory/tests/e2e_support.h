// e2e_support.h: what the end-to-end suites share: a workspace running the real etlhost
// binary with fullstory against a simulator, and checks of its csv and singer output.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "csv_table.h"
#include "etlhost_bin.h"
#include "fullstory_support.h"
#include "process.h"

namespace fstest {

using etltest::CsvCell;
using etltest::CsvRow;
using etltest::parse_csv;
using nlohmann::json;

/// `args` followed by `more`.
std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more);

/// The rows of events.csv and of its later generations (events.2.csv, ...: the csv sink starts
/// one when the schema gains a column), in order, each with its file's header.
std::vector<std::pair<CsvRow, CsvRow>> csv_generations(const std::string& csv_path);

/// Checks the csv sink's events.csv (and generations) holds exactly `expected`, value for
/// value: schema columns as text (missing = empty unquoted cell, "" = quoted empty), the
/// event_id key filled, everything else in _extra.
void check_csv_events(const std::string& csv_path, const std::vector<std::string>& expected);

struct HostRun {
  etltest::ProcessResult result;
  std::string state;  // the state file after the run
};

class Workspace {
 public:
  std::string write_config(const Simulator& sim, json extra = json::object()) {
    json config = json::parse(plugin_config(sim, extra));
    config.erase("api_key");  // from FULLSTORY_API_KEY, as a cron job would do it
    const std::string path = dir_.file("fullstory-" + std::to_string(configs_++) + ".json");
    std::ofstream(path) << config.dump();
    return path;
  }
  HostRun run(const std::vector<std::string>& args) {
    etltest::ProcessOptions options;
    options.env["FULLSTORY_API_KEY"] = kApiKey;
    options.working_dir = dir_.path().string();
    options.timeout = std::chrono::seconds(90);
    auto result = etltest::run_process(etltest::etlhost_bin(), args, options);
    HostRun run{std::move(result), etltest::file_exists(state_path()) ? read_file(state_path()) : std::string()};
    return run;
  }
  /// `etlhost run fullstory '->' csv` against `sim`, with this workspace's state and csv dir.
  HostRun to_csv(const Simulator& sim, json extra = json::object()) {
    return run({"run", "fullstory", "->", "csv", "--config", write_config(sim, std::move(extra)), "--state",
                state_path(), "--set", "csv.output_dir=" + csv_dir()});
  }
  /// `etlhost run fullstory to singer` against `sim`, with this workspace's state; must succeed.
  HostRun to_singer(const Simulator& sim, json extra = json::object()) {
    // Into a file the test reads: commit_when_written lets the state move as it did in 1.0.
    HostRun done = run({"run", "fullstory", "to", "singer", "--config", write_config(sim, std::move(extra)), "--set",
                        "singer.commit_when_written=true", "--state", state_path()});
    REQUIRE_MESSAGE(done.result.exit_code == 0, done.result.describe());
    return done;
  }
  std::string state_path() const { return dir_.file("fullstory.state"); }
  std::string csv_dir() const { return dir_.file("csv"); }
  std::string csv_path() const { return dir_.file("csv/events.csv"); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  int configs_ = 0;
};

/// Checks the API key is in none of the run's output, its state or `files`.
void check_no_key(const HostRun& run, const std::vector<std::string>& files = {});

/// The singer stream's lines as JSON, in order.
std::vector<json> singer_messages(const std::string& out);

/// The records in the singer stream, as compact JSON, in order; each must be of stream events.
std::vector<std::string> singer_records(const std::string& out);
/// The records of `stream` in the singer stream, as compact JSON, in order.
std::vector<std::string> singer_records_of(const std::string& out, const std::string& stream);

}  // namespace fstest
