// etlhost tap SOURCE (and tap-SOURCE, see app.cpp): SOURCE as a Singer tap with the
// singer-python / Meltano SDK command line. A sync is `etlhost run SOURCE to singer` whose
// state file is input only; --discover is `etlhost discover`; --about and --version
// describe the plugin.
#include <string>

#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "commands/common.h"
#include "config_spec.h"
#include "exit_codes.h"
#include "plugin_loader.h"
#include "plugin_search.h"
#include "version.h"

namespace etlhost {

namespace {

// The sink of every tap sync: Singer messages on stdout.
constexpr const char* kTapSink = "singer";

// What a tap built on etlhost can do, in the Meltano SDK's capability names.
const std::vector<std::string>& capabilities() {
  static const std::vector<std::string> list{"catalog", "discover", "state", "about"};
  return list;
}

// How a tap is called: tap-NAME, the name Meltano and pipelinewise use.
std::string tap_name(const LoadedPlugin& plugin) { return "tap-" + plugin.name(); }

// One config field as a JSON Schema property, as the Meltano SDK describes its settings;
// "env" names the environment variable the field is read from.
nlohmann::ordered_json setting_schema(const ConfigField& field) {
  nlohmann::ordered_json schema = nlohmann::ordered_json::object();
  if (field.type != ETL_CONFIG_JSON) schema["type"] = config_type_name(field.type);
  if (!field.help.empty()) schema["description"] = field.help;
  if (field.default_json && !field.secret) schema["default"] = nlohmann::ordered_json::parse(*field.default_json);
  if (field.secret) {
    schema["secret"] = true;
    schema["writeOnly"] = true;
  }
  if (field.env) schema["env"] = *field.env;
  return schema;
}

nlohmann::ordered_json settings_schema(const LoadedPlugin& plugin) {
  nlohmann::ordered_json properties = nlohmann::ordered_json::object();
  nlohmann::ordered_json required = nlohmann::ordered_json::array();
  for (const ConfigField& field : plugin.config_fields()) {
    properties[field.key] = setting_schema(field);
    if (field.required) required.push_back(field.key);
  }
  return {{"type", "object"}, {"properties", properties}, {"required", required}};
}

std::string about_json(const LoadedPlugin& plugin) {
  nlohmann::ordered_json about;
  about["name"] = tap_name(plugin);
  about["description"] = plugin.description();
  about["version"] = plugin.version();
  about["etlhost_version"] = ETLHOST_VERSION;
  about["capabilities"] = capabilities();
  about["settings"] = settings_schema(plugin);
  return about.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// A Markdown table cell: one line, no column breaks.
std::string cell(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '|') c = ' ';
  }
  return text;
}

std::string about_markdown(const LoadedPlugin& plugin) {
  std::string out = "# `" + tap_name(plugin) + "`\n\n" + plugin.description() + "\n\nBuilt with etlhost " +
                    ETLHOST_VERSION + "; plugin version " + plugin.version() + ".\n\n## Capabilities\n\n";
  for (const std::string& capability : capabilities()) out += "- `" + capability + "`\n";
  out += "\n## Settings\n\n| Setting | Required | Default | Secret | Environment variable | Description |\n";
  out += "|:--|:--:|:--:|:--:|:--|:--|\n";
  for (const ConfigField& field : plugin.config_fields()) {
    const std::string shown_default = !field.default_json ? "None" : field.secret ? "***" : *field.default_json;
    out += "| " + field.key + " | " + (field.required ? "True" : "False") + " | " + cell(shown_default) + " | " +
           (field.secret ? "True" : "False") + " | " + field.env.value_or("") + " | " + cell(field.help) + " |\n";
  }
  return out + "\nA full list of settings and capabilities is available by running: `" + tap_name(plugin) +
         " --about --format json`\n";
}

int print(const std::string& text, Logger& logger) {
  return write_stdout(text) ? exit_code::kOk : stdout_failure(logger);
}

int describe_tap(const Command& command, Logger& logger) {
  const auto plugin = load_plugin(command.source, PluginKind::kSource, default_plugin_search_dirs(command.plugin_path));
  if (command.version) {
    return print(tap_name(*plugin) + " " + plugin->version() + " (etlhost " + ETLHOST_VERSION + ", plugin ABI " +
                     plugin->abi_text() + ")\n",
                 logger);
  }
  const bool json = command.about_format == AboutFormat::kJson;
  return print(json ? about_json(*plugin) : about_markdown(*plugin), logger);
}

}  // namespace

int tap_command(const Command& command, Logger& logger) {
  if (command.about || command.version) return describe_tap(command, logger);
  if (command.discover) return discover_command(command, logger);
  Command sync = command;
  sync.kind = CommandKind::kRun;
  sync.sink = kTapSink;
  sync.state_input_only = true;  // the orchestrator keeps the state: the target's STATE lines
  // Nothing is committed in tap mode, so the singer sink's stdout notice ("this run never
  // advances --state ...") would only mislead: the orchestrator already keeps what it prints.
  sync.sets.push_back(SetArgument{"sink", "commit_when_written", "true", "singer.commit_when_written"});
  return run_command(sync, logger);
}

}  // namespace etlhost
