// The message protocol a source must follow (plugin.h, "Messages and the emitter"), checked
// by the host for every message before the sink sees it. Each check returns nullopt when
// the message is fine, or what is wrong ("emitted a RECORD ... "), to be prefixed with
// "source 'x' ". The record check is the per-record hot path: no parse, no allocation.
#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.hpp"
#include "json_members.h"

namespace etlhost {

/// Pointer, struct_size, kind and string views of message #index of a batch.
std::optional<std::string> check_message_shape(const etl_message* message, size_t index);

/// A SCHEMA: stream name [A-Za-z0-9_.-]+; json an object with a "schema" object and,
/// when present, "key_properties" an array of strings. Fills *parsed when non-null.
std::optional<std::string> check_schema(const etl_message& message, nlohmann::ordered_json* parsed);

/// The message for a RECORD that failed check_record_json (the slow, rare path).
std::string describe_bad_record(std::string_view stream, std::string_view json, bool object_like);

/// A RECORD's json: after trimming spaces it starts with '{', ends with '}', and holds no
/// CR or LF byte. (The stream was checked by the caller.) Cheap: two memchr scans.
inline std::optional<std::string> check_record_json(std::string_view stream, std::string_view json) {
  const std::string_view trimmed = trim_json_space(json);
  const bool object_like = trimmed.size() >= 2 && trimmed.front() == '{' && trimmed.back() == '}';
  if (object_like && std::memchr(json.data(), '\n', json.size()) == nullptr &&
      std::memchr(json.data(), '\r', json.size()) == nullptr) {
    return std::nullopt;
  }
  return describe_bad_record(stream, json, object_like);
}

/// A STATE's json parses (any JSON value).
std::optional<std::string> check_state(const etl_message& message);

/// "SCHEMA", "RECORD", "STATE", or "kind N".
std::string message_kind_name(uint32_t kind);

}  // namespace etlhost
