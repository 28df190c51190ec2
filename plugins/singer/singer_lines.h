// Formats Singer spec messages (https://github.com/singer-io/getting-started/blob/master/docs/SPEC.md),
// one JSON object per line.
//
// RECORD and STATE lines splice the JSON text the source produced between fixed prefixes
// and suffixes, so records are forwarded without being parsed. Only SCHEMA lines (rare)
// are parsed and rebuilt, to guarantee the spec's required keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace singer {

/// `{"type":"SCHEMA","stream":..,"schema":..,"key_properties":[..],"bookmark_properties":[..]}`.
/// `schema_message` is the etlhost SCHEMA json. Throws etl::Error on a malformed message.
std::string schema_line(std::string_view stream, std::string_view schema_message);

/// `{"type":"STATE","value":<state>}`.
std::string state_line(std::string_view state_json);

/// The fixed parts of RECORD lines: a line is prefix(stream) + record json + suffix(time),
/// i.e. `{"type":"RECORD","stream":..,"record":<json>,"time_extracted":".."}\n`. Both parts
/// are cached because consecutive records usually share the stream and the millisecond.
class RecordLines {
 public:
  std::string_view prefix(std::string_view stream);
  std::string_view suffix(int64_t time_extracted_ms);

 private:
  std::string stream_;
  std::string prefix_;
  int64_t time_ms_ = -1;
  std::string time_suffix_;
};

/// RFC 3339 UTC with milliseconds, e.g. 2026-11-26T06:00:00.123Z.
std::string format_utc_ms(int64_t unix_ms);

}  // namespace singer
