#include "plugin_search.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <system_error>

#include "text_util.h"

#ifndef ETLHOST_PLUGIN_DIR_FROM_BIN
#define ETLHOST_PLUGIN_DIR_FROM_BIN "../lib/etlhost/plugins"
#endif

namespace etlhost {

namespace fs = std::filesystem;

std::vector<SearchDir> plugin_search_dirs(const std::vector<std::string>& cli_dirs, const char* env_value,
                                          const std::string& exe_dir) {
  std::vector<SearchDir> dirs;
  // Empty components are dropped: in PATH they would mean "the current directory", which
  // we never search implicitly.
  for (const std::string& value : cli_dirs) {
    for (std::string& dir : split_nonempty(value, ':')) dirs.push_back({std::move(dir), "--plugin-path"});
  }
  if (env_value != nullptr) {
    for (std::string& dir : split_nonempty(env_value, ':')) {
      dirs.push_back({std::move(dir), "ETLHOST_PLUGIN_PATH"});
    }
  }
  if (!exe_dir.empty()) {
    const fs::path next_to_exe = (fs::path(exe_dir) / ETLHOST_PLUGIN_DIR_FROM_BIN).lexically_normal();
    dirs.push_back({next_to_exe.string(), "next to the etlhost executable"});
  }
  return dirs;
}

std::string executable_dir() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  return exe.parent_path().string();
}

std::vector<SearchDir> default_plugin_search_dirs(const std::vector<std::string>& cli_dirs) {
  return plugin_search_dirs(cli_dirs, std::getenv("ETLHOST_PLUGIN_PATH"), executable_dir());
}

bool looks_like_plugin_path(std::string_view argument) {
  return argument.find('/') != std::string_view::npos || argument.ends_with(".so");
}

std::string plugin_file_name(std::string_view name) { return "etl-" + std::string(name) + ".so"; }

std::optional<std::string> plugin_name_from_file(std::string_view file_name) {
  if (!file_name.starts_with("etl-") || !file_name.ends_with(".so")) return std::nullopt;
  if (file_name.size() <= 7) return std::nullopt;
  return std::string(file_name.substr(4, file_name.size() - 7));
}

SearchResult find_plugin(std::string_view name, const std::vector<SearchDir>& dirs) {
  SearchResult result;
  const std::string file = plugin_file_name(name);
  for (const SearchDir& dir : dirs) {
    const std::string candidate = (fs::path(dir.dir) / file).string();
    result.tried.push_back(candidate + " (" + dir.origin + ")");
    std::error_code error;
    if (fs::is_regular_file(candidate, error)) {
      result.path = candidate;
      return result;
    }
  }
  return result;
}

std::vector<PluginFile> list_plugin_files(const std::vector<SearchDir>& dirs) {
  std::vector<PluginFile> files;
  std::set<std::string> seen_dirs;
  for (const SearchDir& dir : dirs) {
    // The same dir listed twice (say in --plugin-path and ETLHOST_PLUGIN_PATH) would show
    // every plugin as shadowed by itself.
    std::error_code error;
    const fs::path canonical = fs::weakly_canonical(dir.dir, error);
    if (!seen_dirs.insert(error ? dir.dir : canonical.string()).second) continue;

    std::vector<PluginFile> in_dir;
    fs::directory_iterator it(dir.dir, error);
    if (error) continue;
    for (; it != fs::directory_iterator(); it.increment(error)) {
      if (error) break;
      const std::string file_name = it->path().filename().string();
      auto name = plugin_name_from_file(file_name);
      if (!name) continue;
      std::error_code type_error;
      if (!it->is_regular_file(type_error)) continue;
      in_dir.push_back({std::move(*name), it->path().string(), dir.origin, {}});
    }
    std::sort(in_dir.begin(), in_dir.end(), [](const PluginFile& a, const PluginFile& b) { return a.name < b.name; });
    for (PluginFile& file : in_dir) {
      for (const PluginFile& earlier : files) {
        if (earlier.name == file.name && earlier.shadowed_by.empty()) {
          file.shadowed_by = earlier.path;
          break;
        }
      }
      files.push_back(std::move(file));
    }
  }
  return files;
}

std::vector<std::string> installed_plugin_names(const std::vector<SearchDir>& dirs) {
  std::vector<std::string> names;
  for (const PluginFile& file : list_plugin_files(dirs)) {
    if (std::find(names.begin(), names.end(), file.name) == names.end()) names.push_back(file.name);
  }
  return names;
}

}  // namespace etlhost
