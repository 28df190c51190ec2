// What the csv sink needs from a SCHEMA message: the columns, in the order the schema
// lists its properties, and whether records may carry keys the schema does not declare.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace etl_csv {

struct StreamSchema {
  /// The schema's top-level "properties", in the order the SCHEMA message lists them.
  std::vector<std::string> properties;
  /// False only when the schema says "additionalProperties": false.
  bool allows_extra_keys = true;
  /// The column that collects undeclared keys: "_extra", or "__extra" (and so on) when a
  /// property already has that name.
  std::string extras_column;

  /// The header a new file of this stream gets: the properties, then the extras column
  /// when the schema allows undeclared keys.
  std::vector<std::string> header() const;
};

/// Reads a SCHEMA message's JSON ({"schema": {...}, "key_properties": [...], ...}).
/// Throws etl::Error(ETL_E_INVALID_DATA) naming the stream when it is not usable.
StreamSchema parse_stream_schema(std::string_view stream, std::string_view message_json);

}  // namespace etl_csv
