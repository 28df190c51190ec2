// etlhost describe PLUGIN: what the plugin is and every config key it takes.
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "commands/common.h"
#include "config_spec.h"
#include "exit_codes.h"
#include "plugin_loader.h"
#include "plugin_search.h"
#include "text_util.h"

namespace etlhost {

namespace {

// A secret field's default is shown masked: a default is public, but a user reading the
// output should never have to wonder whether a secret leaked.
std::string shown_default(const ConfigField& field) {
  if (!field.default_json) return "-";
  return field.secret ? "***" : *field.default_json;
}

std::string text_output(const LoadedPlugin& plugin) {
  std::string out = plugin.name() + " " + plugin.version() + " (" + kind_name(plugin.kind()) + ", plugin ABI " +
                    plugin.abi_text() + ")\n";
  out += "path: " + plugin.path() + "\n";
  if (!plugin.description().empty()) out += plugin.description() + "\n";
  out += "\n";
  if (plugin.config_fields().empty()) return out + "Config: none\n";
  out += "Config:\n";
  std::vector<std::vector<std::string>> rows{{"KEY", "TYPE", "REQUIRED", "DEFAULT", "SECRET", "ENV", "HELP"}};
  for (const ConfigField& field : plugin.config_fields()) {
    rows.push_back({field.key, config_type_name(field.type), field.required ? "yes" : "no", shown_default(field),
                    field.secret ? "yes" : "no", join(config_env_names(plugin.name(), field), " "), field.help});
  }
  return out + format_table(rows);
}

std::string json_output(const LoadedPlugin& plugin) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (const ConfigField& field : plugin.config_fields()) {
    nlohmann::ordered_json entry;
    entry["key"] = field.key;
    entry["type"] = config_type_name(field.type);
    entry["required"] = field.required;
    entry["default"] = field.default_json ? nlohmann::ordered_json(shown_default(field)) : nullptr;
    entry["secret"] = field.secret;
    entry["env"] = field.env ? nlohmann::ordered_json(*field.env) : nullptr;  // the plugin's own name
    entry["env_names"] = config_env_names(plugin.name(), field);              // all read, first set wins
    entry["help"] = field.help;
    fields.push_back(std::move(entry));
  }
  nlohmann::ordered_json out;
  out["name"] = plugin.name();
  out["kind"] = kind_name(plugin.kind());
  out["version"] = plugin.version();
  out["abi"] = plugin.abi_text();
  out["path"] = plugin.path();
  out["description"] = plugin.description();
  out["config"] = fields;
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

int describe_command(const Command& command, Logger& logger) {
  const auto dirs = default_plugin_search_dirs(command.plugin_path);
  const auto plugin = load_plugin(command.plugin, std::nullopt, dirs);
  const std::string text = command.json ? json_output(*plugin) : text_output(*plugin);
  if (!write_stdout(text)) return stdout_failure(logger);
  return exit_code::kOk;
}

}  // namespace etlhost
