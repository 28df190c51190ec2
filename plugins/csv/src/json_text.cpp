#include "json_text.h"

#include <cstdint>
#include <cstring>

#include <simdjson.h>

#include "byte_scan.h"

namespace etl_csv::json {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Reads the four hex digits after "\u" at `p`; -1 when they are not four hex digits.
int32_t read_hex4(const char* p) {
  int32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const int digit = hex_value(p[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

void append_utf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

const char* expect_literal(const char* p, const char* end, std::string_view literal) {
  if (static_cast<size_t>(end - p) < literal.size() || std::memcmp(p, literal.data(), literal.size()) != 0) {
    throw JsonSyntaxError("expected a JSON value", p);
  }
  return p + literal.size();
}

const char* skip_noting(const char* p, const char* end, bool& has_whitespace) {
  const char* after = skip_whitespace(p, end);
  if (after != p) has_whitespace = true;
  return after;
}

const char* scan_container(const char* p, const char* end, bool& has_whitespace, int depth) {
  if (depth >= kMaxDepth) throw JsonSyntaxError("nested deeper than 512 levels", p);
  const bool is_object = *p == '{';
  const char close = is_object ? '}' : ']';
  p = skip_noting(p + 1, end, has_whitespace);
  if (p < end && *p == close) return p + 1;
  while (true) {
    if (is_object) {
      if (p >= end || *p != '"') throw JsonSyntaxError("expected a quoted key", p);
      bool key_escapes = false;
      p = skip_noting(scan_string(p, end, key_escapes), end, has_whitespace);
      if (p >= end || *p != ':') throw JsonSyntaxError("expected ':' after a key", p);
      p = skip_noting(p + 1, end, has_whitespace);
    }
    p = skip_noting(scan_value(p, end, has_whitespace, depth + 1), end, has_whitespace);
    if (p < end && *p == ',') {
      p = skip_noting(p + 1, end, has_whitespace);
      continue;
    }
    if (p < end && *p == close) return p + 1;
    throw JsonSyntaxError(is_object ? "expected ',' or '}'" : "expected ',' or ']'", p);
  }
}

}  // namespace

const char* scan_string(const char* p, const char* end, bool& has_escapes) {
  using namespace byte_scan;
  const char* const start = p;
  ++p;                     // the opening quote
  uint64_t high_bits = 0;  // any byte >= 0x80 seen (perhaps just past the string: harmless)
  while (true) {
    // Skip ordinary bytes eight at a time; stop at '"', '\\' or a control character.
    while (end - p >= 8) {
      const uint64_t word = load8(p);
      const uint64_t special = bytes_equal(word, '"') | bytes_equal(word, '\\') | bytes_below(word, 0x20);
      high_bits |= word & kHighBits;
      if (special != 0) {
        p += first_flagged(special);
        break;
      }
      p += 8;
    }
    while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) {
      high_bits |= static_cast<unsigned char>(*p) & 0x80u;
      ++p;
    }
    if (p >= end) throw JsonSyntaxError("unterminated string", start);
    if (*p == '"') break;
    if (*p != '\\') throw JsonSyntaxError("unescaped control character in a string", p);
    has_escapes = true;
    if (end - p < 2) throw JsonSyntaxError("unterminated string", start);
    switch (p[1]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't': p += 2; break;
      case 'u':
        if (end - p < 6 || read_hex4(p + 2) < 0) throw JsonSyntaxError("expected 4 hex digits after \\u", p);
        p += 6;
        break;
      default: throw JsonSyntaxError("invalid escape in a string", p);
    }
  }
  // Outside strings JSON is ASCII, so checking non-ASCII strings covers the whole record.
  if (high_bits != 0 && !simdjson::validate_utf8(start + 1, static_cast<size_t>(p - start - 1))) {
    throw JsonSyntaxError("a string is not valid UTF-8", start);
  }
  return p + 1;
}

void unescape_string(std::string_view body, std::string& out) {
  const char* p = body.data();
  const char* const end = p + body.size();
  while (p < end) {
    const char* backslash = static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(end - p)));
    if (backslash == nullptr) backslash = end;
    out.append(p, backslash);
    if (backslash == end) return;
    p = backslash + 1;  // scan_string guaranteed a valid escape follows
    switch (*p) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        uint32_t code_point = static_cast<uint32_t>(read_hex4(p + 1));
        p += 4;
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
          // A high surrogate must be followed by "\u" and a low surrogate.
          const int32_t low = end - p >= 7 && p[1] == '\\' && p[2] == 'u' ? read_hex4(p + 3) : -1;
          if (low < 0xDC00 || low > 0xDFFF) throw JsonSyntaxError("a \\u escape is a lone surrogate", p);
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
          p += 6;
        } else if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
          throw JsonSyntaxError("a \\u escape is a lone surrogate", p);
        }
        append_utf8(code_point, out);
        break;
      }
      default: out.push_back(*p); break;  // '"', '\\' and '/' stand for themselves
    }
    ++p;
  }
}

const char* scan_number(const char* p, const char* end) {
  const char* const start = p;
  if (p < end && *p == '-') ++p;
  if (p < end && *p == '0') {
    ++p;
  } else if (p < end && is_digit(*p)) {
    while (p < end && is_digit(*p)) ++p;
  } else {
    throw JsonSyntaxError("invalid number", start);
  }
  if (p < end && *p == '.') {
    ++p;
    if (p >= end || !is_digit(*p)) throw JsonSyntaxError("invalid number: no digit after '.'", start);
    while (p < end && is_digit(*p)) ++p;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (p >= end || !is_digit(*p)) throw JsonSyntaxError("invalid number: no digit in the exponent", start);
    while (p < end && is_digit(*p)) ++p;
  }
  return p;
}

const char* scan_value(const char* p, const char* end, bool& has_whitespace, int depth) {
  if (p >= end) throw JsonSyntaxError("expected a JSON value, found the end of the record", p);
  switch (*p) {
    case '"': {
      bool has_escapes = false;
      return scan_string(p, end, has_escapes);
    }
    case '{':
    case '[': return scan_container(p, end, has_whitespace, depth);
    case 't': return expect_literal(p, end, "true");
    case 'f': return expect_literal(p, end, "false");
    case 'n': return expect_literal(p, end, "null");
    default:
      if (*p != '-' && !is_digit(*p)) throw JsonSyntaxError("expected a JSON value", p);
      return scan_number(p, end);
  }
}

void append_compact(std::string_view raw, std::string& out) {
  bool in_string = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\') {
        out.push_back(raw[++i]);  // the escaped byte cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (!is_whitespace(c)) {
      out.push_back(c);
      in_string = c == '"';
    }
  }
}

}  // namespace etl_csv::json
