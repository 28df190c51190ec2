// json_writer.h: a tiny compact JSON writer appending to a caller-owned std::string.
//
// The event generator writes millions of objects per bundle, so this writer allocates
// nothing itself (the caller reuses one buffer), prints integers exactly (never through a
// double, so ids above 2^53 survive) and passes UTF-8 through untouched.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace fssim {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // Writes the member name; the next value call writes the member's value.
  void key(std::string_view name);

  void string(std::string_view value);
  void integer(std::int64_t value);
  void unsigned_integer(std::uint64_t value);
  // Shortest text that reads back as the same double; integral values print without ".0".
  void real(double value);
  void boolean(bool value);
  // A value that is already JSON text (a document written by another writer).
  void raw(std::string_view json);

  // A member in one call, for the common case.
  template <typename Value>
  void member(std::string_view name, const Value& value);

 private:
  void before_value();
  void open(char bracket);
  void close(char bracket);

  std::string& out_;
  // Bit d is set when the container at depth d already holds an element, so the next one
  // needs a comma. 64 levels is far deeper than any event we generate.
  std::uint64_t has_elements_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

// Appends `value` as a quoted JSON string: quote, backslash and control characters escaped
// (\n \r \t \b \f by name, the rest as \u00XX), everything else, UTF-8 included, verbatim.
void append_json_string(std::string& out, std::string_view value);

template <typename Value>
void JsonWriter::member(std::string_view name, const Value& value) {
  key(name);
  if constexpr (std::is_same_v<Value, bool>) {
    boolean(value);
  } else if constexpr (std::is_same_v<Value, std::uint64_t>) {
    unsigned_integer(value);
  } else if constexpr (std::is_integral_v<Value>) {
    integer(value);
  } else if constexpr (std::is_floating_point_v<Value>) {
    real(value);
  } else {
    string(value);
  }
}

}  // namespace fssim
