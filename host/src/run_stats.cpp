#include "run_stats.h"

#include <cstdint>

namespace etlhost {

size_t RunStats::stream_index(std::string_view stream) {
  const auto it = index_.find(stream);
  if (it != index_.end()) return it->second;
  streams_.push_back(Stream{std::string(stream), 0});
  index_.emplace(std::string(stream), streams_.size() - 1);
  return streams_.size() - 1;
}

size_t RunStats::find_stream(std::string_view stream) const {
  const auto it = index_.find(stream);
  return it == index_.end() ? SIZE_MAX : it->second;
}

uint64_t RunStats::total_records() const {
  uint64_t total = 0;
  for (const Stream& stream : streams_) total += stream.records;
  return total;
}

std::string RunStats::records_by_stream() const {
  if (streams_.empty()) return "none";
  std::string text;
  for (const Stream& stream : streams_) {
    if (!text.empty()) text += ", ";
    text += stream.name + " " + std::to_string(stream.records);
  }
  return text;
}

std::vector<std::pair<std::string, uint64_t>> RunStats::records_per_stream() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  out.reserve(streams_.size());
  for (const Stream& stream : streams_) out.emplace_back(stream.name, stream.records);
  return out;
}

std::string format_counters(
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, int64_t>>>>& per_plugin) {
  std::string text;
  for (const auto& [plugin, counters] : per_plugin) {
    for (const auto& [name, value] : counters) {
      if (!text.empty()) text += ", ";
      text += plugin + "." + name + "=" + std::to_string(value);
    }
  }
  return text;
}

double records_per_second(uint64_t records, double seconds) {
  return seconds > 1e-9 ? static_cast<double>(records) / seconds : 0.0;
}

}  // namespace etlhost
