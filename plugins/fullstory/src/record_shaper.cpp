#include "record_shaper.h"

#include "member_filter.h"

namespace fullstory {
namespace {

// The text after an object's '{' holds no member: "}" or spaces and "}".
bool empty_object_body(std::string_view body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos || body[first] == '}';
}

}  // namespace

std::string event_id(int64_t bundle_id, uint64_t position) {
  return std::to_string(bundle_id) + ":" + std::to_string(position);
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
    out_ += event_id(bundle_id, position);
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
