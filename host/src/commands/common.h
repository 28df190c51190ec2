// Helpers shared by the commands: routing --set to a plugin, stdout output, tables.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "config_builder.h"
#include "plugin_loader.h"

namespace etlhost {

struct RoutedSets {
  std::vector<ConfigOverride> source;
  std::vector<ConfigOverride> sink;
};

/// Sends each --set to the source (its name or `source`) or the sink (its name or `sink`).
/// `sink_name` empty: there is no sink (discover). Throws UsageError for any other target.
RoutedSets route_sets(const std::vector<SetArgument>& sets, const std::string& source_name,
                      const std::string& sink_name);

/// What `run` and `run --dry-run` load before anything else: both plugins, both configs
/// validated (their secrets registered with the logger), and the catalog file's text.
struct RunInputs {
  std::shared_ptr<LoadedPlugin> source_plugin;
  std::shared_ptr<LoadedPlugin> sink_plugin;
  BuiltConfig source_config;
  BuiltConfig sink_config;
  std::string catalog;  // "" without --catalog
};
RunInputs load_run_inputs(const Command& command, Logger& logger);

/// What a command of one source (discover, check) loads first: the plugin and its config,
/// validated, secrets registered. `enforce_required` false: required keys may be missing.
struct SourceInputs {
  std::shared_ptr<LoadedPlugin> plugin;
  BuiltConfig config;
};
SourceInputs load_source_inputs(const Command& command, Logger& logger, bool enforce_required);

/// Writes all of `text` to stdout (fd 1). Returns false on failure, with errno set
/// (EPIPE when the reader went away).
bool write_stdout(std::string_view text);

/// The exit code and message for a failed stdout write: 141 quietly on EPIPE.
int stdout_failure(Logger& logger);

/// `object[key]` when it is a string, else `fallback` (a record or plan from a file or a
/// plugin: any member may be missing or of another type).
std::string string_member(const nlohmann::json& object, const char* key, const std::string& fallback = "");

/// Rows as aligned columns (two spaces apart; the last column is not padded).
std::string format_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace etlhost
