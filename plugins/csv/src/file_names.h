// How streams map to file names: <stream>.csv is generation 1, <stream>.<N>.csv (N >= 2)
// is generation N, started when the stream's schema gained a column (see README).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace etl_csv {

/// Throws etl::Error(ETL_E_INVALID_DATA) unless `stream` can name a file in the output
/// directory: [A-Za-z0-9_.-]+, not "." or "..", and not ending in ".<N>" with N >= 2,
/// because <stream>.<N>.csv already means "generation N of <stream>".
void check_stream_name(std::string_view stream);

/// "customers.csv" for generation 1, "customers.3.csv" for generation 3.
std::string generation_file_name(std::string_view stream, uint32_t generation);

/// The generation `file_name` holds for `stream`, or 0 when it is not one of its files.
uint32_t generation_of(std::string_view file_name, std::string_view stream);

/// The temporary file a rewrite of `file_name` goes to before it is renamed over it
/// (".orders.csv.rewrite": hidden, and not *.csv, so never taken for an output).
std::string rewrite_temp_name(std::string_view file_name);

/// True for names the sink may own in its directory: a file name (no '/') ending in ".csv".
bool is_csv_file_name(std::string_view file_name);

}  // namespace etl_csv
