// Building a plugin's config object from the user's inputs, validated against the
// plugin's config spec before anything runs. Layers, highest first:
//   --set PLUGIN.KEY=VALUE  >  the config files (the last first)  >  ETLHOST_PLUGIN_KEY
//   >  the field's own env variable, if the plugin names one  >  its default
// Errors (exit 3) name the plugin, the key, where the value came from, what was expected
// and what was found, but never a value of a secret field.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config_spec.h"

namespace etlhost {

/// One --set, already routed to its plugin.
struct ConfigOverride {
  std::string key;
  std::string value;    // raw text from the command line, converted to the field's type
  std::string spelled;  // how the user wrote the option's target ("fullstory.api_key"), for messages
};

struct ConfigInputs {
  std::string plugin_name;  // "fullstory": prefixes messages
  /// The option that names the file, for messages: "--config" or "--sink-config".
  std::string file_option;
  /// The config files, merged in order: a later file's key wins (Meltano SDK's repeated
  /// --config). Each is checked on its own, so a message names the file a key came from.
  std::vector<std::string> file_paths;
  std::vector<ConfigOverride> overrides;
  /// False for `discover`: a catalog needs no credentials, so required keys may be missing
  /// (plugin.h, etl_source_api.discover). Unknown keys and wrong types are refused anyway.
  bool enforce_required = true;
};

struct BuiltConfig {
  nlohmann::ordered_json values = nlohmann::ordered_json::object();  // keys in spec order
  std::string json_text;                                             // what create() receives
  std::vector<std::string> secrets;                                  // the text of every secret value, for redaction
};

/// Reads an environment variable; nullopt when unset. Injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

/// An optional file (--sink-config) as ConfigInputs::file_paths.
std::vector<std::string> as_list(const std::optional<std::string>& file);

/// Validates and layers. Throws HostError(exit 3).
BuiltConfig build_config(const std::vector<ConfigField>& spec, const ConfigInputs& inputs,
                         const EnvLookup& env = process_env());

/// Converts command-line or environment text to a field's type. On failure returns nullopt
/// and sets *problem ("expects an integer, found 'abc'"; for a secret the text is left out).
std::optional<nlohmann::ordered_json> convert_text(const ConfigField& field, const std::string& text,
                                                   std::string* problem);

/// Reads a JSON file that must hold an object. Throws HostError(exit_code) naming `what`
/// ("config file x.json") with the parse error position.
nlohmann::ordered_json read_json_object_file(const std::string& path, const std::string& what, int exit_code);

}  // namespace etlhost
