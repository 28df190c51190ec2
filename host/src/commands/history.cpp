// etlhost history --state FILE: the runs recorded in FILE.history.jsonl (run_history.h),
// as a table or, with --json, as a JSON array of the records themselves.
#include <algorithm>

#include "commands/commands.h"
#include "commands/common.h"
#include "exit_codes.h"
#include "host_error.h"
#include "progress_format.h"
#include "run_history.h"

namespace etlhost {

namespace {

int64_t number_or_zero(const nlohmann::json& record, const char* key) {
  const auto it = record.find(key);
  return it != record.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

uint64_t total_records(const nlohmann::json& record) {
  uint64_t total = 0;
  const auto it = record.find("records");
  if (it == record.end() || !it->is_object()) return 0;
  for (const auto& count : *it) {
    if (count.is_number_unsigned()) total += count.get<uint64_t>();
  }
  return total;
}

std::vector<std::string> table_row(const nlohmann::json& record) {
  const auto units = record.find("units");
  // The record keeps a bounded number of units and counts the rest (work_report.h).
  const int64_t kept = units != record.end() && units->is_array() ? static_cast<int64_t>(units->size()) : 0;
  const int64_t all_units = kept + number_or_zero(record, "units_dropped");
  const int64_t waited = number_or_zero(record, "waited_ms") + number_or_zero(record, "retried_ms");
  return {string_member(record, "started_at", "?"),
          short_duration(number_or_zero(record, "duration_ms")),
          string_member(record, "outcome", "?") + " (" + std::to_string(number_or_zero(record, "exit_code")) + ")",
          std::to_string(total_records(record)),
          std::to_string(all_units),
          short_duration(waited)};
}

}  // namespace

int history_command(const Command& command, Logger& logger) {
  if (!command.state_file) {
    throw HostError(exit_code::kUsage, "etlhost history needs --state FILE: the state file whose runs to show");
  }
  const std::string path = history_path(*command.state_file);
  History history = read_history(path);
  for (const std::string& warning : history.warnings) logger.warn(warning);
  if (command.last && *command.last < history.records.size()) {
    history.records.erase(history.records.begin(), history.records.end() - static_cast<std::ptrdiff_t>(*command.last));
  }
  std::string out;
  if (command.json) {
    out = nlohmann::json(history.records).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else if (history.records.empty()) {
    logger.info("no runs recorded in " + path + " yet");
  } else {
    std::vector<std::vector<std::string>> rows{{"STARTED", "DURATION", "OUTCOME", "RECORDS", "UNITS", "WAITED"}};
    for (const auto& record : history.records) rows.push_back(table_row(record));
    out = format_table(rows);
  }
  if (!write_stdout(out)) return stdout_failure(logger);
  return exit_code::kOk;
}

}  // namespace etlhost
