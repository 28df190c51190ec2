// A plugin's config spec as the host keeps it: copied out of the plugin's static
// etl_config_field array once, at load time, after validation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace etlhost {

struct ConfigField {
  std::string key;
  uint32_t type = 0;  // ETL_CONFIG_STRING ... ETL_CONFIG_JSON
  bool required = false;
  bool secret = false;
  std::optional<std::string> default_json;
  std::optional<std::string> env;
  std::string help;
};

/// The environment variables a field is read from, the first set one winning: the rule every
/// key follows, ETLHOST_<PLUGIN>_<KEY> (upper case, anything but a letter or digit as '_':
/// ETLHOST_FULLSTORY_START_DATE), then the name the plugin declares for it, if any
/// (FULLSTORY_API_KEY), so a key the plugin's users already know keeps working.
std::vector<std::string> config_env_names(const std::string& plugin_name, const ConfigField& field);

/// True for the ETL_CONFIG_* types this host knows.
bool is_known_config_type(uint32_t type);

/// "string", "integer", "number", "boolean", "json".
const char* config_type_name(uint32_t type);

/// "a string", "an integer", "a number", "true or false", "any JSON value".
const char* config_type_expectation(uint32_t type);

/// What a value is, in words, never the value itself (it may be a secret):
/// "a string", "a number", "a number with a fraction", "an integer outside the int64 range",
/// "an object", "an array", "true or false", "null".
std::string describe_json_type(const nlohmann::ordered_json& value, uint32_t expected_type);

/// True when `value` is acceptable for a field of `type`: STRING a JSON string; INTEGER a
/// JSON integer within int64; NUMBER any number; BOOLEAN true/false; JSON anything.
bool json_matches_config_type(const nlohmann::ordered_json& value, uint32_t type);

}  // namespace etlhost
