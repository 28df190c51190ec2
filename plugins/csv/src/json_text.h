// Low-level JSON lexing for the record reader: validate and measure one value without
// building a tree, so numbers keep their exact text and nested values their raw bytes.
//
// All functions take [p, end) and return the position just past what they consumed. They
// validate RFC 8259 syntax and the UTF-8 of strings (outside strings JSON is ASCII, so that
// covers the whole text) and throw JsonSyntaxError on the first problem.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace etl_csv::json {

/// A syntax error at `position` (a pointer into the scanned text).
class JsonSyntaxError : public std::runtime_error {
 public:
  JsonSyntaxError(const char* problem, const char* position) : std::runtime_error(problem), position_(position) {}
  const char* position() const noexcept { return position_; }

 private:
  const char* position_;
};

/// Nesting deeper than this is refused: records are rows, and recursion needs a bound.
inline constexpr int kMaxDepth = 512;

inline bool is_whitespace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

inline const char* skip_whitespace(const char* p, const char* end) {
  while (p < end && is_whitespace(*p)) ++p;
  return p;
}

/// `p` is at the opening quote. Sets `has_escapes` when the body contains a backslash.
/// Scans eight bytes at a time; the UTF-8 check runs only for strings with non-ASCII bytes.
const char* scan_string(const char* p, const char* end, bool& has_escapes);

/// Appends the decoded body of a valid string literal (quotes excluded) as UTF-8.
void unescape_string(std::string_view body, std::string& out);

/// `p` is at '-' or a digit.
const char* scan_number(const char* p, const char* end);

/// Any value at `p` (whitespace already skipped). Sets `has_whitespace` when whitespace
/// occurs inside it (then its compact form differs from its raw text).
const char* scan_value(const char* p, const char* end, bool& has_whitespace, int depth = 0);

/// Appends `raw` (a valid JSON value) without whitespace outside strings.
void append_compact(std::string_view raw, std::string& out);

}  // namespace etl_csv::json
