#include "commands/common.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "catalog_file.h"
#include "exit_codes.h"
#include "fd_write.h"
#include "host_error.h"
#include "plugin_search.h"

namespace etlhost {

RunInputs load_run_inputs(const Command& command, Logger& logger) {
  RunInputs in;
  const auto dirs = default_plugin_search_dirs(command.plugin_path);
  in.source_plugin = load_plugin(command.source, PluginKind::kSource, dirs);
  in.sink_plugin = load_plugin(command.sink, PluginKind::kSink, dirs);
  const std::string& source = in.source_plugin->name();
  const std::string& sink = in.sink_plugin->name();
  const RoutedSets sets = route_sets(command.sets, source, sink);
  in.source_config = build_config(in.source_plugin->config_fields(),
                                  ConfigInputs{source, "--config", command.config_files, sets.source});
  in.sink_config = build_config(in.sink_plugin->config_fields(),
                                ConfigInputs{sink, "--sink-config", as_list(command.sink_config_file), sets.sink});
  // Registered before create(): a plugin may log (or fail) with its config in hand.
  for (const std::string& secret : in.source_config.secrets) logger.add_secret(secret);
  for (const std::string& secret : in.sink_config.secrets) logger.add_secret(secret);
  if (command.catalog_file) in.catalog = read_catalog_file(*command.catalog_file);
  return in;
}

SourceInputs load_source_inputs(const Command& command, Logger& logger, bool enforce_required) {
  SourceInputs in;
  in.plugin = load_plugin(command.source, PluginKind::kSource, default_plugin_search_dirs(command.plugin_path));
  const RoutedSets sets = route_sets(command.sets, in.plugin->name(), "");
  ConfigInputs inputs{in.plugin->name(), "--config", command.config_files, sets.source};
  inputs.enforce_required = enforce_required;
  in.config = build_config(in.plugin->config_fields(), inputs);
  for (const std::string& secret : in.config.secrets) logger.add_secret(secret);
  return in;
}

RoutedSets route_sets(const std::vector<SetArgument>& sets, const std::string& source_name,
                      const std::string& sink_name) {
  RoutedSets routed;
  for (const SetArgument& set : sets) {
    ConfigOverride item{set.key, set.value, set.spelled};
    const bool to_source = set.target == "source" || set.target == source_name;
    const bool to_sink = !sink_name.empty() && (set.target == "sink" || set.target == sink_name);
    if (to_source && to_sink) {
      throw UsageError("--set " + set.spelled + ": '" + set.target +
                           "' names both the source and the sink; write source." + set.key + " or sink." + set.key,
                       "run");
    }
    if (to_source) {
      routed.source.push_back(std::move(item));
    } else if (to_sink) {
      routed.sink.push_back(std::move(item));
    } else if (sink_name.empty()) {
      throw UsageError("--set " + set.spelled + ": '" + set.target + "' is not the source ('" + source_name +
                           "'); write " + source_name + "." + set.key + "=VALUE",
                       "discover");
    } else {
      throw UsageError("--set " + set.spelled + ": '" + set.target + "' is neither the source ('" + source_name +
                           "') nor the sink ('" + sink_name + "')",
                       "run");
    }
  }
  return routed;
}

bool write_stdout(std::string_view text) { return write_all(STDOUT_FILENO, text); }

int stdout_failure(Logger& logger) {
  if (errno == EPIPE) return exit_code::kDownstreamClosed;
  logger.error(std::string("cannot write to stdout: ") + std::strerror(errno));
  return exit_code::kInternal;
}

std::string string_member(const nlohmann::json& object, const char* key, const std::string& fallback) {
  if (!object.is_object()) return fallback;
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : fallback;
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace etlhost
