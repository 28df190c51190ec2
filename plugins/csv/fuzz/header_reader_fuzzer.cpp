// The header of a csv file the sink appends to, on any file content (read from a real file
// descriptor, as the sink does). Only etl::Error(ETL_E_INVALID_STATE) may come out, for a
// file without a complete header line. Property: a header that was read, written back with
// the sink's own cell writer, reads back to the same columns and line terminator.
#include "csv_cell_writer.h"
#include "etlhost/plugin.hpp"
#include "fuzz_check.h"
#include "header_reader.h"
#include "memory_file.h"

#include <fcntl.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::MemoryFile file;
  const std::string_view text = fuzz::text_of(data, size);
  const char delimiter = size > 0 && data[0] == ';' ? ';' : ',';
  etl_csv::CsvHeader header;
  const int fd = ::open(file.hold(text).c_str(), O_RDONLY | O_CLOEXEC);
  fuzz::check(fd >= 0, "open the memory file");
  try {
    header = etl_csv::read_csv_header(fd, size, delimiter, "fuzz.csv");
  } catch (const etl::Error& error) {
    ::close(fd);
    fuzz::check(error.code() == ETL_E_INVALID_STATE, "a file without a header is ETL_E_INVALID_STATE");
    fuzz::check(!etl_csv::parse_csv_header(text, delimiter, header), "a file refused has no complete header line");
    return 0;
  }
  ::close(fd);
  const etl_csv::CsvCellWriter cells(delimiter);
  std::string written;
  for (size_t i = 0; i < header.columns.size(); ++i) {
    if (i > 0) written += delimiter;
    cells.append(written, header.columns[i]);
  }
  written += header.line_terminator;
  etl_csv::CsvHeader again;
  fuzz::check(etl_csv::parse_csv_header(written, delimiter, again), "a written header is a complete header line");
  fuzz::check(again.columns == header.columns && again.line_terminator == header.line_terminator,
              "a header written back reads back the same");
  return 0;
}
