// What a run has moved so far: records per stream, states, plugin counters. Read by the
// progress lines and the final summary. Updated only on the emitting thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace etlhost {

class RunStats {
 public:
  /// Index of `stream`, adding it on first sight (streams keep first-SCHEMA order).
  size_t stream_index(std::string_view stream);
  /// Index of a known stream, or SIZE_MAX.
  size_t find_stream(std::string_view stream) const;
  const std::string& stream_name(size_t index) const { return streams_[index].name; }
  void add_records(size_t index, uint64_t count) { streams_[index].records += count; }

  uint64_t total_records() const;
  uint64_t states_seen = 0;  // also the number of the last STATE written to the sink
  /// What an acknowledged sink last reported (plugin.h, etl_sink_api.acknowledged).
  uint64_t states_acknowledged = 0;
  uint64_t states_committed = 0;

  /// "customers 1000, orders 1000" (or "none").
  std::string records_by_stream() const;
  /// {"customers": 1000, "orders": 1000}, in first-SCHEMA order.
  std::vector<std::pair<std::string, uint64_t>> records_per_stream() const;

 private:
  struct Stream {
    std::string name;
    uint64_t records = 0;
  };
  std::vector<Stream> streams_;
  std::map<std::string, size_t, std::less<>> index_;
};

/// "demo.bundles=3, csv.bytes=1024" from (plugin, counters) pairs; "" when none.
std::string format_counters(
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, int64_t>>>>& per_plugin);

/// Records per second, guarded against a zero elapsed time.
double records_per_second(uint64_t records, double seconds);

}  // namespace etlhost
