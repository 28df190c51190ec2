#include "metadata_sync.h"

#include <cinttypes>
#include <cstdio>
#include <optional>

#include "timestamps.h"
#include "untrusted_json.h"

namespace fullstory {
namespace {

// A settings object's metadata.lastUpdated, as sent and as an instant.
struct Updated {
  std::string text;
  int64_t micros = 0;
};

std::optional<Updated> updated_of(const nlohmann::ordered_json& object) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return std::nullopt;
  const auto updated = metadata->find("lastUpdated");
  if (updated == metadata->end() || !updated->is_string()) return std::nullopt;
  const std::string text = updated->get<std::string>();
  const auto micros = parse_rfc3339_micros(text);
  if (!micros) return std::nullopt;
  return Updated{text, *micros};
}

// What the state says was delivered of a settings stream. A tap-fullstory 2.0 bookmark has
// lastUpdated only; a current object's has its digest too.
struct SettingsBookmark {
  std::optional<Updated> updated;
  std::string digest;  // of the last emitted record; empty in a history's bookmark
};

constexpr const char* kBookmarkShape =
    R"(expected {"lastUpdated":"<RFC 3339 time>"} (a current object's adds "digest":"<16 hex digits>"))";

[[noreturn]] void refuse_bookmark(const MetadataStream& stream, const std::string& found) {
  throw etl::Error(ETL_E_INVALID_STATE, std::string("state: bookmarks.") + stream.name + ": " + kBookmarkShape +
                                            ", found " + found +
                                            ". Fix the state, or remove this bookmark to read the stream again "
                                            "from start_date");
}

std::optional<SettingsBookmark> read_settings_bookmark(const StateBook& book, const MetadataStream& stream) {
  const nlohmann::ordered_json* bookmark = book.bookmark(stream.name, stream.legacy_name);
  if (bookmark == nullptr) return std::nullopt;
  if (!bookmark->is_object()) refuse_bookmark(stream, json_excerpt(nlohmann::json(*bookmark)));
  SettingsBookmark out;
  for (const auto& [key, value] : bookmark->items()) {
    const nlohmann::json plain(value);
    if (key == "lastUpdated") {
      const auto micros = value.is_string() ? parse_rfc3339_micros(value.get<std::string>()) : std::nullopt;
      if (!micros) refuse_bookmark(stream, "lastUpdated = " + json_excerpt(plain));
      out.updated = Updated{value.get<std::string>(), *micros};
    } else if (key == "digest") {
      if (!value.is_string() || value.get<std::string>().size() != 16)
        refuse_bookmark(stream, "digest = " + json_excerpt(plain));
      out.digest = value.get<std::string>();
    } else {
      refuse_bookmark(stream, "an unknown key '" + key + "'");
    }
  }
  if (!out.updated && out.digest.empty()) refuse_bookmark(stream, "neither lastUpdated nor digest");
  return out;
}

// FNV-1a, 64 bits: a record's identity across runs (not a defence against anyone).
std::string digest_of(const std::string& record) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : record) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016" PRIx64, hash);
  return text;
}

// A version without a usable metadata.lastUpdated cannot be placed against the bookmark.
[[noreturn]] void refuse_version(const MetadataStream& stream, uint64_t page) {
  throw etl::Error(ETL_E_INVALID_DATA, std::string(stream.name) + " page " + std::to_string(page) +
                                           ": a version has no metadata.lastUpdated RFC 3339 time, which FullStory "
                                           "documents on every version; without it the stream cannot be "
                                           "bookmarked, so it stops here and its state is not saved");
}

}  // namespace

void check_metadata_bookmark(const StateBook& book, const MetadataStream& stream) {
  if (is_incremental(stream)) read_settings_bookmark(book, stream);
}

void MetadataSync::run(const MetadataStream& stream, const std::set<std::string>& deselected) {
  emitted_ = 0;
  out_.schema(stream.name, metadata_schema_message(stream));
  try {
    switch (stream.shape) {
      case MetadataShape::kPagedList: return full_table(stream, deselected);
      case MetadataShape::kSingleton: return current_object(stream, deselected);
      case MetadataShape::kHistory: return history(stream, deselected);
    }
  } catch (const etl::Error& error) {
    // Records already emitted would be committed by a later stream's STATE without this
    // stream's bookmark, and emitted again next run: only a stream refused outright is skipped.
    if (error.code() != ETL_E_PERMISSION_DENIED || !config_.skip_forbidden_streams || emitted_ > 0) throw;
    host_.warn(std::string("stream '") + stream.name + "' SKIPPED: " + error.what() +
               ". Its state is unchanged; set skip_forbidden_streams to false to fail the run instead");
    host_.count("streams_skipped", 1);
  }
}

void MetadataSync::emit(const MetadataStream& stream, const std::string& record) {
  out_.record(stream.name, record);
  ++emitted_;
}

void MetadataSync::full_table(const MetadataStream& stream, const std::set<std::string>& deselected) {
  const int64_t started = unix_now();
  api_.read(stream, [&](const nlohmann::ordered_json& item) {
    emit(stream, metadata_record(stream, item, deselected));
    return true;
  });
  out_.state(book_.commit(stream.name, {{"synced_at", format_rfc3339_utc(started)}, {"records", emitted_}}));
  host_.info(std::string(stream.name) + ": " + std::to_string(emitted_) + " records in " +
             std::to_string(api_.pages()) + " pages (full table)");
}

void MetadataSync::current_object(const MetadataStream& stream, const std::set<std::string>& deselected) {
  const std::optional<SettingsBookmark> delivered = read_settings_bookmark(book_, stream);
  std::optional<nlohmann::ordered_json> object;
  api_.read(stream, [&](const nlohmann::ordered_json& item) {
    object = item;
    return false;
  });
  const std::string record = metadata_record(stream, *object, deselected);
  const std::string digest = digest_of(record);
  const std::optional<Updated> updated = updated_of(*object);
  // A tap-fullstory 2.0 bookmark has no digest: there, a newer lastUpdated means changed.
  const bool changed = !delivered || (delivered->digest.empty() ? !updated || !delivered->updated ||
                                                                      updated->micros > delivered->updated->micros
                                                                : digest != delivered->digest);
  if (!changed) {
    host_.info(std::string(stream.name) + ": unchanged since the last run" +
               (updated ? " (last updated " + updated->text + ")" : std::string()) + ": nothing to emit");
    return;
  }
  emit(stream, record);
  nlohmann::ordered_json bookmark = nlohmann::ordered_json::object();
  if (updated) bookmark["lastUpdated"] = updated->text;
  bookmark["digest"] = digest;
  out_.state(book_.commit(stream.name, std::move(bookmark), stream.legacy_name));
  host_.info(std::string(stream.name) + ": emitted the current object" +
             (updated ? " (last updated " + updated->text + ")" : std::string()));
}

void MetadataSync::history(const MetadataStream& stream, const std::set<std::string>& deselected) {
  const std::optional<SettingsBookmark> delivered = read_settings_bookmark(book_, stream);
  if (delivered && !delivered->updated) refuse_bookmark(stream, "a digest without lastUpdated");
  // From start_date on a first run (inclusive); after the bookmark's version (delivered) later.
  const int64_t after = delivered ? delivered->updated->micros : config_.start_unix * 1'000'000 - 1;
  std::optional<Updated> newest;
  std::optional<int64_t> previous;
  bool newest_first = true;
  api_.read(stream, [&](const nlohmann::ordered_json& version) {
    const std::optional<Updated> updated = updated_of(version);
    if (!updated) refuse_version(stream, api_.pages());
    if (previous && updated->micros > *previous && newest_first) {
      host_.warn(std::string(stream.name) + ": FullStory's versions are not newest first as documented: reading "
                                            "every page instead of stopping at the delivered ones");
      newest_first = false;
    }
    previous = updated->micros;
    if (updated->micros <= after) return !newest_first;  // delivered (or before start_date)
    emit(stream, metadata_record(stream, version, deselected));
    if (!newest || updated->micros > newest->micros) newest = updated;
    return true;
  });
  const std::string pages = std::to_string(api_.pages()) + (api_.pages() == 1 ? " page" : " pages") + " read";
  if (!newest) {
    host_.info(std::string(stream.name) + ": no versions after " +
               (delivered ? delivered->updated->text + " (the bookmark)" : "start_date") + ", " + pages);
    return;
  }
  out_.state(book_.commit(stream.name, {{"lastUpdated", newest->text}}, stream.legacy_name));
  host_.info(std::string(stream.name) + ": " + std::to_string(emitted_) + " new versions, the newest " + newest->text +
             ", " + pages);
}

}  // namespace fullstory
