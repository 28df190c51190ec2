#include "json_array_splitter.h"

#include <array>
#include <cstdio>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fullstory {
namespace {

// Byte classes, looked up once per byte on the hot path.
enum : uint8_t {
  kPlain = 0,  // copied as is
  kSpace = 1,  // insignificant whitespace outside strings
  kQuote = 2,
  kOpen = 3,   // { [
  kClose = 4,  // } ]
  kBackslash = 5,
};

constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> classes{};
  classes[' '] = classes['\t'] = classes['\n'] = classes['\r'] = kSpace;
  classes['"'] = kQuote;
  classes['{'] = classes['['] = kOpen;
  classes['}'] = classes[']'] = kClose;
  classes['\\'] = kBackslash;
  return classes;
}
constexpr std::array<uint8_t, 256> kClasses = make_classes();

inline uint8_t class_of(char c) { return kClasses[static_cast<unsigned char>(c)]; }
inline bool is_space(char c) { return class_of(c) == kSpace; }

// The index of the first '"' or '\\' in [from, size), or size. Most bundle bytes are inside
// strings, so this scan is the splitter's hot loop: 16 bytes per step where SSE2 exists
// (every x86-64), a byte table elsewhere.
size_t find_quote_or_backslash(const char* data, size_t from, size_t size) {
  size_t i = from;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= size; i += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const int hits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)));
    if (hits != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
  }
#endif
  while (i < size && data[i] != '"' && data[i] != '\\') ++i;
  return i;
}

std::string describe(char c) {
  const auto byte = static_cast<unsigned char>(c);
  char text[16];
  if (byte >= 0x20 && byte < 0x7f) {
    std::snprintf(text, sizeof text, "'%c'", c);
  } else {
    std::snprintf(text, sizeof text, "byte 0x%02x", byte);
  }
  return text;
}

}  // namespace

JsonArraySplitter::JsonArraySplitter(ElementSink& sink, size_t max_element_bytes)
    : sink_(sink), max_element_bytes_(max_element_bytes) {}

void JsonArraySplitter::reset() {
  state_ = State::kBeforeArray;
  depth_ = 0;
  offset_ = 0;
  elements_ = 0;
  element_end_offset_ = 0;
  element_.clear();
}

void JsonArraySplitter::garbage(uint64_t offset, char found, const char* expected) const {
  throw SplitError(SplitError::Kind::kGarbage, offset,
                   std::string("expected ") + expected + ", found " + describe(found) + " at byte " +
                       std::to_string(offset) + " (after " + std::to_string(elements_) + " elements)");
}

void JsonArraySplitter::check_size(uint64_t offset) const {
  if (element_.size() > max_element_bytes_) {
    throw SplitError(SplitError::Kind::kTooLarge, offset,
                     "element " + std::to_string(elements_ + 1) + " is larger than " +
                         std::to_string(max_element_bytes_ >> 20) + " MiB (at byte " + std::to_string(offset) + ")");
  }
}

void JsonArraySplitter::start_element(char c, uint64_t offset) {
  element_.clear();
  element_.push_back(c);
  switch (class_of(c)) {
    case kOpen:
      depth_ = 1;
      state_ = State::kInElement;
      break;
    case kQuote:
      depth_ = 0;
      state_ = State::kInString;
      break;
    case kClose: garbage(offset, c, state_ == State::kBeforeElement ? "an element after ','" : "an element or ']'");
    default:
      if (c == ',' || c == ':') garbage(offset, c, "an element");
      depth_ = 0;
      state_ = State::kInScalar;
  }
}

void JsonArraySplitter::complete_element(uint64_t end_offset) {
  check_size(end_offset);
  ++elements_;
  element_end_offset_ = end_offset;
  sink_.element(element_);
  element_.clear();
  state_ = State::kAfterElement;
}

void JsonArraySplitter::write(const char* data, size_t size) {
  size_t i = 0;
  while (i < size) {
    switch (state_) {
      case State::kInString: {
        // Hot path: copy the run up to the next quote or backslash in one append.
        const size_t end = find_quote_or_backslash(data, i, size);
        element_.append(data + i, end - i);
        if (end == size) {
          i = end;
          check_size(offset_ + i);
          break;
        }
        element_.push_back(data[end]);
        i = end + 1;
        if (data[end] == '\\') {
          state_ = State::kInStringEscape;
        } else if (depth_ == 0) {
          complete_element(offset_ + i);  // a top-level string element
        } else {
          state_ = State::kInElement;
        }
        break;
      }
      case State::kInStringEscape:
        element_.push_back(data[i++]);
        state_ = State::kInString;
        break;
      case State::kInElement: {
        size_t end = i;
        while (end < size && class_of(data[end]) == kPlain) ++end;
        element_.append(data + i, end - i);
        i = end;
        if (i == size) {
          check_size(offset_ + i);
          break;
        }
        const char c = data[i++];
        switch (class_of(c)) {
          case kSpace: break;
          case kQuote:
            element_.push_back(c);
            state_ = State::kInString;
            break;
          case kOpen:
            element_.push_back(c);
            ++depth_;
            break;
          case kClose:
            element_.push_back(c);
            if (--depth_ == 0) complete_element(offset_ + i);
            break;
          default:  // a backslash outside a string; the validator will name it
            element_.push_back(c);
        }
        break;
      }
      case State::kInScalar: {
        const char c = data[i];
        if (c == ',' || c == ']' || is_space(c)) {
          complete_element(offset_ + i);
          break;  // the delimiter is handled in after_element
        }
        element_.push_back(c);
        ++i;
        check_size(offset_ + i);
        break;
      }
      case State::kAfterElement: {
        const char c = data[i];
        if (c == ',') {
          state_ = State::kBeforeElement;
        } else if (c == ']') {
          state_ = State::kClosed;
        } else if (!is_space(c)) {
          garbage(offset_ + i, c, "',' or ']'");
        }
        ++i;
        break;
      }
      case State::kBeforeArray: {
        const char c = data[i];
        if (c == '[') {
          state_ = State::kArrayOpened;
        } else if (!is_space(c)) {
          garbage(offset_ + i, c, "'[' (the start of a JSON array)");
        }
        ++i;
        break;
      }
      case State::kArrayOpened:
      case State::kBeforeElement: {
        const char c = data[i];
        if (c == ']' && state_ == State::kArrayOpened) {
          state_ = State::kClosed;
        } else if (!is_space(c)) {
          start_element(c, offset_ + i);
        }
        ++i;
        break;
      }
      case State::kClosed:
        if (!is_space(data[i])) garbage(offset_ + i, data[i], "nothing after the closing ']'");
        ++i;
        break;
    }
    // After every step, not only where a chunk ends: otherwise an oversized element that
    // never closes was kTooLarge or kIncomplete depending on how the network cut the body.
    check_size(offset_ + i);
  }
  offset_ += size;
}

void JsonArraySplitter::finish() {
  if (state_ == State::kClosed) return;
  std::string where;
  switch (state_) {
    case State::kBeforeArray: where = offset_ == 0 ? "the body is empty" : "no '[' was found"; break;
    case State::kInString:
    case State::kInStringEscape:
    case State::kInElement:
    case State::kInScalar: where = "inside element " + std::to_string(elements_ + 1); break;
    default: where = "after element " + std::to_string(elements_) + ", before the closing ']'"; break;
  }
  throw SplitError(SplitError::Kind::kIncomplete, offset_,
                   "the JSON array ended early at byte " + std::to_string(offset_) + ": " + where);
}

}  // namespace fullstory
