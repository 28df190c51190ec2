// metadata_data.h: the deterministic objects of FullStory's metadata APIs: users (with many
// custom properties, nested ones included), segments (the built-in everyone has no created)
// and six recording settings, each with a history of versions whose microsecond lastUpdated
// grows with the version number, so a larger --history-versions only adds newer ones.
// The server's pages and --dump-metadata both come from here.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "options.h"

namespace fssim {

struct SettingsKind {
  const char* path_name;  // in /settings/recording/v1/<path_name>
  const char* stream;     // the current object's stream name; "<stream>_history" for versions
  bool admin_only;        // privacy: needs an Admin key
};

// The six kinds, in the order of FullStory's docs.
std::span<const SettingsKind> settings_kinds();
const SettingsKind* find_settings_kind(std::string_view path_name);

class MetadataData {
 public:
  explicit MetadataData(const SimOptions& options) : options_(options) {}

  std::size_t user_count() const { return options_.users; }
  std::string user(std::size_t index, bool include_schema) const;
  std::optional<std::size_t> user_index(std::string_view id) const;

  std::size_t segment_count() const { return options_.segments.size() + options_.extra_segments; }
  std::string segment(std::size_t index) const;

  std::size_t version_count() const { return options_.history_versions; }
  // Version 0 is the oldest; the current object is version version_count() - 1.
  std::string version(const SettingsKind& kind, std::size_t version) const;

  // Every object the API serves for `stream`, in the order it serves them (histories newest
  // first; users with their schema); nullopt for an unknown stream name.
  std::optional<std::vector<std::string>> objects_of(std::string_view stream) const;

 private:
  const SimOptions& options_;
};

}  // namespace fssim
