// Rewriting a csv file's rows into another column layout, byte for byte otherwise: widening
// (new empty cells inserted, when the schema gains columns) and narrowing (those cells
// dropped again, when restore brings a widened file back to its committed header).
//
// The input is read as RFC 4180 records; every record must have the header's cell count
// and end with a line break, or the rewrite stops with a problem (the caller then starts a
// new generation or refuses the restore). Cells that are copied keep their exact bytes and
// each record keeps its own line terminator, so widening then narrowing gives the input back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stream_file.h"

namespace etl_csv {

struct RowLayout {
  static constexpr int kNewCell = -1;

  /// The cells every input record has.
  size_t input_cells = 0;
  /// Per output cell: the input cell it copies, or kNewCell (empty in rows; in the header
  /// the next of new_header_cells). Input cells not listed are dropped; in rows they must
  /// be empty.
  std::vector<int> sources;
  /// The header text of each new cell, already quoted as a cell.
  std::vector<std::string> new_header_cells;
};

/// `header` with `new_cells` (quoted header cells) inserted before cell `at`.
RowLayout widening_layout(size_t header_cells, size_t at, std::vector<std::string> new_cells);

/// Keeps the cells of `to` out of `from`, which must hold every column of `to` in the same
/// order (a widening only inserts columns); nullopt otherwise.
std::optional<RowLayout> narrowing_layout(const std::vector<std::string>& from, const std::vector<std::string>& to);

struct RewriteResult {
  /// Empty when the rewrite is complete; else what is wrong with the input, and where.
  std::string problem;
  uint64_t bytes_written = 0;
  uint64_t rows = 0;  // data rows, the header not counted
};

/// Reads bytes [0, `in_length`) of `in_fd` (header first; `in_name` names it in errors)
/// and appends them in `layout` to `out`, whose buffer it leaves to the caller to write
/// out. With `stop_at`, stops once exactly that many bytes are out (a problem when no
/// record ends there). I/O errors throw etl::Error(ETL_E_IO).
RewriteResult rewrite_rows(int in_fd, uint64_t in_length, const std::string& in_name, const RowLayout& layout,
                           char delimiter, StreamFile& out, std::optional<uint64_t> stop_at = std::nullopt);

}  // namespace etl_csv
