// The sink's checkpoint: which files it owns and how long each is, as JSON text
//   {"version":1,"output_dir":"/abs/out","files":{"customers.csv":12345,"orders.2.csv":678}}
// The host stores it next to the source's state once flush() made those bytes durable.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace etl_csv {

struct Checkpoint {
  /// The absolute output directory the lengths refer to (see OutputFiles::restore).
  std::string output_dir;
  /// File name -> committed length in bytes. Sorted, so the text is deterministic.
  std::map<std::string, uint64_t, std::less<>> files;
};

/// Parses text produced by write_checkpoint. Throws etl::Error(ETL_E_INVALID_STATE) with
/// what is wrong when the text is not such a checkpoint.
Checkpoint parse_checkpoint(std::string_view text);

namespace detail {
void append_checkpoint_head(std::string& out, std::string_view output_dir);
void append_checkpoint_file(std::string& out, bool first, std::string_view name, uint64_t length);
void append_checkpoint_tail(std::string& out);
}  // namespace detail

/// Appends the JSON text of a checkpoint to `out`, cheaply (it runs at every STATE).
/// `for_each_file(emit)` calls emit(name, length) for every file in name order.
template <class ForEachFile>
void write_checkpoint(std::string& out, std::string_view output_dir, ForEachFile&& for_each_file) {
  detail::append_checkpoint_head(out, output_dir);
  bool first = true;
  for_each_file([&](std::string_view name, uint64_t length) {
    detail::append_checkpoint_file(out, first, name, length);
    first = false;
  });
  detail::append_checkpoint_tail(out);
}

}  // namespace etl_csv
