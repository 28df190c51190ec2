#include "untrusted_json.h"

#include <stdexcept>

namespace fullstory {
namespace {

struct TooDeep : std::exception {};

}  // namespace

nlohmann::json parse_untrusted_json(std::string_view text, int max_depth) {
  const nlohmann::json::parser_callback_t bounded = [max_depth](int depth, nlohmann::json::parse_event_t,
                                                                nlohmann::json&) {
    if (depth > max_depth) throw TooDeep();
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), bounded, /*allow_exceptions=*/false);
  } catch (const TooDeep&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

std::string json_excerpt(const nlohmann::json& value) {
  if (value.is_object()) return "an object of " + std::to_string(value.size()) + " members";
  if (value.is_array()) return "an array of " + std::to_string(value.size()) + " elements";
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 120) text = text.substr(0, 120) + "...";
  return text;
}

}  // namespace fullstory
