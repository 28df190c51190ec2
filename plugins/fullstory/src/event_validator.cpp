#include "event_validator.h"

#include <simdjson.h>

#include "json_array_splitter.h"

namespace fullstory {

struct EventValidator::Impl {
  simdjson::dom::parser parser;
};

namespace {

// A parser grown past this by one big event is dropped after it, so the memory it holds
// (several times the event) is not kept for the rest of the run.
constexpr size_t kKeptParserCapacity = size_t{1} << 20;

static_assert(JsonArraySplitter::kTailPadding >= simdjson::SIMDJSON_PADDING);

}  // namespace

EventValidator::EventValidator() : impl_(std::make_unique<Impl>()) {}
EventValidator::~EventValidator() = default;

std::optional<std::string> EventValidator::problem(std::string_view json) {
  if (json.empty() || json.front() != '{') {
    return "not a JSON object (it starts with " +
           (json.empty() ? std::string("nothing") : "'" + std::string(json.substr(0, 1)) + "'") + ")";
  }
  // The splitter leaves kTailPadding readable bytes after every element: parsed in place,
  // no copy of the event (a copy of a 60 MiB event would be one more 60 MiB).
  const auto result = impl_->parser.parse(json.data(), json.size(), /*realloc_if_needed=*/false);
  std::optional<std::string> problem;
  if (result.error() != simdjson::SUCCESS) {
    problem = std::string("invalid JSON: ") + simdjson::error_message(result.error());
  } else if (!result.value_unsafe().is_object()) {
    problem = "not a JSON object";
  }
  if (impl_->parser.capacity() > kKeptParserCapacity) impl_->parser = simdjson::dom::parser();
  return problem;
}

}  // namespace fullstory
