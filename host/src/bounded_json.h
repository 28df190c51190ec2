// bounded_json.h: JSON from outside the process (state, catalog and config files, --set
// values) parsed with a bound on nesting.
//
// Real documents nest a handful of levels. A hostile or broken one nested 100k deep parses
// fine, but the first dump() or error message that quotes it recurses once per level and
// overflows the stack (SIGSEGV): so it is refused at parse time, with a message instead.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace etlhost {

/// How deep JSON read from outside may nest (objects and arrays).
inline constexpr int kMaxJsonDepth = 128;

/// Thrown by parse_bounded() for a document nested deeper than kMaxJsonDepth.
class JsonTooDeep : public std::runtime_error {
 public:
  JsonTooDeep()
      : std::runtime_error("it nests objects and arrays deeper than " + std::to_string(kMaxJsonDepth) + " levels") {}
};

/// nlohmann's parse(), but throws JsonTooDeep past kMaxJsonDepth levels, and
/// nlohmann::json::parse_error for invalid JSON, as parse() does, a number beyond a double
/// (1e999) and a NUL byte included.
template <class Json>
Json parse_bounded(std::string_view text) {
  const typename Json::parser_callback_t limit = [](int depth, typename Json::parse_event_t event, Json&) {
    const bool opens = event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
    if (opens && depth >= kMaxJsonDepth) throw JsonTooDeep();
    return true;
  };
  // nlohmann takes a NUL byte for the end of the text and ignores what follows: a state
  // "{...}\0junk" was read as "{...}" but kept (and committed) with the junk.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    throw Json::parse_error::create(101, nul + 1, "a NUL byte, which JSON text never holds", nullptr);
  }
  try {
    return Json::parse(text.begin(), text.end(), limit);
  } catch (const typename Json::out_of_range& error) {
    // nlohmann reports 1e999 as out_of_range, which no caller expects from a parse: it
    // escaped as an internal error (exit 1). It is invalid input like any other.
    const std::string_view what = error.what();
    const size_t prefix = what.find("] ");
    throw Json::parse_error::create(error.id, 0, std::string(what.substr(prefix == what.npos ? 0 : prefix + 2)),
                                    nullptr);
  }
}

/// parse_bounded() that answers a discarded value for invalid or too deep JSON, as
/// parse(text, nullptr, false) does for invalid JSON.
template <class Json>
Json parse_bounded_or_discarded(std::string_view text) {
  try {
    return parse_bounded<Json>(text);
  } catch (const JsonTooDeep&) {
  } catch (const nlohmann::json::parse_error&) {
  }
  return Json(Json::value_t::discarded);
}

}  // namespace etlhost
