#include "event_validator.h"

#include <cstring>
#include <vector>

#include <simdjson.h>

namespace fullstory {

struct EventValidator::Impl {
  simdjson::dom::parser parser;
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; copying into our own padded
  // buffer (one memcpy of ~1 KB) avoids an allocation per event inside simdjson.
  std::vector<char> padded;
};

EventValidator::EventValidator() : impl_(std::make_unique<Impl>()) {}
EventValidator::~EventValidator() = default;

std::optional<std::string> EventValidator::problem(std::string_view json) {
  if (json.empty() || json.front() != '{') {
    return "not a JSON object (it starts with " +
           (json.empty() ? std::string("nothing") : "'" + std::string(json.substr(0, 1)) + "'") + ")";
  }
  auto& padded = impl_->padded;
  if (padded.size() < json.size() + simdjson::SIMDJSON_PADDING)
    padded.resize(2 * json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded.data(), json.data(), json.size());
  std::memset(padded.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  const auto result = impl_->parser.parse(padded.data(), json.size(), /*realloc_if_needed=*/false);
  if (result.error() != simdjson::SUCCESS)
    return std::string("invalid JSON: ") + simdjson::error_message(result.error());
  if (!result.value_unsafe().is_object()) return std::string("not a JSON object");
  return std::nullopt;
}

}  // namespace fullstory
