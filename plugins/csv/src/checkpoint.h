// The sink's checkpoint: which files it owns, how long each is and its header, as JSON text
//   {"version":2,"output_dir":"/abs/out","files":{"orders.csv":{"length":678,"columns":["id","_extra"]}}}
// The header lets restore tell a file widened after the commit from the committed one (see
// README, "Widening"). Version 1 ({"files":{"orders.csv":678}}) is still read: its headers
// are the files' own. The host stores it next to the source's state once flush() made those
// bytes durable.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace etl_csv {

/// The columns of a csv file's header, in order.
using FileColumns = std::vector<std::string>;

struct Checkpoint {
  /// The absolute output directory the lengths refer to (see OutputFiles::restore).
  std::string output_dir;
  /// File name -> committed length in bytes. Sorted, so the text is deterministic.
  std::map<std::string, uint64_t, std::less<>> files;
  /// File name -> the columns of its header at the commit, for the files whose header was
  /// known (not empty ones, not version 1 checkpoints).
  std::map<std::string, FileColumns, std::less<>> columns;
};

/// Parses text produced by write_checkpoint. Throws etl::Error(ETL_E_INVALID_STATE) with
/// what is wrong when the text is not such a checkpoint.
Checkpoint parse_checkpoint(std::string_view text);

namespace detail {
void append_checkpoint_head(std::string& out, std::string_view output_dir);
void append_checkpoint_file(std::string& out, bool first, std::string_view name, uint64_t length,
                            const FileColumns* columns);
void append_checkpoint_tail(std::string& out);
}  // namespace detail

/// Appends the JSON text of a checkpoint to `out`, cheaply (it runs at every STATE).
/// `for_each_file(emit)` calls emit(name, length, columns) for every file in name order;
/// `columns` is null when the file's header is not known (an empty file).
template <class ForEachFile>
void write_checkpoint(std::string& out, std::string_view output_dir, ForEachFile&& for_each_file) {
  detail::append_checkpoint_head(out, output_dir);
  bool first = true;
  for_each_file([&](std::string_view name, uint64_t length, const FileColumns* columns) {
    detail::append_checkpoint_file(out, first, name, length, columns);
    first = false;
  });
  detail::append_checkpoint_tail(out);
}

}  // namespace etl_csv
