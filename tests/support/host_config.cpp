#include "host_config.h"

#include <optional>

#include "config_builder.h"
#include "files.h"
#include "plugin_loader.h"

namespace etltest {

std::string host_config(const etl_plugin& plugin, const std::string& config_json, bool enforce_required) {
  // Validated as the host validates a loaded plugin's descriptor, and layered from a config
  // file as `--config FILE` is.
  const auto loaded = etlhost::LoadedPlugin::from_descriptor(&plugin, plugin.name);
  const TempDir dir;
  etlhost::ConfigInputs inputs;
  inputs.plugin_name = loaded->name();
  inputs.file_option = "--config";
  inputs.file_path = dir / "config.json";
  inputs.enforce_required = enforce_required;
  write_file(*inputs.file_path, config_json);
  const etlhost::EnvLookup no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return etlhost::build_config(loaded->config_fields(), inputs, no_env).json_text;
}

}  // namespace etltest
