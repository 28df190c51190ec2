#include "record_shaper.h"

#include <charconv>

#include "member_filter.h"

namespace fullstory {
namespace {

// The text after an object's '{' holds no member: "}" or spaces and "}".
bool empty_object_body(std::string_view body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos || body[first] == '}';
}

void append_event_id(std::string& out, int64_t bundle_id, uint64_t position) {
  char digits[24];  // an int64 or a uint64 in decimal
  out.append(digits, std::to_chars(digits, digits + sizeof digits, bundle_id).ptr);
  out += ':';
  out.append(digits, std::to_chars(digits, digits + sizeof digits, position).ptr);
}

}  // namespace

std::string event_id(int64_t bundle_id, uint64_t position) {
  std::string id;
  append_event_id(id, bundle_id, position);
  return id;
}

std::string_view RecordShaper::shape(std::string_view event, int64_t bundle_id, uint64_t position) {
  const std::string& key = schema_.key_field();
  if (key.empty() && !drops_) return event;
  out_.clear();
  out_ += '{';
  if (!key.empty()) {
    // The key's name is checked to need no escape (source_config.cpp).
    out_ += '"';
    out_ += key;
    out_ += "\":\"";
    append_event_id(out_, bundle_id, position);
    out_ += '"';
  }
  if (drops_) {
    append_members(
        event, [this](std::string_view name) { return !schema_.deselected(name); }, out_);
    out_ += '}';
    return out_;
  }
  // The splice: everything after the event's '{', which is validated, so an object.
  const std::string_view body = event.substr(1);
  if (!empty_object_body(body)) out_ += ',';
  out_.append(body);
  return out_;
}

}  // namespace fullstory
