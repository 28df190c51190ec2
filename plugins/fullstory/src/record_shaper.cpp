#include "record_shaper.h"

#include <charconv>
#include <stdexcept>

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

RecordShaper::RecordShaper(StreamSchema& schema) : schema_(schema), renames_(schema.spec().dictionary->renames) {
  if (renames_.size() > 32) throw std::logic_error("RecordShaper: more renames than sent_renamed_ has bits");
}

std::optional<RecordShaper::RenameMatch> RecordShaper::match(std::string_view name) const {
  for (size_t i = 0; i < renames_.size(); ++i) {
    if (name == renames_[i].sent) return RenameMatch{i, true};
    if (name == renames_[i].declared) return RenameMatch{i, false};
  }
  return std::nullopt;
}

void RecordShaper::member(std::string_view name, JsonKind kind) {
  if (!renames_.empty()) {
    const auto found = match(name);
    if (found && found->sent) {
      sent_renamed_ |= uint32_t{1} << found->rename;
      name = renames_[found->rename].declared;  // the schema knows the field by this name
    }
  }
  if (!schema_.observe(name, kind)) drops_ = true;
}

std::optional<std::string_view> RecordShaper::copied_as(std::string_view name) const {
  if (const auto found = match(name)) {
    if (found->sent) {
      name = renames_[found->rename].declared;
    } else if ((sent_renamed_ & (uint32_t{1} << found->rename)) != 0) {
      return std::nullopt;  // both names: the one sent under the current name wins
    }
  }
  if (schema_.deselected(name)) return std::nullopt;
  return name;
}

std::string_view RecordShaper::shape(std::string_view event, int64_t bundle_id, uint64_t position) {
  const std::string& key = schema_.key_field();
  const bool rewrite = drops_ || sent_renamed_ != 0;
  if (key.empty() && !rewrite) return event;
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
  if (rewrite) {
    append_members_renamed(
        event, [this](std::string_view name) { return copied_as(name); }, out_);
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
