// RFC 4180 cells: a cell is quoted iff it contains the delimiter, '"', CR or LF, and a
// '"' inside a quoted cell is doubled. Bytes are otherwise copied untouched (UTF-8 included).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "byte_scan.h"

namespace etl_csv {

class CsvCellWriter {
 public:
  explicit CsvCellWriter(char delimiter);

  char delimiter() const noexcept { return delimiter_; }

  /// The most bytes write() can produce for `text` (every byte a doubled quote, plus the
  /// surrounding quotes); lets callers reserve once per row instead of checking per byte.
  static size_t max_size(size_t text_size) noexcept { return 2 * text_size + 2; }

  /// Writes `text` as one cell at `out`, which has room for max_size(text.size()) bytes.
  /// Returns the end of what was written. An empty text is written as `""` (an empty
  /// string); write nothing at all for a null.
  char* write(char* out, std::string_view text) const noexcept;

  /// Appends a cell to a string (for headers; not the hot path).
  void append(std::string& out, std::string_view text) const;

 private:
  /// Flags the delimiter, '"', CR and LF among eight bytes.
  uint64_t special_bytes(uint64_t word) const noexcept {
    using namespace byte_scan;
    return bytes_equal(word, static_cast<unsigned char>(delimiter_)) | bytes_equal(word, '"') |
           bytes_equal(word, '\r') | bytes_equal(word, '\n');
  }
  static char* write_quoted(char* out, std::string_view text) noexcept;

  char delimiter_;
  std::array<bool, 256> special_{};
};

}  // namespace etl_csv
