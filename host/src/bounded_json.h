// bounded_json.h: JSON from outside the process (state, catalog and config files, --set
// values) parsed with a bound on nesting and on numbers.
//
// Real documents nest a handful of levels. A hostile or broken one nested 100k deep parses
// fine, but the first dump() or error message that quotes it recurses once per level and
// overflows the stack (SIGSEGV): so it is refused at parse time, with a message instead.
// A number beyond a double (1e999) makes nlohmann throw out_of_range, which no caller
// expects; an integer beyond int64/uint64 silently becomes a double, and a config or
// catalog re-serialised from it would hand the plugin another number. Both are refused
// with the position, so the user can find and fix them.
#pragma once

#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace etlhost {

/// How deep JSON read from outside may nest (objects and arrays).
inline constexpr int kMaxJsonDepth = 128;

/// Thrown by parse_bounded() for a document etlhost cannot hold faithfully (too deep, a
/// number out of range). The message says what and where: "... at line 2, column 9".
class JsonRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown by parse_bounded() for a document nested deeper than kMaxJsonDepth.
class JsonTooDeep : public JsonRefused {
 public:
  JsonTooDeep() : JsonRefused("it nests objects and arrays deeper than " + std::to_string(kMaxJsonDepth) + " levels") {}
};

/// What parse_bounded() does with an integer beyond int64 and uint64. kAllowed where the
/// text is kept verbatim and never re-serialised (a source's state), kRefused elsewhere.
enum class BigIntegers { kRefused, kAllowed };

/// The message of a refused number: "the number 1e999 at line 1, column 12 is beyond ...".
/// `end` is the offset in `text` just past the number's last character.
std::string out_of_range_message(std::string_view text, size_t end, std::string_view number, std::string_view why);

namespace bounded_json_detail {

// A char iterator that records how far the parser has read, which the SAX interface does
// not tell for a number (it does for an error).
struct TrackedIterator {
  // NOLINTBEGIN(readability-identifier-naming): the names std::iterator_traits looks for
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  // NOLINTEND(readability-identifier-naming)
  const char* at = nullptr;
  const char** furthest = nullptr;
  reference operator*() const { return *at; }
  TrackedIterator& operator++() {
    *furthest = ++at;
    return *this;
  }
  TrackedIterator operator++(int) {
    TrackedIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackedIterator& other) const { return at == other.at; }
  bool operator!=(const TrackedIterator& other) const { return at != other.at; }
};

// Checks depth and numbers, throwing JsonRefused; answers false for a syntax error, which
// the DOM parse after it reports as nlohmann's parse_error, position and all.
template <class Json>
class BoundsCheck final : public nlohmann::json_sax<Json> {
 public:
  using Base = nlohmann::json_sax<Json>;
  BoundsCheck(std::string_view text, BigIntegers big_integers) : text_(text), big_integers_(big_integers) {}

  bool check() {
    const char* furthest = text_.data();
    const TrackedIterator begin{text_.data(), &furthest};
    const TrackedIterator end{text_.data() + text_.size(), &furthest};
    furthest_ = &furthest;
    return Json::sax_parse(begin, end, this);
  }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(typename Base::number_integer_t) override { return true; }
  bool number_unsigned(typename Base::number_unsigned_t) override { return true; }
  bool number_float(typename Base::number_float_t, const typename Base::string_t& lexeme) override {
    if (big_integers_ == BigIntegers::kRefused && lexeme.find_first_of(".eE") == std::string::npos) {
      // The lexer read one character past the number unless the number ends the text.
      const size_t read = static_cast<size_t>(*furthest_ - text_.data());
      const bool at_end = read > 0 && text_[read - 1] >= '0' && text_[read - 1] <= '9';
      throw JsonRefused(out_of_range_message(text_, at_end ? read : read - 1, lexeme,
                                             "is an integer beyond the int64 and uint64 range"));
    }
    return true;
  }
  bool string(typename Base::string_t&) override { return true; }
  bool binary(typename Base::binary_t&) override { return true; }
  bool start_object(size_t) override { return open(); }
  bool key(typename Base::string_t&) override { return true; }
  bool end_object() override { return close(); }
  bool start_array(size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool parse_error(size_t position, const std::string& token, const typename Json::exception& error) override {
    constexpr int kNumberOverflow = 406;  // nlohmann: a number beyond a double
    if (error.id == kNumberOverflow) {
      throw JsonRefused(out_of_range_message(text_, position, token, "is beyond the range of a double"));
    }
    return false;
  }

 private:
  bool open() {
    if (++depth_ > kMaxJsonDepth) throw JsonTooDeep();
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  std::string_view text_;
  BigIntegers big_integers_;
  const char** furthest_ = nullptr;
  int depth_ = 0;
};

}  // namespace bounded_json_detail

/// nlohmann's parse(), but throws JsonTooDeep past kMaxJsonDepth levels and JsonRefused for
/// a number out of range (and nlohmann::json::parse_error for invalid JSON, as parse() does,
/// a NUL byte included).
template <class Json>
Json parse_bounded(std::string_view text, BigIntegers big_integers = BigIntegers::kRefused) {
  // nlohmann takes a NUL byte for the end of the text and ignores what follows: a state
  // "{...}\0junk" was read as "{...}" but kept (and committed) with the junk.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    throw Json::parse_error::create(101, nul + 1, "a NUL byte, which JSON text never holds", nullptr);
  }
  bounded_json_detail::BoundsCheck<Json> bounds(text, big_integers);
  bounds.check();  // false for invalid JSON: parse() below says where and why
  return Json::parse(text.begin(), text.end());
}

/// parse_bounded() that answers a discarded value for invalid or refused JSON, as
/// parse(text, nullptr, false) does for invalid JSON.
template <class Json>
Json parse_bounded_or_discarded(std::string_view text) {
  try {
    return parse_bounded<Json>(text);
  } catch (const JsonRefused&) {
  } catch (const nlohmann::json::parse_error&) {
  }
  return Json(Json::value_t::discarded);
}

}  // namespace etlhost
