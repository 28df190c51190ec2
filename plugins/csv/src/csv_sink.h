// The csv sink: one CSV file per stream, exactly once across crashes (see README.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "etlhost/plugin.hpp"
#include "output_files.h"
#include "sink_config.h"
#include "stream_writer.h"

namespace etl_csv {

class CsvSink final : public etl::Sink {
 public:
  CsvSink(const etl::Host& host, const etl::Config& config);

  void restore(std::string_view checkpoint) override;
  void write(const etl::Messages& batch) override;
  std::string_view checkpoint() override;
  void flush() override;
  /// {"output_dir": "/abs/dir"}: the state a run commits belongs to this directory.
  std::string_view identity() override { return identity_; }
  /// --full-refresh: removes the csv files in output_dir (see OutputFiles::reset).
  void reset() override;

 private:
  enum class Phase { kNotRestored, kReady, kRestoreFailed };

  void ensure_ready();
  StreamWriter& stream(std::string_view name);

  etl::Host host_;
  SinkConfig config_;
  OutputFiles files_;
  Phase phase_ = Phase::kNotRestored;
  std::string identity_;

  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, std::unique_ptr<StreamWriter>, TransparentHash, std::equal_to<>> streams_;
  // Batches usually carry runs of one stream: skip the hash lookup for those.
  std::string last_stream_name_;
  StreamWriter* last_stream_ = nullptr;
};

}  // namespace etl_csv
