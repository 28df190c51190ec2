#include "csv_sink.h"

#include <filesystem>

#include "byte_scan.h"
#include "file_names.h"

namespace etl_csv {

namespace {

// Under cron or systemd the working directory is '/' (or whatever the unit says): a
// relative output_dir then lands somewhere nobody looks. Said once, with the absolute path.
void say_where(const etl::Host& host, const SinkConfig& config) {
  if (!config.output_dir_relative) return host.info("writing into " + config.output_dir);
  std::error_code ec;
  const std::string cwd = std::filesystem::current_path(ec).string();
  const std::string line = "output_dir is relative, so it is resolved against the working directory " + cwd +
                           ": writing into " + config.output_dir;
  if (cwd == "/") return host.warn(line + " (the working directory of cron and systemd; give an absolute output_dir)");
  host.info(line);
}

}  // namespace

CsvSink::CsvSink(const etl::Host& host, const etl::Config& config)
    : host_(host), config_(SinkConfig::from(config)), files_(host_, config_) {
  say_where(host_, config_);
  // "location" is the member plugin.h has the host show; "output_dir" names the key it is.
  identity_ = "{\"location\":";
  etl::append_json_string(identity_, config_.output_dir);
  identity_ += ",\"output_dir\":";
  etl::append_json_string(identity_, config_.output_dir);
  identity_ += "}";
}

void CsvSink::reset() {
  for (auto& [name, writer] : streams_) writer->unbind();
  const std::vector<std::string> removed = files_.reset();
  std::string list;
  for (const auto& path : removed) list += (list.empty() ? "" : ", ") + path;
  host_.warn("full refresh: removed " + std::to_string(removed.size()) + " csv files in " + config_.output_dir +
             (removed.empty() ? std::string() : " (" + list + ")") + "; the run writes them afresh");
}

void CsvSink::restore(std::string_view checkpoint) {
  // Also the path of a failed run: forget buffered rows and which file each stream used,
  // then put the files back exactly as committed.
  for (auto& [name, writer] : streams_) writer->unbind();
  phase_ = Phase::kRestoreFailed;  // until restore succeeds
  files_.restore(checkpoint);
  phase_ = Phase::kReady;
}

void CsvSink::ensure_ready() {
  if (phase_ == Phase::kReady) return;
  if (phase_ == Phase::kRestoreFailed) {
    throw etl::Error(ETL_E_INVALID_STATE, "restore() failed, so the output is not at a known position; "
                                          "fix what restore reported and run again");
  }
  // The host always restores first; a caller that does not gets "no checkpoint" semantics.
  restore({});
}

void CsvSink::write(const etl::Messages& batch) {
  ensure_ready();
  for (const etl::Message message : batch) {
    switch (message.kind) {
      case ETL_MSG_RECORD: stream(message.stream).write_record(message.json); break;
      case ETL_MSG_SCHEMA: stream(message.stream).set_schema(message.json); break;
      case ETL_MSG_STATE: break;  // the host commits it with our checkpoint; nothing goes into the files
      default:
        throw etl::Error(ETL_E_INVALID_DATA,
                         "unknown message kind " + std::to_string(message.kind) + " (expected 1, 2 or 3)");
    }
  }
}

StreamWriter& CsvSink::stream(std::string_view name) {
  if (last_stream_ != nullptr && name.size() == last_stream_name_.size() &&
      byte_scan::equal(name.data(), last_stream_name_.data(), name.size())) {
    return *last_stream_;
  }
  auto it = streams_.find(name);
  if (it == streams_.end()) {
    check_stream_name(name);
    it = streams_.emplace(std::string(name), std::make_unique<StreamWriter>(std::string(name), host_, config_, files_))
             .first;
  }
  last_stream_name_.assign(name);
  last_stream_ = it->second.get();
  return *last_stream_;
}

std::string_view CsvSink::checkpoint() {
  ensure_ready();
  return files_.checkpoint();
}

void CsvSink::flush() {
  ensure_ready();
  files_.flush();
}

}  // namespace etl_csv

ETL_DEFINE_SINK_PLUGIN(etl_csv::CsvSink, "csv", "1.0.0", "Writes one CSV file per stream, exactly once across crashes.",
                       etl_csv::kSinkConfig)
