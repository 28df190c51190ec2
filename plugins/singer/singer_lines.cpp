#include "singer_lines.h"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"

namespace singer {

std::string schema_line(std::string_view stream, std::string_view schema_message) {
  auto parsed = nlohmann::ordered_json::parse(schema_message.begin(), schema_message.end(), nullptr, false);
  if (!parsed.is_object() || !parsed.contains("schema") || !parsed["schema"].is_object()) {
    throw etl::Error(ETL_E_INVALID_DATA,
                     "SCHEMA for stream '" + std::string(stream) + "': expected an object with a \"schema\" object");
  }
  nlohmann::ordered_json line;
  line["type"] = "SCHEMA";
  line["stream"] = stream;
  line["schema"] = std::move(parsed["schema"]);
  // key_properties is required by the spec even when empty (append-only streams).
  line["key_properties"] = parsed.contains("key_properties") ? std::move(parsed["key_properties"])
                                                             : nlohmann::ordered_json::array();
  if (parsed.contains("bookmark_properties")) line["bookmark_properties"] = std::move(parsed["bookmark_properties"]);
  return line.dump() + "\n";
}

std::string state_line(std::string_view state_json) {
  std::string line = R"({"type":"STATE","value":)";
  line.append(state_json);
  line.append("}\n");
  return line;
}

std::string_view RecordLines::prefix(std::string_view stream) {
  if (stream != stream_ || prefix_.empty()) {
    stream_.assign(stream);
    prefix_ = R"({"type":"RECORD","stream":)";
    etl::append_json_string(prefix_, stream);
    prefix_.append(R"(,"record":)");
  }
  return prefix_;
}

std::string_view RecordLines::suffix(int64_t time_extracted_ms) {
  if (time_extracted_ms != time_ms_) {
    time_ms_ = time_extracted_ms;
    time_suffix_ = R"(,"time_extracted":")" + format_utc_ms(time_extracted_ms) + "\"}\n";
  }
  return time_suffix_;
}

std::string format_utc_ms(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  const size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return std::string(text, n) + millis;
}

}  // namespace singer
