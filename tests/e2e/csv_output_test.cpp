// demo -> csv through the real binary: headers from the schema, one row per record, every
// cell exactly what the record says (RFC 4180), appended without repeats across runs.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "csv_table.h"
#include "demo_oracle.h"
#include "e2e_support.h"
#include "text.h"

namespace {

using nlohmann::ordered_json;

// The cell the csv sink must write for a JSON value (see plugins/csv/README.md).
etltest::CsvCell expected_cell(const ordered_json& value) {
  if (value.is_null()) return {"", false};
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    return {text, text.empty() || text.find_first_of(",\"\r\n") != std::string::npos};
  }
  const std::string text = value.dump();  // numbers, booleans, nested objects and arrays
  return {text, text.find_first_of(",\"\r\n") != std::string::npos};
}

// Checks a whole stream file against the oracle rows first..last.
void check_stream_file(const std::string& path, const std::vector<std::string>& header, int64_t first, int64_t last,
                       std::string (*oracle)(int64_t)) {
  INFO(path);
  const auto rows = etltest::parse_csv(etltest::read_file(path));
  REQUIRE(rows.size() == static_cast<size_t>(last - first + 2));
  std::vector<std::string> names;
  for (const auto& cell : rows[0]) names.push_back(cell.text);
  CHECK(names == header);
  for (int64_t id = first; id <= last; ++id) {
    const ordered_json record = ordered_json::parse(oracle(id));
    const auto& row = rows[static_cast<size_t>(id - first + 1)];
    REQUIRE_MESSAGE(row.size() == header.size(), "row " << id);
    for (size_t column = 0; column + 1 < header.size(); ++column) {
      const auto expected = expected_cell(record[header[column]]);
      CHECK_MESSAGE(row[column] == expected, "row " << id << " column " << header[column] << ": got '"
                                                    << row[column].text << "' expected '" << expected.text << "'");
    }
    CHECK(row.back() == etltest::CsvCell{"", false});  // _extra: the demo has no unknown keys
  }
}

const std::vector<std::string> kCustomerHeader = {"id", "name", "note", "vip", "score", "tags", "address", "_extra"};
const std::vector<std::string> kOrderHeader = {"id", "customer_id", "amount_cents", "currency", "created_at", "_extra"};

}  // namespace

TEST_CASE("demo -> csv: header from the schema, one row per record, every cell right") {
  etltest::TempDir dir;
  const auto run = e2e::run_etlhost(
      {"run", "demo", "to", "csv", "--set", "demo.records=1200", "--set", "csv.output_dir=" + dir.file("out")});
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(run.out.empty());  // stdout belongs to the singer sink; nothing else writes there
  CHECK(etltest::list_dir(dir.file("out")) == std::vector<std::string>{"customers.csv", "orders.csv"});
  check_stream_file(dir.file("out/customers.csv"), kCustomerHeader, 1, 1200, e2e::demo_customer);
  check_stream_file(dir.file("out/orders.csv"), kOrderHeader, 1, 1200, e2e::demo_order);
}

TEST_CASE("demo -> csv: a resumed run appends exactly the new rows, without a second header") {
  etltest::TempDir dir;
  const std::vector<std::string> common = {
      "--state", dir.file("state.json"), "--set", "csv.output_dir=" + dir.file("out"), "--set", "demo.state_every=250"};
  for (const char* records : {"500", "500", "1300"}) {  // the second run has nothing new to add
    auto args = std::vector<std::string>{"run", "demo:csv", "--set", std::string("demo.records=") + records};
    args.insert(args.end(), common.begin(), common.end());
    const auto run = e2e::run_etlhost(args);
    REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  }
  check_stream_file(dir.file("out/customers.csv"), kCustomerHeader, 1, 1300, e2e::demo_customer);
  check_stream_file(dir.file("out/orders.csv"), kOrderHeader, 1, 1300, e2e::demo_order);
}

namespace {

// demo -> csv with a state file, `records` rows per stream in all.
etltest::ProcessResult run_demo_to_csv(const etltest::TempDir& dir, const std::string& records) {
  return e2e::run_etlhost({"run", "demo:csv", "--set", "demo.records=" + records, "--state", dir.file("state.json"),
                           "--set", "csv.output_dir=" + dir.file("out"), "--set", "demo.state_every=100"});
}

}  // namespace

TEST_CASE("demo -> csv: bytes someone appended to a csv file are cut with a message that says so, and kept") {
  etltest::TempDir dir;
  REQUIRE(run_demo_to_csv(dir, "300").exit_code == 0);
  const std::string committed = etltest::read_file(dir.file("out/orders.csv"));
  const std::string appended = "x\n";
  etltest::write_file(dir.file("out/orders.csv"), committed + appended);  // `echo x >> out/orders.csv`

  const auto run = run_demo_to_csv(dir, "400");
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK_MESSAGE(etltest::contains(run.err, "out/orders.csv has 2 bytes after its committed length"), run.err);
  CHECK(etltest::contains(run.err, "that this sink did not write (someone appended to it?)"));
  CHECK_FALSE(etltest::contains(run.err, "did not finish"));
  // The cut bytes are kept next to the file, and the file holds every row exactly once.
  std::vector<std::string> copies;
  for (const auto& name : etltest::list_dir(dir.file("out"))) {
    if (name.starts_with("orders.csv.cut-")) copies.push_back(name);
  }
  REQUIRE(copies.size() == 1);
  CHECK(etltest::read_file(dir.file("out/" + copies[0])) == appended);
  CHECK(etltest::contains(run.err, "kept in " + dir.file("out/" + copies[0])));
  check_stream_file(dir.file("out/orders.csv"), kOrderHeader, 1, 400, e2e::demo_order);
}

TEST_CASE("demo -> csv: an unrelated notes.csv in the output directory survives the runs") {
  etltest::TempDir dir;
  REQUIRE(run_demo_to_csv(dir, "200").exit_code == 0);
  const std::string notes = "who,what\nme,do not delete\n";
  etltest::write_file(dir.file("out/notes.csv"), notes);

  const auto run = run_demo_to_csv(dir, "300");
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK(etltest::read_file(dir.file("out/notes.csv")) == notes);
  CHECK_MESSAGE(etltest::contains(run.err, "leaving " + dir.file("out/notes.csv") +
                                               " alone: it is not in the committed checkpoint and no run of this "
                                               "sink created it"),
                run.err);
  CHECK(etltest::list_dir(dir.file("out")) == std::vector<std::string>{"customers.csv", "notes.csv", "orders.csv"});
  check_stream_file(dir.file("out/orders.csv"), kOrderHeader, 1, 300, e2e::demo_order);
}

TEST_CASE("demo -> csv: a relative output_dir is logged as the absolute path it resolves to, with a warning under /") {
  etltest::TempDir dir;
  etltest::ProcessOptions in_dir;
  in_dir.working_dir = dir.path().string();
  auto run = e2e::run_etlhost(
      {"run", "demo", "to", "csv", "--set", "demo.records=5", "--set", "csv.output_dir=out", "--state", "s.json"},
      in_dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK_MESSAGE(etltest::contains(run.err, "output_dir is relative, so it is resolved against the working directory " +
                                               dir.path().string() + ": writing into " + dir.file("out")),
                run.err);
  CHECK_FALSE(etltest::contains(run.err, "WARN"));
  // The run's history record says where the output went and how far it was committed.
  const auto record = nlohmann::ordered_json::parse(etltest::read_file(dir.file("s.json.history.jsonl")));
  CHECK(record["output"]["location"] == dir.file("out"));
  CHECK(etltest::contains(record["output"]["checkpoint"].dump(), "customers.csv"));
  // The first and the last line name the state file and the output by absolute path.
  CHECK_MESSAGE(etltest::contains(run.err, "state file " + dir.file("s.json") + " holds no source state yet"), run.err);
  CHECK_MESSAGE(
      etltest::contains(run.err, "output in " + dir.file("out") + "; 2 states committed to " + dir.file("s.json")),
      run.err);

  // cron's working directory is '/': the same relative path now means a directory under /.
  etltest::ProcessOptions in_root;
  in_root.working_dir = "/";
  const std::string relative = dir.file("under-root").substr(1);  // "tmp/.../under-root"
  run = e2e::run_etlhost({"run", "demo", "to", "csv", "--set", "demo.records=5", "--set", "csv.output_dir=" + relative},
                         in_root);
  REQUIRE_MESSAGE(run.exit_code == 0, run.describe());
  CHECK_MESSAGE(etltest::contains(run.err, "writing into " + dir.file("under-root") +
                                               " (the working directory of cron and systemd; give an absolute "
                                               "output_dir)"),
                run.err);
  CHECK(etltest::list_dir(dir.file("under-root")) == std::vector<std::string>{"customers.csv", "orders.csv"});
}
