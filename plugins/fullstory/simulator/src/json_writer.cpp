#include "json_writer.h"

#include <charconv>
#include <cstring>

namespace fssim {

namespace {

// Characters that cannot appear raw inside a JSON string.
bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Whether any of 8 bytes needs escaping, tested at once (SWAR): string scanning is most of
// the generator's time, and almost all 8-byte blocks are clean. May report a clean block
// as dirty (then the bytes are checked one by one), never the reverse.
bool any_needs_escape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  const auto has_byte_below = [](std::uint64_t v, std::uint64_t n) { return (v - kOnes * n) & ~v & kHighBits; };
  return has_byte_below(word, 0x20) | has_byte_below(word ^ (kOnes * '"'), 1) |
         has_byte_below(word ^ (kOnes * '\\'), 1);
}

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(escaped, sizeof escaped);
    }
  }
}

template <typename Number>
void append_number(std::string& out, Number value) {
  char digits[32];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

}  // namespace

void append_json_string(std::string& out, std::string_view value) {
  out += '"';
  // Copy runs of plain bytes in one append; most strings have no escapes at all.
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < value.size();) {
    if (std::uint64_t word = 0; i + sizeof word <= value.size()) {
      std::memcpy(&word, value.data() + i, sizeof word);
      if (!any_needs_escape(word)) {
        i += sizeof word;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(value[i]);
    if (needs_escape(c)) {
      out.append(value, run_start, i - run_start);
      append_escape(out, c);
      run_start = i + 1;
    }
    ++i;
  }
  out.append(value, run_start, value.size() - run_start);
  out += '"';
}

void JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
}

void JsonWriter::string(std::string_view value) {
  before_value();
  append_json_string(out_, value);
}

void JsonWriter::integer(std::int64_t value) {
  before_value();
  append_number(out_, value);
}

void JsonWriter::unsigned_integer(std::uint64_t value) {
  before_value();
  append_number(out_, value);
}

void JsonWriter::real(double value) {
  before_value();
  append_number(out_, value);
}

void JsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
}

void JsonWriter::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
  if (has_elements_ & bit) out_ += ',';
  has_elements_ |= bit;
}

void JsonWriter::open(char bracket) {
  before_value();
  out_ += bracket;
  ++depth_;
  has_elements_ &= ~(std::uint64_t{1} << (depth_ - 1));
}

void JsonWriter::close(char bracket) {
  --depth_;
  out_ += bracket;
}

}  // namespace fssim
