#include "e2e_support.h"

#include <doctest/doctest.h>

#include <set>
#include <sstream>

namespace fstest {

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::vector<std::pair<CsvRow, CsvRow>> csv_generations(const std::string& csv_path) {
  std::vector<std::pair<CsvRow, CsvRow>> rows;
  const std::string stem = csv_path.substr(0, csv_path.size() - 4);  // without ".csv"
  std::string path = csv_path;
  for (int generation = 2; etltest::file_exists(path); path = stem + "." + std::to_string(generation++) + ".csv") {
    const auto file = parse_csv(read_file(path));
    REQUIRE(!file.empty());
    for (size_t r = 1; r < file.size(); ++r) rows.emplace_back(file[0], file[r]);
  }
  return rows;
}

void check_csv_events(const std::string& csv_path, const std::vector<std::string>& expected) {
  const auto rows = csv_generations(csv_path);
  REQUIRE(rows.size() == expected.size());
  size_t mismatches = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const json event = json::parse(expected[r]);
    const auto& [header, row] = rows[r];
    REQUIRE(row.size() == header.size());
    json extra = json::object();
    std::set<std::string> columns;
    for (size_t c = 0; c < header.size(); ++c) columns.insert(header[c].text);
    for (const auto& [key, value] : event.items()) {
      if (!columns.count(key)) extra[key] = value;
    }
    for (size_t c = 0; c < header.size(); ++c) {
      const std::string& name = header[c].text;
      const CsvCell& cell = row[c];
      bool same = true;
      if (name == "event_id") {
        same = !cell.text.empty();
      } else if (name == "_extra") {
        same = extra.empty() ? (cell.text.empty() && !cell.quoted) : json::parse(cell.text) == extra;
      } else if (!event.contains(name)) {
        same = cell.text.empty() && !cell.quoted;
      } else if (event[name].is_string()) {
        same = cell.text == event[name].get<std::string>() && (cell.quoted || !cell.text.empty());
      } else {
        same = cell.text == event[name].dump();
      }
      if (!same && ++mismatches <= 3) {
        CHECK_MESSAGE(false, "row " << r << " column " << name << ": '" << cell.text << "' vs " << event.dump());
      }
    }
  }
  CHECK(mismatches == 0);
}

void check_no_key(const HostRun& run, const std::vector<std::string>& files) {
  CHECK_FALSE(contains(run.result.out, kApiKey));
  CHECK_FALSE(contains(run.result.err, kApiKey));
  CHECK_FALSE(contains(run.state, kApiKey));
  for (const auto& file : files) CHECK_FALSE(contains(read_file(file), kApiKey));
}

std::vector<json> singer_messages(const std::string& out) {
  std::vector<json> messages;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) messages.push_back(json::parse(line));
  return messages;
}

std::vector<std::string> singer_records(const std::string& out) {
  std::vector<std::string> records;
  for (const json& message : singer_messages(out)) {
    if (message["type"] == "RECORD") {
      CHECK(message["stream"] == "events");
      records.push_back(message["record"].dump());
    }
  }
  return records;
}

std::vector<std::string> singer_records_of(const std::string& out, const std::string& stream) {
  std::vector<std::string> records;
  for (const json& message : singer_messages(out)) {
    if (message["type"] == "RECORD" && message["stream"] == stream) records.push_back(message["record"].dump());
  }
  return records;
}

}  // namespace fstest
