// demo -> csv through the real binary: headers from the schema, one row per record, every
// cell exactly what the record says (RFC 4180), appended without repeats across runs.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "csv_table.h"
#include "demo_oracle.h"
#include "e2e_support.h"

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
