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

JsonKind kind_of(simdjson::dom::element_type type) {
  using Type = simdjson::dom::element_type;
  switch (type) {
    case Type::ARRAY: return JsonKind::kArray;
    case Type::OBJECT: return JsonKind::kObject;
    case Type::INT64:
    case Type::UINT64: return JsonKind::kInteger;
    case Type::DOUBLE: return JsonKind::kNumber;
    case Type::STRING: return JsonKind::kString;
    case Type::BOOL: return JsonKind::kBoolean;
    case Type::NULL_VALUE: return JsonKind::kNull;
  }
  return JsonKind::kNull;
}

// Iterates the DOM's tape: keys and value types only, no value is converted.
void visit(const simdjson::dom::object& object, EventMembers& members) {
  for (const auto field : object) members.member(field.key, kind_of(field.value.type()));
}

}  // namespace

EventValidator::EventValidator() : impl_(std::make_unique<Impl>()) {}
EventValidator::~EventValidator() = default;

std::optional<std::string> EventValidator::problem(std::string_view json, EventMembers* members) {
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
  } else if (members != nullptr) {
    visit(result.value_unsafe().get_object().value_unsafe(), *members);
  }
  if (impl_->parser.capacity() > kKeptParserCapacity) impl_->parser = simdjson::dom::parser();
  return problem;
}

}  // namespace fullstory
