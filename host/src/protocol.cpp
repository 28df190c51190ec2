#include "protocol.h"

#include "text_util.h"

namespace etlhost {

std::string message_kind_name(uint32_t kind) {
  switch (kind) {
    case ETL_MSG_SCHEMA: return "SCHEMA";
    case ETL_MSG_RECORD: return "RECORD";
    case ETL_MSG_STATE: return "STATE";
    default: return "kind " + std::to_string(kind);
  }
}

std::optional<std::string> check_message_shape(const etl_message* message, size_t index) {
  // The per-message hot path: plain comparisons first, text only for a failure.
  const auto where = [index] { return "message #" + std::to_string(index) + " of a batch"; };
  if (message == nullptr) return "emitted a NULL pointer as " + where();
  if (message->struct_size < ETL_MESSAGE_SIZE_1_0) {
    return "emitted " + where() + " with struct_size " + std::to_string(message->struct_size) + ", expected at least " +
           std::to_string(ETL_MESSAGE_SIZE_1_0) + " (ABI 1.0)";
  }
  if (message->kind != ETL_MSG_SCHEMA && message->kind != ETL_MSG_RECORD && message->kind != ETL_MSG_STATE) {
    return "emitted " + where() + " of unknown kind " + std::to_string(message->kind) +
           " (expected SCHEMA 1, RECORD 2 or STATE 3)";
  }
  if ((message->stream.data == nullptr && message->stream.size > 0) ||
      (message->json.data == nullptr && message->json.size > 0)) {
    return "emitted a " + message_kind_name(message->kind) + " (" + where() + ") with a NULL text of nonzero size";
  }
  return std::nullopt;
}

std::optional<std::string> check_schema(const etl_message& message, nlohmann::ordered_json* parsed) {
  const std::string_view stream = etl::view(message.stream);
  if (!is_stream_name(stream)) {
    return "emitted a SCHEMA with stream name '" + abbreviate(stream, excerpt::kName) + "', expected [A-Za-z0-9_.-]+";
  }
  const std::string prefix = "emitted a SCHEMA for stream '" + std::string(stream) + "' ";
  const std::string_view json = etl::view(message.json);
  auto value = nlohmann::ordered_json::parse(json.begin(), json.end(), nullptr, false);
  if (value.is_discarded()) return prefix + "whose JSON does not parse: " + abbreviate(json, excerpt::kJson);
  if (!value.is_object()) return prefix + "that is not a JSON object";
  if (!value.contains("schema") || !value["schema"].is_object()) {
    return prefix + "without a \"schema\" object (expected {\"schema\": {...}, \"key_properties\": [...]})";
  }
  if (value.contains("key_properties")) {
    const auto& keys = value["key_properties"];
    bool strings = keys.is_array();
    if (strings) {
      for (const auto& key : keys) strings = strings && key.is_string();
    }
    if (!strings) return prefix + "whose \"key_properties\" is not an array of strings";
  }
  if (parsed != nullptr) *parsed = std::move(value);
  return std::nullopt;
}

std::string describe_bad_record(std::string_view stream, std::string_view json, bool object_like) {
  std::string problem = "emitted a RECORD for stream '" + std::string(stream) + "' ";
  problem += object_like ? "whose JSON contains a raw CR or LF byte (a record must be one line; JSON escapes "
                           "line breaks inside strings as \\n)"
                         : "that is not a JSON object";
  return problem + ": " + abbreviate(json, excerpt::kJson);
}

std::optional<std::string> check_state(const etl_message& message) {
  // A STATE is the source's whole state, not a stream's: plugin.h says its stream is empty.
  if (message.stream.size != 0) {
    return "emitted a STATE with stream '" + abbreviate(etl::view(message.stream), excerpt::kName) +
           "' (a STATE's stream must be empty)";
  }
  const std::string_view json = etl::view(message.json);
  if (!nlohmann::json::accept(json.begin(), json.end())) {
    return "emitted a STATE whose JSON does not parse: " + abbreviate(json, excerpt::kJson);
  }
  return std::nullopt;
}

}  // namespace etlhost
