#include "untrusted_json.h"

#include <stdexcept>

namespace fullstory {
namespace {

struct TooDeep : std::exception {};

template <typename Json>
Json parse_bounded(std::string_view text, int max_depth) {
  const typename Json::parser_callback_t bounded = [max_depth](int depth, typename Json::parse_event_t, Json&) {
    if (depth > max_depth) throw TooDeep();
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), bounded, /*allow_exceptions=*/false);
  } catch (const TooDeep&) {
    return Json(Json::value_t::discarded);
  }
}

}  // namespace

nlohmann::json parse_untrusted_json(std::string_view text, int max_depth) {
  return parse_bounded<nlohmann::json>(text, max_depth);
}

nlohmann::ordered_json parse_untrusted_ordered_json(std::string_view text, int max_depth) {
  return parse_bounded<nlohmann::ordered_json>(text, max_depth);
}

std::string json_excerpt(const nlohmann::json& value) {
  if (value.is_object()) return "an object of " + std::to_string(value.size()) + " members";
  if (value.is_array()) return "an array of " + std::to_string(value.size()) + " elements";
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 120) text = text.substr(0, 120) + "...";
  return text;
}

}  // namespace fullstory
