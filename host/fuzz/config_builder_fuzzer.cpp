// build_config on any config file, environment value and --set list. The input is split at
// NUL bytes: the config file's text, then the value of both environment variables, then
// "key=value" overrides. Only HostError(exit 3) may come out. Properties of a config that is
// built: the text create() receives is the values, every value has its field's type, every
// required key is there, and the secret's text is registered for redaction.
#include <algorithm>
#include <vector>

#include "config_builder.h"
#include "etlhost/plugin.h"
#include "exit_codes.h"
#include "fuzz_check.h"
#include "host_error.h"
#include "memory_file.h"

namespace {

using namespace etlhost;

// One field of each type, a required one, a secret one, defaults and environment variables.
std::vector<ConfigField> spec() {
  return {
      {"name", ETL_CONFIG_STRING, true, false, std::nullopt, std::nullopt, ""},
      {"count", ETL_CONFIG_INTEGER, false, false, "10", "FUZZ_COUNT", ""},
      {"ratio", ETL_CONFIG_NUMBER, false, false, "0.5", std::nullopt, ""},
      {"enabled", ETL_CONFIG_BOOLEAN, false, false, "false", std::nullopt, ""},
      {"options", ETL_CONFIG_JSON, false, false, std::nullopt, std::nullopt, ""},
      {"api_key", ETL_CONFIG_STRING, false, true, std::nullopt, "FUZZ_API_KEY", ""},
  };
}

std::vector<std::string_view> split_at_nul(std::string_view text) {
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    const size_t nul = text.find('\0', at);
    parts.push_back(text.substr(at, nul == std::string_view::npos ? std::string_view::npos : nul - at));
    if (nul == std::string_view::npos) return parts;
    at = nul + 1;
  }
}

void check_built(const std::vector<ConfigField>& fields, const BuiltConfig& built) {
  const auto sent = nlohmann::ordered_json::parse(built.json_text);
  fuzz::check(sent == built.values, "create() receives exactly the built values");
  for (const auto& item : built.values.items()) {
    const auto& value = item.value();
    const auto field = std::find_if(fields.begin(), fields.end(),
                                    [&](const ConfigField& f) { return f.key == item.key(); });
    fuzz::check(field != fields.end(), "only keys of the spec are built");
    fuzz::check(json_matches_config_type(value, field->type), "every built value has its field's type");
    if (field->secret) {
      fuzz::check(
          std::find(built.secrets.begin(), built.secrets.end(), value.get<std::string>()) != built.secrets.end(),
          "a secret's text is registered for redaction");
    }
  }
  fuzz::check(built.values.contains("name"), "a required key is there");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::MemoryFile file;
  static const std::vector<ConfigField> fields = spec();
  const auto parts = split_at_nul(fuzz::text_of(data, size));
  ConfigInputs inputs{"fuzz", "--config", {file.hold(parts[0])}, {}};
  const std::string env_value(parts.size() > 1 ? parts[1] : std::string_view());
  for (size_t i = 2; i < parts.size(); ++i) {
    const size_t equals = parts[i].find('=');
    const std::string key(parts[i].substr(0, equals));
    const std::string value(equals == std::string_view::npos ? std::string_view() : parts[i].substr(equals + 1));
    inputs.overrides.push_back({key, value, "fuzz." + key});
  }
  const EnvLookup env = [&](const std::string&) -> std::optional<std::string> {
    if (parts.size() < 2) return std::nullopt;
    return env_value;
  };
  try {
    check_built(fields, build_config(fields, inputs, env));
  } catch (const HostError& error) {
    fuzz::check(error.exit_code() == exit_code::kConfig, "a refused config is exit 3");
  }
  return 0;
}
