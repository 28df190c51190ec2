#include "config_spec.h"

#include <cctype>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "etlhost/plugin.h"

namespace etlhost {

std::vector<std::string> config_env_names(const std::string& plugin_name, const ConfigField& field) {
  std::string rule = "ETLHOST_";
  for (const std::string& part : {plugin_name, std::string("_"), field.key}) {
    for (const unsigned char c : part) rule += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
  }
  std::vector<std::string> names{rule};
  if (field.env && *field.env != rule) names.push_back(*field.env);
  return names;
}

bool is_known_config_type(uint32_t type) { return type >= ETL_CONFIG_STRING && type <= ETL_CONFIG_JSON; }

const char* config_type_name(uint32_t type) {
  switch (type) {
    case ETL_CONFIG_STRING: return "string";
    case ETL_CONFIG_INTEGER: return "integer";
    case ETL_CONFIG_NUMBER: return "number";
    case ETL_CONFIG_BOOLEAN: return "boolean";
    case ETL_CONFIG_JSON: return "json";
    default: return "unknown";
  }
}

const char* config_type_expectation(uint32_t type) {
  switch (type) {
    case ETL_CONFIG_STRING: return "a string";
    case ETL_CONFIG_INTEGER: return "an integer";
    case ETL_CONFIG_NUMBER: return "a number";
    case ETL_CONFIG_BOOLEAN: return "true or false";
    case ETL_CONFIG_JSON: return "any JSON value";
    default: return "a value of an unknown type";
  }
}

namespace {
bool fits_int64(const nlohmann::ordered_json& value) {
  if (value.is_number_unsigned()) {
    return value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  }
  return value.is_number_integer();
}
}  // namespace

std::string describe_json_type(const nlohmann::ordered_json& value, uint32_t expected_type) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::null: return "null";
    case nlohmann::ordered_json::value_t::boolean: return "true or false";
    case nlohmann::ordered_json::value_t::string: return "a string";
    case nlohmann::ordered_json::value_t::array: return "an array";
    case nlohmann::ordered_json::value_t::object: return "an object";
    case nlohmann::ordered_json::value_t::number_float: {
      if (expected_type != ETL_CONFIG_INTEGER) return "a number";
      const double number = value.get<double>();
      return number != std::floor(number) ? "a number with a fraction"
                                          : "a number written as a float or outside the int64 range";
    }
    case nlohmann::ordered_json::value_t::number_integer:
    case nlohmann::ordered_json::value_t::number_unsigned:
      if (expected_type == ETL_CONFIG_INTEGER && !fits_int64(value)) {
        return "an integer outside the int64 range";
      }
      return "a number";
    default: return "an unsupported value";
  }
}

bool json_matches_config_type(const nlohmann::ordered_json& value, uint32_t type) {
  switch (type) {
    case ETL_CONFIG_STRING: return value.is_string();
    case ETL_CONFIG_INTEGER: return fits_int64(value);
    case ETL_CONFIG_NUMBER: return value.is_number();
    case ETL_CONFIG_BOOLEAN: return value.is_boolean();
    case ETL_CONFIG_JSON: return !value.is_discarded();
    default: return false;
  }
}

}  // namespace etlhost
