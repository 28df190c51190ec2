// Reads the header line of a csv file the sink appends to, so new rows follow the column
// order already in the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace etl_csv {

struct CsvHeader {
  std::vector<std::string> columns;
  /// The line terminator the header ends with: "\r\n" or "\n".
  std::string line_terminator;
};

/// Parses the first CSV record of `text` (RFC 4180, quoted cells may hold the delimiter,
/// doubled quotes and line breaks). Returns false when `text` holds no complete record,
/// i.e. no line terminator outside quotes.
bool parse_csv_header(std::string_view text, char delimiter, CsvHeader& out);

/// Reads the header of the open file `fd` (`file_size` bytes long). Throws
/// etl::Error(ETL_E_INVALID_STATE) naming `file_name` when the file does not start with a
/// complete header line, and etl::Error(ETL_E_IO) when reading fails.
CsvHeader read_csv_header(int fd, uint64_t file_size, char delimiter, const std::string& file_name);

/// A header read with `configured` as one column (`columns`) that another common delimiter
/// (, ; TAB |) splits into columns holding every one of `expected`: that delimiter, the one
/// the file was written with. 0 when there is none (the header differs for another reason).
char written_with_other_delimiter(const std::vector<std::string>& columns, char configured,
                                  const std::vector<std::string>& expected);

/// The message for that case: "<file> was written with delimiter ';' but the config says ','..."
std::string other_delimiter_message(const std::string& file_name, char written, char configured);

}  // namespace etl_csv
