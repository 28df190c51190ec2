#include "sink_config.h"

#include <filesystem>

namespace singer {

namespace {
[[noreturn]] void refuse(const std::string& message) { throw etl::Error(ETL_E_INVALID_ARGUMENT, message); }
}  // namespace

SinkConfig SinkConfig::from(const etl::Config& config) {
  SinkConfig settings = kSinkConfig.read(config);
  const bool has_target = !settings.target.empty();
  if (has_target && settings.target.find_first_not_of(" \t\r\n") == std::string::npos) {
    refuse("config key 'target': expected a command line such as 'target-postgres --config target.json', found "
           "only spaces");
  }
  if (settings.target.find('\0') != std::string::npos) {
    refuse("config key 'target': the command line contains a NUL character");
  }
  if (!has_target && !settings.target_state_file.empty()) {
    refuse("config key 'target_state_file' needs 'target': it keeps the STATE lines of a target etlhost runs; "
           "set target too, or drop target_state_file");
  }
  if (has_target && settings.commit_when_written) {
    refuse("config keys 'target' and 'commit_when_written' exclude each other: with a target, its STATE output is "
           "what commits the state; drop commit_when_written");
  }
  if (!settings.target_state_file.empty()) {
    const auto dir = std::filesystem::absolute(settings.target_state_file).parent_path();
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error)) {
      refuse("config key 'target_state_file': its directory " + dir.string() +
             " does not exist; create it or name a file in an existing directory");
    }
  }
  return settings;
}

}  // namespace singer
