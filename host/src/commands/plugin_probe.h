// Loading one plugin file for `etlhost plugins` in a child process of its own, so a file
// whose static constructors or entry point crash, call exit() or hang is listed as broken
// with the reason and the listing goes on with the next file.
#pragma once

#include <optional>
#include <string>

namespace etlhost {

/// What `etlhost plugins` shows of a plugin that loaded.
struct PluginSummary {
  std::string name;
  std::string kind;
  std::string version;
  std::string abi;
  std::string description;
};

/// Either a summary or why the file is broken.
struct ProbeResult {
  std::optional<PluginSummary> plugin;
  std::string error;
};

/// How long one file may take to load before it is listed as hanging.
inline constexpr double kProbeTimeoutS = 10;

/// Loads `path` (file name for plugin `expected_name`) in a forked child and reports back.
ProbeResult probe_plugin_file(const std::string& path, const std::string& expected_name);

}  // namespace etlhost
