#include "stream_schema.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"

namespace etl_csv {
namespace {

[[noreturn]] void reject(std::string_view stream, const std::string& problem) {
  throw etl::Error(ETL_E_INVALID_DATA, "SCHEMA of stream '" + std::string(stream) + "': " + problem);
}

}  // namespace

std::vector<std::string> StreamSchema::header() const {
  std::vector<std::string> columns = properties;
  if (allows_extra_keys) columns.push_back(extras_column);
  return columns;
}

StreamSchema parse_stream_schema(std::string_view stream, std::string_view message_json) {
  // ordered_json keeps the properties in the order the source wrote them.
  const auto message = nlohmann::ordered_json::parse(message_json.begin(), message_json.end(), nullptr, false);
  if (message.is_discarded() || !message.is_object()) reject(stream, "expected a JSON object");
  if (!message.contains("schema") || !message["schema"].is_object()) {
    reject(stream, "expected a \"schema\" object");
  }
  const auto& schema = message["schema"];

  StreamSchema out;
  if (schema.contains("properties")) {
    if (!schema["properties"].is_object()) reject(stream, "expected \"properties\" to be an object");
    for (const auto& item : schema["properties"].items()) out.properties.push_back(item.key());
  }
  out.allows_extra_keys = !(schema.contains("additionalProperties") && schema["additionalProperties"] == false);
  if (out.properties.empty() && !out.allows_extra_keys) {
    reject(stream, "no \"properties\" and \"additionalProperties\": false leave no column to write");
  }
  out.extras_column = "_extra";
  while (std::find(out.properties.begin(), out.properties.end(), out.extras_column) != out.properties.end()) {
    out.extras_column.insert(0, 1, '_');
  }
  return out;
}

}  // namespace etl_csv
