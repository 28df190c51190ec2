#include "config_builder.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <map>

#include "bounded_json.h"
#include "etlhost/plugin.h"
#include "etlhost/redact.h"
#include "exit_codes.h"
#include "host_error.h"
#include "input_file.h"
#include "text_util.h"

namespace etlhost {

namespace {

[[noreturn]] void fail(const std::string& message) { throw HostError(exit_code::kConfig, message); }

const ConfigField* find_field(const std::vector<ConfigField>& spec, const std::string& key) {
  for (const ConfigField& field : spec) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

std::vector<std::string> keys_of(const std::vector<ConfigField>& spec) {
  std::vector<std::string> keys;
  for (const ConfigField& field : spec) keys.push_back(field.key);
  return keys;
}

std::string unknown_key_message(const ConfigInputs& inputs, const std::vector<ConfigField>& spec,
                                const std::string& key, const std::string& where) {
  std::string message = inputs.plugin_name + " config: unknown key '" + key + "' (" + where + ")";
  message += did_you_mean_suffix(key, keys_of(spec));
  message += spec.empty() ? "; this plugin takes no config" : "; known keys: " + join(keys_of(spec), ", ");
  return message;
}

std::string file_where(const ConfigInputs& inputs, const std::string& path) {
  return "in " + inputs.file_option + " " + path;
}

// The config files merged in order, each key checked in the file it came from: known keys
// of the right type only. `origin` gets the file each key's value came from.
nlohmann::ordered_json merged_config_files(const std::vector<ConfigField>& spec, const ConfigInputs& inputs,
                                           std::map<std::string, std::string>* origin) {
  nlohmann::ordered_json merged = nlohmann::ordered_json::object();
  for (const std::string& path : inputs.file_paths) {
    const auto from_file = read_json_object_file(
        path, inputs.plugin_name + " config file " + path + " (" + inputs.file_option + ")", exit_code::kConfig);
    for (const auto& [key, value] : from_file.items()) {
      const ConfigField* field = find_field(spec, key);
      if (field == nullptr) fail(unknown_key_message(inputs, spec, key, file_where(inputs, path)));
      if (!json_matches_config_type(value, field->type)) {
        fail(inputs.plugin_name + " config: key '" + key + "' expects " + config_type_expectation(field->type) +
             ", found " + describe_json_type(value, field->type) + " (" + file_where(inputs, path) + ")");
      }
      merged[key] = value;
      (*origin)[key] = path;
    }
  }
  return merged;
}

// "ETLHOST_FULLSTORY_API_KEY or FULLSTORY_API_KEY".
std::string join_env_names(const ConfigInputs& inputs, const ConfigField& field) {
  std::string text;
  for (const std::string& name : config_env_names(inputs.plugin_name, field)) {
    text += (text.empty() ? "" : " or ") + name;
  }
  return text;
}

// Where a required value may be given, for the "missing" message.
std::string how_to_set(const ConfigInputs& inputs, const ConfigField& field) {
  std::vector<std::string> ways{inputs.file_option + " FILE"};
  if (!field.secret) ways.push_back("--set " + inputs.plugin_name + "." + field.key + "=VALUE");
  std::string text = "set it in ";
  if (ways.size() == 1) {
    text += ways[0];
  } else {
    text += ways[0] + ", with " + ways[1];
  }
  return text + " or the " + join_env_names(inputs, field) + " environment variable";
}

std::string secret_text(const nlohmann::ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// A secret shorter than a redaction run cannot be kept out of the logs: it would have to be
// matched in pieces common in ordinary text, garbling every line and revealing it by what
// was replaced. Its length is printed, never its text. Empty holds nothing to leak: the
// plugin says whether it accepts one.
void require_redactable(const ConfigInputs& inputs, const ConfigField& field, const std::string& text,
                        const std::string& where) {
  if (text.empty() || text.size() >= etl::kMinSecretLength) return;
  fail(inputs.plugin_name + " config: secret key '" + field.key + "' (" + where + ") is " +
       std::to_string(text.size()) + (text.size() == 1 ? " byte" : " bytes") + " long; a secret needs at least " +
       std::to_string(etl::kMinSecretLength) +
       ": a shorter one cannot be told apart from ordinary text, so it cannot be kept out of the logs. Give the "
       "whole secret, as its issuer shows it, not a part of it");
}

// The first of the field's environment variables (config_env_names) that is set. An empty
// variable counts as unset (FOO= etlhost ... is a common way to clear one).
std::optional<nlohmann::ordered_json> from_environment(const ConfigInputs& inputs, const ConfigField& field,
                                                       const EnvLookup& env, std::string* where) {
  for (const std::string& name : config_env_names(inputs.plugin_name, field)) {
    const auto text = env(name);
    if (!text || text->empty()) continue;
    std::string problem;
    auto value = convert_text(field, *text, &problem);
    if (!value) {
      fail(inputs.plugin_name + " config: environment variable " + name + " (for key '" + field.key + "') " + problem);
    }
    *where = "from the " + name + " environment variable";
    return value;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> as_list(const std::optional<std::string>& file) {
  return file ? std::vector<std::string>{*file} : std::vector<std::string>{};
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::optional<nlohmann::ordered_json> convert_text(const ConfigField& field, const std::string& text,
                                                   std::string* problem) {
  // A secret's text is never echoed; its shape is still described.
  const std::string found = field.secret ? "a value that is not " + std::string(config_type_expectation(field.type))
                                         : "'" + abbreviate(text, excerpt::kName) + "'";
  const auto refuse = [&](const std::string& expected) -> std::optional<nlohmann::ordered_json> {
    *problem = "expects " + expected + ", found " + found;
    return std::nullopt;
  };
  switch (field.type) {
    case ETL_CONFIG_STRING: return nlohmann::ordered_json(text);
    case ETL_CONFIG_INTEGER: {
      // Strict: optional '-', digits, nothing else; within int64.
      int64_t value = 0;
      const char* begin = text.data();
      const char* end = text.data() + text.size();
      if (!text.empty() && text[0] == '+') return refuse("an integer (digits, optional leading '-')");
      const auto [ptr, error] = std::from_chars(begin, end, value);
      if (text.empty() || ptr != end) return refuse("an integer (digits, optional leading '-')");
      if (error == std::errc::result_out_of_range) return refuse("an integer within the int64 range");
      if (error != std::errc()) return refuse("an integer (digits, optional leading '-')");
      return nlohmann::ordered_json(value);
    }
    case ETL_CONFIG_NUMBER: {
      auto value = parse_bounded_or_discarded<nlohmann::ordered_json>(text);
      if (value.is_discarded() || !value.is_number()) return refuse("a number");
      return value;
    }
    case ETL_CONFIG_BOOLEAN:
      if (text == "true") return nlohmann::ordered_json(true);
      if (text == "false") return nlohmann::ordered_json(false);
      return refuse("true or false");
    case ETL_CONFIG_JSON: {
      auto value = parse_bounded_or_discarded<nlohmann::ordered_json>(text);
      if (value.is_discarded())
        return refuse("a JSON value (at most " + std::to_string(kMaxJsonDepth) + " levels deep)");
      return value;
    }
    default: return refuse(config_type_expectation(field.type));
  }
}

nlohmann::ordered_json read_json_object_file(const std::string& path, const std::string& what, int exit_code) {
  const auto text = read_input_file(InputFile{path, what, exit_code, PipeInput::kAllowed});
  if (!text) throw HostError(exit_code, "cannot read " + what + ": " + std::strerror(ENOENT));
  nlohmann::ordered_json value;
  try {
    value = parse_bounded<nlohmann::ordered_json>(*text);
  } catch (const nlohmann::json::parse_error& error) {
    // nlohmann's message carries the position: "at line 3, column 7: ...".
    throw HostError(exit_code, what + " is not valid JSON: " + error.what());
  } catch (const JsonRefused& error) {
    throw HostError(exit_code, what + " is refused: " + std::string(error.what()));
  }
  if (!value.is_object()) {
    throw HostError(exit_code, what + " must hold a JSON object, found " + describe_json_type(value, ETL_CONFIG_JSON));
  }
  return value;
}

BuiltConfig build_config(const std::vector<ConfigField>& spec, const ConfigInputs& inputs, const EnvLookup& env) {
  // 1. The config files.
  std::map<std::string, std::string> file_of_key;
  const nlohmann::ordered_json from_file = merged_config_files(spec, inputs, &file_of_key);

  // 2. --set: known, non-secret keys; text converted to the field's type. Last one wins.
  nlohmann::ordered_json from_sets = nlohmann::ordered_json::object();
  for (const ConfigOverride& set : inputs.overrides) {
    const ConfigField* field = find_field(spec, set.key);
    if (field == nullptr) fail(unknown_key_message(inputs, spec, set.key, "in --set " + set.spelled));
    if (field->secret) {
      const std::string where = "the config file (" + inputs.file_option + ") or the " +
                                join_env_names(inputs, *field) + " environment variable";
      fail(set.spelled + " is a secret: put it in " + where +
           ", not on the command line, where any user can read it with ps");
    }
    std::string problem;
    auto value = convert_text(*field, set.value, &problem);
    if (!value) fail(inputs.plugin_name + " config: --set " + set.spelled + " " + problem);
    from_sets[set.key] = std::move(*value);
  }

  // 3. Layer, in spec order, so the text create() sees is stable.
  BuiltConfig built;
  for (const ConfigField& field : spec) {
    std::optional<nlohmann::ordered_json> value;
    std::string where = "its default";  // for messages
    if (from_sets.contains(field.key)) {
      value = from_sets[field.key];
    } else if (from_file.contains(field.key)) {
      value = from_file.at(field.key);
      where = file_where(inputs, file_of_key[field.key]);
    } else {
      value = from_environment(inputs, field, env, &where);
    }
    if (!value && field.default_json) value = nlohmann::ordered_json::parse(*field.default_json);
    if (!value) {
      if (field.required && inputs.enforce_required) {
        fail(inputs.plugin_name + " config: required key '" + field.key + "' is missing: " + how_to_set(inputs, field));
      }
      continue;
    }
    if (field.secret) {
      built.secrets.push_back(secret_text(*value));
      require_redactable(inputs, field, built.secrets.back(), where);
    }
    built.values[field.key] = std::move(*value);
  }
  try {
    built.json_text = built.values.dump();
  } catch (const nlohmann::json::type_error&) {
    fail(inputs.plugin_name + " config: a value is not valid UTF-8");
  }
  return built;
}

}  // namespace etlhost
