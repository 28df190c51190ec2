// Where plugins are found. A plugin name maps to the file etl-<name>.so, searched in:
// each dir of --plugin-path, each dir of ETLHOST_PLUGIN_PATH, then the directory next to
// the etlhost executable (<exe dir>/../lib/etlhost/plugins). Never the current directory
// implicitly: a stray etl-*.so in a cron job's working directory must not be loaded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etlhost {

struct SearchDir {
  std::string dir;
  /// Where the dir came from, for error messages: "--plugin-path", "ETLHOST_PLUGIN_PATH",
  /// "next to the etlhost executable".
  std::string origin;
};

/// The search path in order. `env_value` is ETLHOST_PLUGIN_PATH (may be null); `exe_dir`
/// the directory of the running executable (empty: unknown, that entry is skipped).
std::vector<SearchDir> plugin_search_dirs(const std::vector<std::string>& cli_dirs, const char* env_value,
                                          const std::string& exe_dir);

/// The search path of this process: reads ETLHOST_PLUGIN_PATH and /proc/self/exe.
std::vector<SearchDir> default_plugin_search_dirs(const std::vector<std::string>& cli_dirs);

/// True when a SRC/SINK argument is a path to a library rather than a plugin name:
/// it contains '/' or ends in ".so".
bool looks_like_plugin_path(std::string_view argument);

/// "etl-<name>.so".
std::string plugin_file_name(std::string_view name);

/// The name in a file name "etl-<name>.so", or nullopt when the file name is not one.
std::optional<std::string> plugin_name_from_file(std::string_view file_name);

struct SearchResult {
  std::optional<std::string> path;  // the first existing etl-<name>.so
  std::vector<std::string> tried;   // every candidate looked at, "path (origin)"
};

/// Looks for etl-<name>.so in `dirs`, in order.
SearchResult find_plugin(std::string_view name, const std::vector<SearchDir>& dirs);

struct PluginFile {
  std::string name;  // from the file name
  std::string path;
  std::string origin;
  /// The path of an earlier file with the same name, which wins; empty when this one wins.
  std::string shadowed_by;
};

/// Every etl-*.so in `dirs`, in search order (sorted by name within a dir). Missing or
/// unreadable dirs are skipped.
std::vector<PluginFile> list_plugin_files(const std::vector<SearchDir>& dirs);

/// The distinct plugin names in `dirs` (for did-you-mean).
std::vector<std::string> installed_plugin_names(const std::vector<SearchDir>& dirs);

/// The directory of the running executable (readlink /proc/self/exe), or "".
std::string executable_dir();

}  // namespace etlhost
