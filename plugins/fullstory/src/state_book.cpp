#include "state_book.h"

#include "metadata_streams.h"
#include "untrusted_json.h"

namespace fullstory {
namespace {

// A state nests to bookmarks.events.fields[].type[] (6 levels); anything much deeper is not
// one of ours and is left to the events parsers, which refuse it.
constexpr int kMaxStateDepth = 32;

}  // namespace

bool is_metadata_bookmark(std::string_view stream) {
  for (const MetadataStream& known : metadata_streams()) {
    if (stream == known.name || (known.legacy_name != nullptr && stream == known.legacy_name)) return true;
  }
  return false;
}

StateBook::StateBook(std::string_view state_json) : events_state_(state_json) {
  nlohmann::ordered_json state = parse_untrusted_ordered_json(state_json, kMaxStateDepth);
  if (state.is_discarded() || !state.is_object()) return;
  bool stripped = false;
  const auto bookmarks = state.find("bookmarks");
  if (bookmarks != state.end() && bookmarks->is_object()) {
    nlohmann::ordered_json events_only = nlohmann::ordered_json::object();
    for (const auto& [stream, bookmark] : bookmarks->items()) {
      bookmarks_[stream] = bookmark;
      if (is_metadata_bookmark(stream)) {
        stripped = true;
      } else {
        events_only[stream] = bookmark;
      }
    }
    if (events_only.empty()) {
      state.erase("bookmarks");
    } else {
      *bookmarks = std::move(events_only);
    }
  }
  const auto tap_events = state.find("events");
  if (tap_events != state.end() && tap_events->is_string() && !bookmarks_.contains("events")) {
    bookmarks_["events"] = nlohmann::ordered_json{{"last_bundle_stop", *tap_events}};
  }
  if (!stripped) return;  // the events parsers read the committed text as it is
  events_state_ = state.empty() ? std::string() : state.dump();
}

const nlohmann::ordered_json* StateBook::bookmark(std::string_view stream, const char* legacy_name) const {
  const auto find = [this](std::string_view name) -> const nlohmann::ordered_json* {
    const auto found = bookmarks_.find(std::string(name));
    return found == bookmarks_.end() ? nullptr : &*found;
  };
  if (const nlohmann::ordered_json* current = find(stream)) return current;
  return legacy_name == nullptr ? nullptr : find(legacy_name);
}

std::string StateBook::commit(const std::string& stream, nlohmann::ordered_json bookmark, const char* legacy_name) {
  if (legacy_name != nullptr) bookmarks_.erase(legacy_name);  // carried on under the new name
  bookmarks_[stream] = std::move(bookmark);
  return text();
}

std::string StateBook::merge(std::string_view events_state_json) {
  const nlohmann::ordered_json state = nlohmann::ordered_json::parse(events_state_json);  // our own text
  for (const auto& [stream, bookmark] : state.at("bookmarks").items()) bookmarks_[stream] = bookmark;
  return text();
}

std::string StateBook::text() const { return nlohmann::ordered_json{{"bookmarks", bookmarks_}}.dump(); }

}  // namespace fullstory
