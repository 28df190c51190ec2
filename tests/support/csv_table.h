// A strict RFC 4180 reader for checking the csv sink's files from the outside.
#pragma once

#include <string>
#include <vector>

namespace etltest {

struct CsvCell {
  std::string text;
  bool quoted = false;  // "" (an empty string) and a bare empty cell (null) differ
  bool operator==(const CsvCell&) const = default;
};
using CsvRow = std::vector<CsvCell>;

/// Parses `text` (rows ended by CRLF, fields split by `delimiter`, quotes doubled inside
/// quoted fields). Throws std::runtime_error with the byte offset on malformed input.
std::vector<CsvRow> parse_csv(const std::string& text, char delimiter = ',');

}  // namespace etltest
