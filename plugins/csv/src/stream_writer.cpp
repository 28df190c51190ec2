#include "stream_writer.h"

#include <cstring>

#include "json_text.h"

namespace etl_csv {

StreamWriter::StreamWriter(std::string stream, const etl::Host& host, const SinkConfig& config, OutputFiles& files)
    : stream_(std::move(stream)), host_(host), config_(config), files_(files), cell_writer_(config.delimiter) {}

void StreamWriter::set_schema(std::string_view schema_json) {
  if (schema_json == schema_json_) return;  // sources repeat SCHEMA; nothing changed
  schema_ = parse_stream_schema(stream_, schema_json);
  schema_json_.assign(schema_json);
  unbind();
}

void StreamWriter::unbind() noexcept {
  file_ = nullptr;
  columns_.reset();
}

void StreamWriter::bind() {
  if (schema_json_.empty()) {
    throw etl::Error(ETL_E_INVALID_DATA, "RECORD of stream '" + stream_ + "' before its SCHEMA");
  }
  file_ = &files_.file_for_stream(stream_, schema_);
  columns_ = std::make_unique<ColumnIndex>(file_->header(), schema_.extras_column);
  warned_about_dropped_keys_ = false;
}

void StreamWriter::write_record(std::string_view record_json) {
  if (file_ == nullptr) bind();

  size_t dropped = 0;
  try {
    dropped = reader_.read(record_json, *columns_, cells_);
  } catch (const json::JsonSyntaxError& e) {
    throw etl::Error(ETL_E_INVALID_DATA, "malformed RECORD of stream '" + stream_ +
                                             "': " + RecordReader::describe_error(record_json, e.what(), e.position()));
  }
  if (dropped > 0 && !warned_about_dropped_keys_) {
    warned_about_dropped_keys_ = true;
    host_.warn("stream '" + stream_ +
               "': records have keys the schema does not declare, and its "
               "\"additionalProperties\": false means " +
               file_->name() + " has no " + schema_.extras_column + " column for them; they are dropped");
  }

  // Reserve the worst case once, then write without bounds checks.
  size_t bound = config_.line_terminator.size() + cells_.size();
  for (const Cell& cell : cells_) bound += CsvCellWriter::max_size(cell.text.size());
  char* out = file_->reserve(bound);
  for (size_t i = 0; i < cells_.size(); ++i) {
    if (i > 0) *out++ = config_.delimiter;
    if (cells_[i].present) out = cell_writer_.write(out, cells_[i].text);
  }
  std::memcpy(out, config_.line_terminator.data(), config_.line_terminator.size());
  file_->commit(out + config_.line_terminator.size());
}

}  // namespace etl_csv
