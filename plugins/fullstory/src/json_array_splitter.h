// json_array_splitter.h: cuts a top-level JSON array, arriving in arbitrary chunks, into
// its elements, one compact single-line JSON text each.
//
// A byte-level state machine tracks only what is needed to find element boundaries
// (inside a string? after a backslash? nesting depth) and drops insignificant whitespace
// on the way, so a record never carries a raw newline and costs no re-serialisation: the
// original bytes (number digits, string escapes) pass through unchanged. It checks the
// array's punctuation; the grammar of each element is left to EventValidator.
//
// Memory is one element, capped (max_element_bytes), never the whole array. A bigger
// element is scanned to its end without being kept and reported by its size.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "byte_sink.h"

namespace fullstory {

class ElementSink {
 public:
  virtual ~ElementSink() = default;
  /// One array element, compact. Valid only during the call. At least
  /// JsonArraySplitter::kTailPadding readable bytes follow json.data() + json.size(), so a
  /// SIMD parser can read the element in place instead of copying it.
  virtual void element(std::string_view json) = 0;
  /// One array element larger than max_element_bytes, in place of element(): its bytes
  /// were scanned for its end but not kept, so memory stays bounded by the limit.
  virtual void oversized_element(uint64_t bytes) = 0;
};

class SplitError : public std::runtime_error {
 public:
  enum class Kind {
    kGarbage,     // bytes that cannot appear here in a JSON array
    kIncomplete,  // the input ended before the closing ']'
  };
  SplitError(Kind kind, uint64_t offset, const std::string& message)
      : std::runtime_error(message), kind_(kind), offset_(offset) {}
  Kind kind() const { return kind_; }
  /// Byte offset in the (decoded) input where the problem was found.
  uint64_t offset() const { return offset_; }

 private:
  Kind kind_;
  uint64_t offset_;
};

class JsonArraySplitter final : public ByteSink {
 public:
  static constexpr size_t kDefaultMaxElementBytes = size_t{64} << 20;
  /// Bytes after each element handed to the sink (spaces): simdjson's SIMDJSON_PADDING.
  static constexpr size_t kTailPadding = 64;

  explicit JsonArraySplitter(ElementSink& sink, size_t max_element_bytes = kDefaultMaxElementBytes);

  /// Feeds the next chunk. Complete elements go to the sink before it returns. Throws SplitError.
  void write(const char* data, size_t size) override;
  /// Declares the end of input. Throws SplitError(incomplete) unless the array was closed.
  void finish();
  /// Forgets everything, for a fresh download.
  void reset();

  uint64_t elements() const { return elements_; }
  /// The byte offset just past the element most recently handed to the sink.
  uint64_t element_end_offset() const { return element_end_offset_; }

 private:
  enum class State : uint8_t {
    kBeforeArray,    // expecting '['
    kArrayOpened,    // after '[': an element or ']'
    kBeforeElement,  // after ',': an element
    kInElement,      // inside an object/array element, outside strings
    kInScalar,       // inside a top-level number/literal element
    kInString,
    kInStringEscape,
    kAfterElement,  // expecting ',' or ']'
    kClosed,        // after ']': only whitespace may follow
  };

  void start_element(char c, uint64_t offset);
  void complete_element(uint64_t end_offset);
  void check_size();
  [[noreturn]] void garbage(uint64_t offset, char found, const char* expected) const;

  ElementSink& sink_;
  size_t max_element_bytes_;
  State state_ = State::kBeforeArray;
  uint32_t depth_ = 0;   // nesting inside the current element
  uint64_t offset_ = 0;  // bytes consumed before the current chunk
  uint64_t elements_ = 0;
  uint64_t element_end_offset_ = 0;
  std::string element_;
  uint64_t dropped_bytes_ = 0;  // of the current element, once it outgrew max_element_bytes
  bool oversized_ = false;
};

}  // namespace fullstory
