#include "run_history.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "bounded_json.h"
#include "exit_codes.h"
#include "fd_write.h"
#include "host_error.h"
#include "text_util.h"

namespace etlhost {

namespace {

// The short name of an exit code ("ok", "source failed", "SIGTERM"), from exit_codes.h.
std::string outcome_name(int code) {
  for (const ExitCodeInfo& row : kExitCodeTable) {
    if (row.code == code) return row.name;
  }
  return "exit " + std::to_string(code);
}

nlohmann::json recorded_state(const std::optional<std::string>& state) {
  if (!state) return nullptr;
  if (state->size() <= kMaxRecordedStateBytes) {
    auto parsed = parse_bounded_or_discarded<nlohmann::json>(*state);
    if (!parsed.is_discarded()) return parsed;
  }
  return {{"bytes", state->size()}, {"excerpt", abbreviate(*state, 200)}};
}

nlohmann::json recorded_units(const WorkReport& work) {
  nlohmann::json units = nlohmann::json::array();
  for (const std::string& text : work.units()) {
    auto unit = nlohmann::json::parse(text, nullptr, false);  // WorkReport kept only objects
    if (unit.is_object()) units.push_back(std::move(unit));
  }
  return units;
}

int64_t epoch_ms(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

// One line, written with one write() on an O_APPEND descriptor and fsync'ed: two runs'
// records never mix, and a record is on disk before etlhost exits.
void append_line(const std::string& path, const std::string& line) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(std::strerror(errno));
  const bool ok = write_all(fd, line) && fsync(fd) == 0;
  const int saved = errno;
  close(fd);
  if (!ok) throw std::runtime_error(std::strerror(saved));
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(std::strerror(errno));
}

}  // namespace

std::string history_path(const std::string& state_path) { return state_path + ".history.jsonl"; }

nlohmann::json run_record(const RunFacts& facts) {
  nlohmann::json records = nlohmann::json::object();
  for (const auto& [stream, count] : facts.stats.records_per_stream()) records[stream] = count;
  const WorkSnapshot work = facts.work.snapshot();
  return {{"started_at", utc_timestamp(facts.started_at)},
          {"ended_at", utc_timestamp(facts.ended_at)},
          {"duration_ms", epoch_ms(facts.ended_at) - epoch_ms(facts.started_at)},
          {"outcome", outcome_name(facts.exit_code)},
          {"exit_code", facts.exit_code},
          {"source", {{"name", facts.source_name}, {"version", facts.source_version}}},
          {"sink", {{"name", facts.sink_name}, {"version", facts.sink_version}}},
          {"records", records},
          {"units", recorded_units(facts.work)},
          {"units_dropped", facts.work.units_dropped()},
          {"waited_ms", work.waiting.count()},
          {"retried_ms", work.retrying.count()},
          {"state_before", recorded_state(facts.state_before)},
          {"state_after", recorded_state(facts.state_after)},
          {"output",
           {{"location", facts.output_location.empty() ? nlohmann::json() : nlohmann::json(facts.output_location)},
            {"checkpoint", recorded_state(facts.checkpoint_after)}}}};
}

void keep_run_record(const Command& command, const RunFacts& facts, Logger& logger) {
  // Redacted as a log line is: a plugin's unit or state must not carry a secret to disk.
  const std::string line =
      logger.redact(run_record(facts).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
  if (command.state_file && !command.state_input_only) {
    const std::string path = history_path(*command.state_file);
    try {
      append_line(path, line);
    } catch (const std::exception& e) {
      logger.warn("run history " + path + ": could not append this run's record (" + e.what() +
                  "); the run's outcome is unchanged. Check the directory is writable");
    }
  }
  if (command.report_file) {
    try {
      write_file(*command.report_file, line);
    } catch (const std::exception& e) {
      logger.warn("--report " + *command.report_file + ": could not write the run's record (" + e.what() + ")");
    }
  }
}

History read_history(const std::string& path) {
  History out;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return out;
    throw HostError(exit_code::kStateFile, "run history " + path + ": cannot read it (" + std::strerror(errno) + ")");
  }
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    auto record = parse_bounded_or_discarded<nlohmann::json>(line);
    if (!record.is_object()) {
      out.warnings.push_back("run history " + path + ": line " + std::to_string(number) +
                             " is not a JSON object (a run cut short while writing it?); skipped");
      continue;
    }
    out.records.push_back(std::move(record));
  }
  return out;
}

}  // namespace etlhost
