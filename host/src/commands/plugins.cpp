// etlhost plugins: every etl-*.so in the search path, loaded (the entry point has no side
// effects) to show its kind, version and ABI; broken files are listed with the reason.
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "commands/common.h"
#include "exit_codes.h"
#include "host_error.h"
#include "plugin_loader.h"
#include "plugin_search.h"
#include "text_util.h"

namespace etlhost {

namespace {

struct Listing {
  PluginFile file;
  std::shared_ptr<LoadedPlugin> plugin;  // null when broken
  std::string error;
};

std::string strip_prefix(const std::string& message, const std::string& path) {
  const std::string prefix = "cannot load plugin " + path + ": ";
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

std::string text_output(const std::vector<Listing>& listings) {
  std::vector<std::vector<std::string>> rows{{"NAME", "KIND", "VERSION", "ABI", "PATH"}};
  for (const Listing& item : listings) {
    std::string path = item.file.path;
    if (!item.file.shadowed_by.empty()) path += "  (shadowed by " + item.file.shadowed_by + ")";
    if (item.plugin) {
      rows.push_back(
          {item.plugin->name(), kind_name(item.plugin->kind()), item.plugin->version(), item.plugin->abi_text(), path});
    } else {
      rows.push_back({item.file.name, "broken", "-", "-", path + "  (" + item.error + ")"});
    }
  }
  return format_table(rows);
}

std::string json_output(const std::vector<Listing>& listings, const std::vector<SearchDir>& dirs) {
  nlohmann::ordered_json search_path = nlohmann::ordered_json::array();
  for (const SearchDir& dir : dirs) search_path.push_back({{"dir", dir.dir}, {"origin", dir.origin}});
  nlohmann::ordered_json plugins = nlohmann::ordered_json::array();
  for (const Listing& item : listings) {
    nlohmann::ordered_json entry;
    entry["name"] = item.plugin ? item.plugin->name() : item.file.name;
    entry["kind"] = item.plugin ? nlohmann::ordered_json(kind_name(item.plugin->kind())) : nullptr;
    entry["version"] = item.plugin ? nlohmann::ordered_json(item.plugin->version()) : nullptr;
    entry["abi"] = item.plugin ? nlohmann::ordered_json(item.plugin->abi_text()) : nullptr;
    entry["path"] = item.file.path;
    entry["description"] = item.plugin ? nlohmann::ordered_json(item.plugin->description()) : nullptr;
    entry["shadowed_by"] = item.file.shadowed_by.empty() ? nullptr : nlohmann::ordered_json(item.file.shadowed_by);
    entry["error"] = item.plugin ? nullptr : nlohmann::ordered_json(item.error);
    plugins.push_back(std::move(entry));
  }
  nlohmann::ordered_json out{{"search_path", search_path}, {"plugins", plugins}};
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

int plugins_command(const Command& command, Logger& logger) {
  const auto dirs = default_plugin_search_dirs(command.plugin_path);
  std::vector<Listing> listings;
  for (PluginFile& file : list_plugin_files(dirs)) {
    Listing item{std::move(file), nullptr, {}};
    try {
      item.plugin = LoadedPlugin::load(item.file.path, item.file.name);
    } catch (const HostError& error) {
      item.error = strip_prefix(error.what(), item.file.path);
    }
    listings.push_back(std::move(item));
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
  return exit_code::kOk;
}

}  // namespace etlhost
