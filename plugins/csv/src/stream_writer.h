// One stream: its schema, the file its rows currently go to, and turning RECORDs into rows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "column_index.h"
#include "csv_cell_writer.h"
#include "etlhost/plugin.hpp"
#include "output_files.h"
#include "record_reader.h"
#include "stream_schema.h"

namespace etl_csv {

class StreamWriter {
 public:
  StreamWriter(std::string stream, const etl::Host& host, const SinkConfig& config, OutputFiles& files);

  /// A SCHEMA message for this stream. The current file stays while its header still has
  /// every column the schema wants; otherwise the next record picks the file anew.
  void set_schema(std::string_view schema_json);

  /// Appends the row of one RECORD. Throws etl::Error(ETL_E_INVALID_DATA) for a
  /// malformed record; nothing of it is written then.
  void write_record(std::string_view record_json);

  /// Forgets the current file (after restore(): it may have been truncated or removed).
  void unbind() noexcept;

 private:
  void bind();

  std::string stream_;
  etl::Host host_;
  const SinkConfig& config_;
  OutputFiles& files_;
  const CsvCellWriter cell_writer_;

  std::string schema_json_;
  StreamSchema schema_;

  StreamFile* file_ = nullptr;  // owned by files_; null until the first record
  std::unique_ptr<ColumnIndex> columns_;
  RecordReader reader_;
  std::vector<Cell> cells_;
  bool warned_about_dropped_keys_ = false;
};

}  // namespace etl_csv
