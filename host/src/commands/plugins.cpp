// etlhost plugins: every etl-*.so in the search path, loaded (the entry point has no side
// effects) to show its kind, version and ABI; broken files are listed with the reason, and
// then the exit code is 4. Each file is loaded in a child process (plugin_probe.h).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "commands/common.h"
#include "commands/plugin_probe.h"
#include "exit_codes.h"
#include "plugin_search.h"
#include "text_util.h"

namespace etlhost {

namespace {

struct Listing {
  PluginFile file;
  ProbeResult probe;  // probe.plugin is empty when the file is broken
};

std::string text_output(const std::vector<Listing>& listings) {
  std::vector<std::vector<std::string>> rows{{"NAME", "KIND", "VERSION", "ABI", "PATH"}};
  for (const Listing& item : listings) {
    std::string path = item.file.path;
    if (!item.file.shadowed_by.empty()) path += "  (shadowed by " + item.file.shadowed_by + ")";
    if (const auto& plugin = item.probe.plugin) {
      rows.push_back({plugin->name, plugin->kind, plugin->version, plugin->abi, path});
    } else {
      rows.push_back({item.file.name, "broken", "-", "-", path + "  (" + item.probe.error + ")"});
    }
  }
  return format_table(rows);
}

std::string json_output(const std::vector<Listing>& listings, const std::vector<SearchDir>& dirs) {
  nlohmann::ordered_json search_path = nlohmann::ordered_json::array();
  for (const SearchDir& dir : dirs) search_path.push_back({{"dir", dir.dir}, {"origin", dir.origin}});
  nlohmann::ordered_json plugins = nlohmann::ordered_json::array();
  for (const Listing& item : listings) {
    const auto& plugin = item.probe.plugin;
    const auto of_plugin = [&plugin](const std::string PluginSummary::*field) {
      return plugin ? nlohmann::ordered_json((*plugin).*field) : nlohmann::ordered_json(nullptr);
    };
    nlohmann::ordered_json entry;
    entry["name"] = plugin ? plugin->name : item.file.name;
    entry["kind"] = of_plugin(&PluginSummary::kind);
    entry["version"] = of_plugin(&PluginSummary::version);
    entry["abi"] = of_plugin(&PluginSummary::abi);
    entry["path"] = item.file.path;
    entry["description"] = of_plugin(&PluginSummary::description);
    entry["shadowed_by"] = item.file.shadowed_by.empty() ? nullptr : nlohmann::ordered_json(item.file.shadowed_by);
    entry["error"] = plugin ? nullptr : nlohmann::ordered_json(item.probe.error);
    plugins.push_back(std::move(entry));
  }
  nlohmann::ordered_json out{{"search_path", search_path}, {"plugins", plugins}};
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

int plugins_command(const Command& command, Logger& logger) {
  const auto dirs = default_plugin_search_dirs(command.plugin_path);
  std::vector<Listing> listings;
  bool any_broken = false;
  for (PluginFile& file : list_plugin_files(dirs)) {
    ProbeResult probe = probe_plugin_file(file.path, file.name);
    any_broken = any_broken || !probe.plugin;
    listings.push_back({std::move(file), std::move(probe)});
  }
  if (listings.empty() && !command.json) {
    std::vector<std::string> searched;
    for (const SearchDir& dir : dirs) searched.push_back(dir.dir + " (" + dir.origin + ")");
    logger.warn("no plugins (etl-*.so) found in: " +
                (searched.empty() ? std::string("(empty search path)") : join(searched, ", ")));
    return exit_code::kOk;
  }
  const std::string text = command.json ? json_output(listings, dirs) : text_output(listings);
  if (!write_stdout(text)) return stdout_failure(logger);
  if (!any_broken) return exit_code::kOk;
  const auto broken = std::count_if(listings.begin(), listings.end(),
                                    [](const Listing& item) { return !item.probe.plugin; });
  logger.error(std::to_string(broken) + " of " + std::to_string(listings.size()) +
               " plugin files failed to load (listed as broken, with the reason); exit " +
               std::to_string(exit_code::kPluginLoad));
  return exit_code::kPluginLoad;
}

}  // namespace etlhost
