// Turns one RECORD (a JSON object on one line) into the cells of one CSV row.
//
// A hand-written scanner of the top-level object (see json_text.h): strings are unescaped,
// numbers keep their exact text, true/false stay words, nested objects and arrays become
// their compact JSON text, and keys without a column are collected as a compact JSON
// object for the extras column. Nothing is allocated per record once buffers have grown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "column_index.h"

namespace etl_csv {

/// One cell: `present` is false for null and missing keys (an empty cell), true for a
/// value, whose text may be empty (an empty string, written as "").
struct Cell {
  std::string_view text;
  bool present = false;
};

class RecordReader {
 public:
  /// Fills `cells` (one per column of `columns`) from `record`. Keys without a column go
  /// into the extras cell, or are dropped when the file has no extras column. The cells
  /// point into `record` and into this reader, valid until the next read().
  /// Returns how many keys were dropped. Throws json::JsonSyntaxError on malformed input.
  size_t read(std::string_view record, ColumnIndex& columns, std::vector<Cell>& cells);

  /// "<problem> at byte <n> of <size> (near <excerpt>)" for an error read() threw.
  static std::string describe_error(std::string_view record, const char* problem, const char* position);

 private:
  std::string_view take_string(std::string_view raw_body, bool has_escapes, bool wanted);
  void add_extra(std::string_view raw_key, std::string_view raw_value, bool has_whitespace);

  std::string decoded_;  // unescaped strings and compacted values of this record
  std::string key_;      // the current key, when it had escapes
  std::string extras_;   // the extras object being built
};

}  // namespace etl_csv
